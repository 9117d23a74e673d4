/**
 * ECR private repositories. Neither HIPAA anchor has an ECR rule; images carry application code
 * and sometimes baked-in data, so they get the integrity, encryption and exposure controls of the
 * other stores. Inputs checked in the @pulumi/aws 7.48.0 ecr/*.d.ts on 2026-12-01:
 * `imageTagMutability` defaults to MUTABLE, `encryptionConfigurations` to AES256, and the
 * standalone policies name the repository by `repository` (its name).
 */
import { isPublicAllow, statementsOf } from "../lib/documents";
import { type ClinicalPolicy, resourceRule, stackRule } from "../lib/policy";
import { type StackResource, refersTo } from "../lib/stack";
import { ECR } from "../lib/types";
import { type Maybe, elements, isKnown, isUnknown, presentOrPending } from "../lib/values";

/** Inputs of `aws.ecr.Repository` the rules read. */
export interface RepositoryInputs {
    name?: Maybe<string>;
    imageScanningConfiguration?: Maybe<{ scanOnPush?: Maybe<boolean> }>;
    imageTagMutability?: Maybe<string>;
    encryptionConfigurations?: Maybe<Maybe<{ encryptionType?: Maybe<string>; kmsKey?: Maybe<string> }>[]>;
}

/** Inputs of `aws.ecr.RepositoryPolicy` and `aws.ecr.LifecyclePolicy` the rules read. */
export interface RepositoryAttachmentInputs {
    repository?: Maybe<string>;
    policy?: unknown;
}

/** Inputs of `aws.ecr.RegistryScanningConfiguration` the rules read. */
export interface RegistryScanningInputs {
    scanType?: Maybe<string>;
    rules?: Maybe<Maybe<{ scanFrequency?: Maybe<string>; repositoryFilters?: Maybe<Maybe<{ filter?: Maybe<string>; filterType?: Maybe<string> }>[]> }>[]>;
}

/** Registry scan frequencies that scan each image as it is pushed (valid values per the 7.48.0 typings). */
const SCANS_ON_PUSH: ReadonlySet<string> = new Set(["SCAN_ON_PUSH", "CONTINUOUS_SCAN"]);

/** Tag settings that refuse overwriting a tag (valid values per the 7.48.0 typings). */
const IMMUTABLE: ReadonlySet<string> = new Set(["IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"]);

/** Whether a registry scanning rule's wildcard filter selects the repository; a name unknown in preview only matches "*". */
function selects(filter: string, repositoryName: Maybe<string>): boolean {
    if (filter === "*") {
        return true;
    }
    if (!isKnown(repositoryName) || typeof repositoryName !== "string") {
        return false;
    }
    const pattern = new RegExp(`^${filter.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
    return pattern.test(repositoryName);
}

function registryScansOnPush(configuration: StackResource, repositoryName: Maybe<string>): boolean {
    for (const rule of elements(configuration.props<RegistryScanningInputs>().rules).known) {
        if (!isKnown(rule) || (!SCANS_ON_PUSH.has(String(rule.scanFrequency)) && !isUnknown(rule.scanFrequency))) {
            continue;
        }
        const filters = elements(rule.repositoryFilters);
        if (filters.hasUnknown || filters.known.some((filter) => isKnown(filter) && (isUnknown(filter.filter) || (typeof filter.filter === "string" && selects(filter.filter, repositoryName))))) {
            return true;
        }
    }
    return false;
}

export const ecrImageScanOnPush = stackRule({
    name: "ecr-image-scan-on-push",
    description: "Every image pushed to an ECR repository is scanned for vulnerabilities, by the repository or by the registry's scanning configuration.",
    severity: "medium",
    category: "change-management",
    hipaa: ["164.308(a)(1)(ii)(A)", "164.308(a)(5)(ii)(B)"],
    soc2: ["CC7.1"],
    remediation:
        "Set imageScanningConfiguration { scanOnPush: true }, or declare an aws.ecr.RegistryScanningConfiguration whose rule "
        + "(SCAN_ON_PUSH or CONTINUOUS_SCAN) has a wildcard filter matching the repository.",
    resourceTypes: [ECR.repository],
    *check(stack) {
        const registryConfigurations = stack.ofType(ECR.registryScanningConfiguration);
        for (const repository of stack.ofType(ECR.repository)) {
            const inputs = repository.props<RepositoryInputs>();
            const scanning = inputs.imageScanningConfiguration;
            if (isKnown(scanning) && (scanning.scanOnPush === true || isUnknown(scanning.scanOnPush))) {
                continue;
            }
            if (!registryConfigurations.some((configuration) => registryScansOnPush(configuration, inputs.name))) {
                yield { resource: repository, message: "Neither imageScanningConfiguration.scanOnPush nor a registry scanning rule scans images as they are pushed." };
            }
        }
    },
});

export const ecrImmutableTags = resourceRule<RepositoryInputs>({
    name: "ecr-immutable-tags",
    description: "ECR repositories refuse to overwrite an image tag, so a deployed tag always names the image that was reviewed.",
    severity: "medium",
    category: "change-management",
    hipaa: ["164.312(c)(1)"],
    soc2: ["CC8.1"],
    remediation: 'Set imageTagMutability: "IMMUTABLE" (or "IMMUTABLE_WITH_EXCLUSION" for named scratch tags).',
    resourceTypes: [ECR.repository],
    *check(repository) {
        const mutability = repository.imageTagMutability;
        if (!isKnown(mutability) || !IMMUTABLE.has(mutability)) {
            yield `imageTagMutability is ${isKnown(mutability) ? mutability : "not set (MUTABLE)"}, so a tag can be pushed over with a different image.`;
        }
    },
});

export const ecrCustomerManagedKey = resourceRule<RepositoryInputs>({
    name: "ecr-customer-managed-key",
    description: "ECR repositories encrypt images with a customer-managed KMS key.",
    severity: "medium",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)"],
    soc2: ["CC6.1"],
    remediation: 'Set encryptionConfigurations [{ encryptionType: "KMS", kmsKey: <the data key\'s ARN> }] (at creation: it cannot change later).',
    resourceTypes: [ECR.repository],
    *check(repository) {
        const configurations = elements(repository.encryptionConfigurations);
        if (configurations.hasUnknown) {
            return;
        }
        const configuration = configurations.known.find(isKnown);
        if (configuration === undefined || configuration.encryptionType !== "KMS") {
            yield 'encryptionConfigurations does not set encryptionType "KMS", so images are encrypted with AES256 under an AWS-owned key.';
        } else if (!presentOrPending(configuration.kmsKey)) {
            yield "encryptionConfigurations sets no kmsKey, so images are encrypted under the AWS-managed aws/ecr key.";
        }
    },
});

export const ecrRepositoryPolicyNoPublic = resourceRule<RepositoryAttachmentInputs>({
    name: "ecr-repository-policy-no-public",
    description: "ECR repository policies allow nothing to everyone without a narrowing condition.",
    severity: "critical",
    category: "public-access",
    hipaa: ["164.312(a)(1)"],
    soc2: ["CC6.1", "CC6.3"],
    remediation: 'Name the accounts or roles that pull (or narrow "*" with aws:PrincipalOrgID).',
    resourceTypes: [ECR.repositoryPolicy],
    *check(policy) {
        const statements = statementsOf(policy.policy);
        if (Array.isArray(statements) && statements.some(isPublicAllow)) {
            yield 'The repository policy allows Principal "*" without a condition, so anyone could pull (or push) images.';
        }
    },
});

export const ecrLifecyclePolicy = stackRule({
    name: "ecr-lifecycle-policy",
    description: "Every ECR repository has a lifecycle policy, so old and untagged images do not pile up unscanned.",
    severity: "low",
    category: "change-management",
    hipaa: ["164.310(d)(2)(i)"],
    soc2: ["CC6.5"],
    remediation: "Add an aws.ecr.LifecyclePolicy for the repository (e.g. expire untagged images after 14 days, keep the last N releases).",
    resourceTypes: [ECR.repository],
    *check(stack) {
        const lifecycles = stack.ofType(ECR.lifecyclePolicy);
        for (const repository of stack.ofType(ECR.repository)) {
            if (!lifecycles.some((lifecycle) => refersTo(lifecycle, "repository", repository, ["name", "id"]))) {
                yield { resource: repository, message: "No aws.ecr.LifecyclePolicy names this repository, so images are kept forever." };
            }
        }
    },
});

export const ecrPolicies: ClinicalPolicy[] = [ecrImageScanOnPush, ecrImmutableTags, ecrCustomerManagedKey, ecrRepositoryPolicyNoPublic, ecrLifecyclePolicy];
