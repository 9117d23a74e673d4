/**
 * Customer-managed KMS keys, one per purpose so that a grant on one never opens another: data
 * (database, buckets), logs (log groups, alarm topic), secrets (Secrets Manager) and cluster (EKS
 * secrets, node volumes). Rotation is yearly; deletion waits the longest window AWS allows.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement, policyDocument } from "./iam";

export const KEY_PURPOSES = ["data", "logs", "secrets", "cluster"] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

export interface KeysArgs {
    /** Prefix of every alias, e.g. `clinical-platform-production`. */
    aliasPrefix: string;
    /**
     * The EKS cluster role. In Auto Mode it launches nodes whose volumes the cluster key encrypts and
     * envelope-encrypts Kubernetes secrets, so the key policy names it; it must exist before the key.
     */
    clusterRoleArn: pulumi.Input<string>;
    /** Protect keys from deletion in Pulumi; losing a key loses every byte it encrypted. */
    protect: boolean;
    tags: Record<string, string>;
}

export interface ManagedKey {
    arn: pulumi.Output<string>;
    keyId: pulumi.Output<string>;
}

export class Keys extends pulumi.ComponentResource {
    readonly data: ManagedKey;
    readonly logs: ManagedKey;
    readonly secrets: ManagedKey;
    readonly cluster: ManagedKey;

    constructor(name: string, args: KeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:keys:Keys", name, {}, opts);
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this });
        const region = aws.getRegionOutput({}, { parent: this });
        const account = identity.accountId;
        const root = pulumi.interpolate`arn:${partition.partition}:iam::${account}:root`;

        const servicePrincipals: Record<KeyPurpose, Statement[]> = {
            data: [
                // CloudFront reads SSE-KMS objects of the assets bucket through origin access control.
                serviceUse("cloudfront.amazonaws.com", ["kms:Decrypt"], {
                    StringLike: { "AWS:SourceArn": pulumi.interpolate`arn:${partition.partition}:cloudfront::${account}:distribution/*` },
                }),
            ],
            logs: [
                serviceUse(pulumi.interpolate`logs.${region.region}.amazonaws.com`, ENVELOPE_ACTIONS, {
                    ArnLike: { "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${partition.partition}:logs:${region.region}:${account}:log-group:*` },
                }),
                // CloudWatch alarms publish to the encrypted alarm topic.
                serviceUse("cloudwatch.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey*"], {
                    StringEquals: { "aws:SourceAccount": account },
                }),
            ],
            secrets: [],
            cluster: [
                // EKS Auto Mode key policy, as in the EKS User Guide "Enable EBS Volume Encryption with
                // Customer Managed KMS Keys for EKS Auto Mode" (auto-kms), checked 2026-12-01: the
                // cluster role encrypts node and persistent volumes, and grants only to AWS services.
                // No Auto Scaling group uses this key, so the Auto Scaling service-linked role (absent
                // from a fresh account) is not named.
                {
                    Sid: "ClusterRoleUsesKey",
                    Effect: "Allow",
                    Principal: { AWS: args.clusterRoleArn },
                    Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                    Resource: "*",
                },
                {
                    Sid: "ClusterRoleGrantsToAwsServices",
                    Effect: "Allow",
                    Principal: { AWS: args.clusterRoleArn },
                    Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                    Resource: "*",
                    Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
                },
            ],
        };

        const create = (purpose: KeyPurpose): ManagedKey => {
            const key = new aws.kms.Key(`${name}-${purpose}`, {
                description: `${args.aliasPrefix} ${purpose} encryption`,
                keyUsage: "ENCRYPT_DECRYPT",
                customerMasterKeySpec: "SYMMETRIC_DEFAULT",
                enableKeyRotation: true,
                rotationPeriodInDays: 365,
                deletionWindowInDays: 30,
                multiRegion: false,
                policy: policyDocument([
                    { Sid: "AccountAdministersThroughIam", Effect: "Allow", Principal: { AWS: root }, Action: "kms:*", Resource: "*" },
                    ...servicePrincipals[purpose],
                ]),
                tags: { ...args.tags, Purpose: purpose },
            }, { parent: this, protect: args.protect, retainOnDelete: args.protect });
            new aws.kms.Alias(`${name}-${purpose}`, {
                name: `alias/${args.aliasPrefix}-${purpose}`,
                targetKeyId: key.keyId,
            }, { parent: this });
            return { arn: key.arn, keyId: key.keyId };
        };

        this.data = create("data");
        this.logs = create("logs");
        this.secrets = create("secrets");
        this.cluster = create("cluster");
        this.registerOutputs({});
    }
}

const ENVELOPE_ACTIONS = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"];

function serviceUse(service: pulumi.Input<string>, actions: string[], condition: Statement["Condition"]): Statement {
    return { Effect: "Allow", Principal: { Service: service }, Action: actions, Resource: "*", Condition: condition };
}
