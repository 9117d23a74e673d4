import { ECR } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/ecr";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { type TestResource, UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const repository = (inputs: Record<string, unknown> = {}) =>
    resource(ECR.repository, "api", {
        name: "clinical/api",
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: UNKNOWN }],
        ...inputs,
    });
const api = repository();
const lifecycle = (target: TestResource, inputs: Record<string, unknown> = {}) =>
    resource(ECR.lifecyclePolicy, `${target.name}-lifecycle`, { repository: UNKNOWN, policy: JSON.stringify({ rules: [] }), ...inputs }, { repository: target });
const registryScanning = (frequency: string, filter: string) =>
    resource(ECR.registryScanningConfiguration, "registry-scanning", { scanType: "ENHANCED", rules: [{ scanFrequency: frequency, repositoryFilters: [{ filter, filterType: "WILDCARD" }] }] });
const repositoryPolicy = (statement: Record<string, unknown>) =>
    resource(ECR.repositoryPolicy, "api-policy", { repository: UNKNOWN, policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) }, { repository: api });
const other = resource("aws:sqs/queue:Queue", "jobs", { kmsMasterKeyId: UNKNOWN });

describe("ECR policies", () => {
    describeStackPolicy(rules.ecrImageScanOnPush, {
        accepts: {
            "a repository that scans on push": [api],
            "the registry scanning every repository on push": [repository({ imageScanningConfiguration: undefined }), registryScanning("SCAN_ON_PUSH", "*")],
            "the registry scanning this prefix continuously": [repository({ imageScanningConfiguration: { scanOnPush: false } }), registryScanning("CONTINUOUS_SCAN", "clinical/*")],
        },
        notApplicable: { "a stack without repositories": [other] },
        rejects: {
            "no scanning": { resources: [repository({ imageScanningConfiguration: undefined })], offenders: ["api"], message: /scans images as they are pushed/ },
            "registry scanning only by hand": { resources: [repository({ imageScanningConfiguration: undefined }), registryScanning("MANUAL", "*")], offenders: ["api"], message: /scanOnPush/ },
            "registry scanning other repositories": { resources: [repository({ imageScanningConfiguration: undefined }), registryScanning("SCAN_ON_PUSH", "tools/*")], offenders: ["api"], message: /scanOnPush/ },
        },
    });

    describeResourcePolicy(rules.ecrImmutableTags, {
        accepts: { "immutable tags": api, "immutable with named exclusions": repository({ imageTagMutability: "IMMUTABLE_WITH_EXCLUSION" }) },
        notApplicable: { "a queue": other },
        rejects: {
            "the default (mutable)": [repository({ imageTagMutability: undefined }), /not set \(MUTABLE\)/],
            "mutable": [repository({ imageTagMutability: "MUTABLE" }), /imageTagMutability is MUTABLE/],
            "unknown until the update": [repository({ imageTagMutability: UNKNOWN }), /pushed over/],
        },
    });

    describeResourcePolicy(rules.ecrCustomerManagedKey, {
        accepts: { "images under the data key": api },
        notApplicable: { "a queue": other },
        rejects: {
            "the AES256 default": [repository({ encryptionConfigurations: undefined }), /encryptionType "KMS"/],
            "the AWS-managed aws/ecr key": [repository({ encryptionConfigurations: [{ encryptionType: "KMS" }] }), /aws\/ecr key/],
        },
    });

    describeResourcePolicy(rules.ecrRepositoryPolicyNoPublic, {
        accepts: {
            "a pull grant to the account": repositoryPolicy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: ["ecr:BatchGetImage"] }),
            "everyone in the organization": repositoryPolicy({ Effect: "Allow", Principal: "*", Action: ["ecr:BatchGetImage"], Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } } }),
        },
        notApplicable: { "a repository": api },
        rejects: { "everyone may pull": [repositoryPolicy({ Effect: "Allow", Principal: "*", Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] }), /anyone could pull/] },
    });

    describeStackPolicy(rules.ecrLifecyclePolicy, {
        accepts: {
            "a repository with a lifecycle policy": [api, lifecycle(api)],
            "a lifecycle policy naming the repository by name": [api, resource(ECR.lifecyclePolicy, "by-name", { repository: "clinical/api", policy: "{}" })],
        },
        notApplicable: { "a stack without repositories": [other] },
        rejects: {
            "no lifecycle policy": { resources: [api], offenders: ["api"], message: /kept forever/ },
            "a lifecycle policy for another repository": { resources: [api, resource(ECR.lifecyclePolicy, "tools", { repository: "tools", policy: "{}" })], offenders: ["api"], message: /No aws.ecr.LifecyclePolicy/ },
        },
    });
});
