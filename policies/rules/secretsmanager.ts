import { isPublicAllow, statementsOf } from "../lib/documents";
import { type ClinicalPolicy, resourceRule, stackRule } from "../lib/policy";
import { type StackResource, type StackView, refersTo } from "../lib/stack";
import { RDS, SECRETS } from "../lib/types";
import { type Maybe, isKnown, isUnknown, present, presentOrPending } from "../lib/values";

/** Inputs of `aws.secretsmanager.Secret` the rules read. */
export interface SecretInputs {
    name?: Maybe<string>;
    kmsKeyId?: Maybe<string>;
    recoveryWindowInDays?: Maybe<number>;
    policy?: unknown;
}

/** Inputs of `aws.secretsmanager.SecretRotation` the rules read. */
export interface SecretRotationInputs {
    secretId?: Maybe<string>;
    rotationEnabled?: Maybe<boolean>;
    rotationRules?: Maybe<{ automaticallyAfterDays?: Maybe<number>; scheduleExpression?: Maybe<string> }>;
}

/** Inputs of `aws.secretsmanager.SecretPolicy` the rules read. */
export interface SecretPolicyInputs {
    secretArn?: Maybe<string>;
    policy?: unknown;
}

const SECRET_IDENTIFIERS = ["arn", "id", "name"] as const;

/** A database whose master password RDS itself stores and rotates. */
function isRdsManagedCredential(resource: StackResource): boolean {
    return resource.props<{ manageMasterUserPassword?: Maybe<boolean> }>().manageMasterUserPassword === true;
}

function referencedUrns(resource: StackResource): Set<string> {
    return new Set([...resource.dependencies, ...Object.values(resource.propertyDependencies).flat()]);
}

/**
 * A secret holding what RDS manages (e.g. connection details built from the master user
 * secret) changes whenever RDS rotates, so it counts as rotated: the secret itself, or a
 * SecretVersion of it, is computed from a database with manageMasterUserPassword.
 */
function derivesFromManagedDatabase(stack: StackView, secret: StackResource): boolean {
    const managed = stack.ofType(RDS.instance, RDS.cluster).filter(isRdsManagedCredential);
    const sources = [secret, ...stack.ofType(SECRETS.version).filter((version) => refersTo(version, "secretId", secret, SECRET_IDENTIFIERS))];
    return sources.some((source) => {
        const referenced = referencedUrns(source);
        return managed.some((db) => referenced.has(db.urn));
    });
}

export const secretsmanagerCustomerManagedKey = resourceRule<SecretInputs>({
    name: "secretsmanager-customer-managed-key",
    description: "Secrets Manager secrets are encrypted with a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.1"],
    anchors: { awsConfig: ["SECRETSMANAGER_USING_CMK"], cdkNag: ["SecretsManagerUsingKMSKey"] },
    remediation: "Set kmsKeyId to the platform's secrets key.",
    resourceTypes: [SECRETS.secret],
    *check(secret) {
        if (!presentOrPending(secret.kmsKeyId)) {
            yield "kmsKeyId is not set, so the secret uses the AWS-managed aws/secretsmanager key.";
        }
    },
});

export const secretsmanagerRotationEnabled = stackRule({
    name: "secretsmanager-rotation-enabled",
    description: "Every secret is rotated automatically, either by a rotation schedule or because RDS manages it.",
    severity: "high",
    category: "access-control",
    hipaa: ["164.308(a)(4)(ii)(B)", "164.308(a)(5)(ii)(D)"],
    soc2: ["CC6.1"],
    anchors: { awsConfig: ["SECRETSMANAGER_ROTATION_ENABLED_CHECK"], cdkNag: ["SecretsManagerRotationEnabled"] },
    remediation:
        "Add a SecretRotation whose secretId is the secret, or let RDS manage the credential (manageMasterUserPassword), or exempt a static secret by name in the pack config.",
    resourceTypes: [SECRETS.secret],
    *check(stack) {
        const rotations = stack.ofType(SECRETS.rotation).filter((rotation) => {
            return rotation.props<SecretRotationInputs>().rotationEnabled !== false;
        });
        for (const secret of stack.ofType(SECRETS.secret)) {
            const rotated = rotations.some((rotation) => refersTo(rotation, "secretId", secret, SECRET_IDENTIFIERS));
            if (!rotated && !derivesFromManagedDatabase(stack, secret)) {
                yield { resource: secret, message: "No SecretRotation targets this secret, so its value never changes." };
            }
        }
    },
});

export const secretsmanagerRotationInterval = resourceRule<SecretRotationInputs, { maximumDays: number }>({
    name: "secretsmanager-rotation-interval",
    description: "Secret rotation happens at least as often as the environment's maximum interval.",
    severity: "medium",
    category: "access-control",
    hipaa: ["164.308(a)(5)(ii)(D)"],
    soc2: ["CC6.1"],
    remediation: "Set rotationRules.automaticallyAfterDays to at most the configured maximum, or use a scheduleExpression.",
    config: {
        maximumDays: { type: "integer", minimum: 1, maximum: 1000, default: 90, description: "Longest allowed rotation interval." },
    },
    resourceTypes: [SECRETS.rotation],
    *check(rotation, { config }) {
        const rules = rotation.rotationRules;
        if (isUnknown(rules) || (isKnown(rules) && isUnknown(rules.scheduleExpression))) {
            // The program writes the schedule as a literal; one the preview cannot know may be any interval.
            yield "rotationRules is unknown in preview, so the rotation interval cannot be checked.";
            return;
        }
        if (!isKnown(rules) || present(rules.scheduleExpression)) {
            return;
        }
        const days = rules.automaticallyAfterDays;
        if (isKnown(days) && days > config.maximumDays) {
            yield `The secret rotates every ${days} days; the maximum is ${config.maximumDays}.`;
        }
    },
});

export const secretsmanagerRecoveryWindow = resourceRule<SecretInputs>({
    name: "secretsmanager-recovery-window",
    description: "Deleted secrets stay recoverable for a recovery window.",
    severity: "medium",
    category: "availability",
    hipaa: ["164.308(a)(7)(ii)(A)"],
    soc2: ["A1.2"],
    remediation: "Leave recoveryWindowInDays unset (30) or set it between 7 and 30.",
    resourceTypes: [SECRETS.secret],
    *check(secret) {
        if (secret.recoveryWindowInDays === 0) {
            yield "recoveryWindowInDays is 0, so deleting the secret destroys it immediately and irrecoverably.";
        }
    },
});

export const secretsmanagerPolicyNoPublic = resourceRule<SecretInputs & SecretPolicyInputs>({
    name: "secretsmanager-policy-no-public",
    description: "Secret resource policies allow nothing to everyone without a narrowing condition.",
    severity: "critical",
    category: "public-access",
    hipaa: ["164.312(a)(1)"],
    soc2: ["CC6.1", "CC6.3"],
    remediation: "Name the principals that need the secret instead of \"*\".",
    resourceTypes: [SECRETS.secret, SECRETS.policy],
    *check(inputs) {
        const statements = statementsOf(inputs.policy);
        if (Array.isArray(statements) && statements.some(isPublicAllow)) {
            yield 'The secret\'s resource policy allows Principal "*" without a condition.';
        }
    },
});

export const secretsmanagerPolicies: ClinicalPolicy[] = [
    secretsmanagerCustomerManagedKey,
    secretsmanagerRotationEnabled,
    secretsmanagerRotationInterval,
    secretsmanagerRecoveryWindow,
    secretsmanagerPolicyNoPublic,
];
