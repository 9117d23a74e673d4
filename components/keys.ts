/**
 * Customer-managed KMS keys, one per purpose so that a grant on one never opens another: data
 * (database, backups), assets (the front end CloudFront serves), logs (log groups, alarm topics),
 * secrets (Secrets Manager) and cluster (EKS secrets, node volumes). Rotation is yearly; deletion
 * waits the longest window AWS allows.
 */
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement, policyDocument } from "./iam";
import { ResourceContext } from "./context";

/** What every customer-managed key of the platform shares: symmetric, rotated yearly, the longest deletion window. */
export const KEY_SETTINGS = {
    keyUsage: "ENCRYPT_DECRYPT",
    customerMasterKeySpec: "SYMMETRIC_DEFAULT",
    enableKeyRotation: true,
    rotationPeriodInDays: 365,
    deletionWindowInDays: 30,
    multiRegion: false,
} as const;

/** The statement that keeps a key manageable: the account administers it through IAM policies. */
export function accountAdministers(root: pulumi.Input<string>): Statement {
    return { Sid: "AccountAdministersThroughIam", Effect: "Allow", Principal: { AWS: root }, Action: "kms:*", Resource: "*" };
}

export const KEY_PURPOSES = ["data", "assets", "logs", "secrets", "cluster"] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

export interface KeysArgs {
    /** Prefix of every alias, e.g. `clinical-platform-production`. */
    aliasPrefix: string;
    /**
     * The one distribution that may decrypt the assets. It is built last, so callers pass a deferred
     * output; only the assets key's policy (a separate resource) waits for it, never a key itself.
     */
    assetsReaderDistributionArn?: pulumi.Input<string>;
    /**
     * The EKS cluster role. In Auto Mode it launches nodes whose volumes the cluster key encrypts and
     * envelope-encrypts Kubernetes secrets, so the key policy names it; it must exist before the key.
     */
    clusterRoleArn: pulumi.Input<string>;
    /** The stack's shared inputs (components/context.ts); protected keys, because losing a key loses every byte it encrypted. */
    context: ResourceContext;
}

export interface ManagedKey {
    arn: pulumi.Output<string>;
    keyId: pulumi.Output<string>;
}

export class Keys extends pulumi.ComponentResource {
    readonly data: ManagedKey;
    readonly assets: ManagedKey;
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
            // Nothing outside the account uses the data key; CloudFront decrypts only the assets key.
            data: [],
            // CloudFront reads SSE-KMS objects of the assets bucket through origin access control, as
            // this distribution only; the statement is set by the key's KeyPolicy (see below).
            assets: args.assetsReaderDistributionArn === undefined ? [] : [
                serviceUse("cloudfront.amazonaws.com", ["kms:Decrypt"], {
                    StringEquals: { "AWS:SourceArn": args.assetsReaderDistributionArn },
                }),
            ],
            logs: [
                serviceUse(pulumi.interpolate`logs.${region.region}.amazonaws.com`, ENVELOPE_ACTIONS, {
                    ArnLike: { "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${partition.partition}:logs:${region.region}:${account}:log-group:*` },
                }),
                // CloudWatch alarms publish to the encrypted alarm topics, and EventBridge (GuardDuty
                // findings) to the critical one: SNS generates and decrypts the message key as the
                // publishing service, so each needs these two actions ("Enable compatibility between event
                // sources from AWS services and encrypted topics",
                // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services,
                // checked 2026-12-01). The EventBridge statement carries no aws:SourceAccount or
                // aws:SourceArn: that page says KMS does not receive them for EventBridge deliveries, so
                // such a condition would drop every finding; the topic policy narrows the source instead.
                serviceUse("cloudwatch.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey*"], {
                    StringEquals: { "aws:SourceAccount": account },
                }),
                serviceUse("events.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey*"], undefined),
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
            // The assets key's policy names the distribution, which is built after the key's bucket:
            // the key is created with AWS's default policy (the account administers it through IAM,
            // as the first statement above says) and a KeyPolicy resource sets the full policy once the
            // distribution exists. The key itself, like every other key, waits for nothing.
            const policyLater = purpose === "assets";
            const policy = policyDocument([accountAdministers(root), ...servicePrincipals[purpose]]);
            const key = new aws.kms.Key(`${name}-${purpose}`, {
                ...KEY_SETTINGS,
                description: `${args.aliasPrefix} ${purpose} encryption`,
                policy: policyLater ? undefined : policy,
                tags: { Purpose: purpose },
            }, { parent: this, protect: args.context.protect, retainOnDelete: args.context.protect });
            if (policyLater) new aws.kms.KeyPolicy(`${name}-${purpose}`, { keyId: key.keyId, policy }, { parent: this });
            new aws.kms.Alias(`${name}-${purpose}`, {
                name: `alias/${args.aliasPrefix}-${purpose}`,
                targetKeyId: key.keyId,
            }, { parent: this });
            return { arn: key.arn, keyId: key.keyId };
        };

        this.data = create("data");
        this.assets = create("assets");
        this.logs = create("logs");
        this.secrets = create("secrets");
        this.cluster = create("cluster");
        this.registerOutputs({
            data: this.data.arn, assets: this.assets.arn, logs: this.logs.arn, secrets: this.secrets.arn, cluster: this.cluster.arn,
        });
    }
}

const ENVELOPE_ACTIONS = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"];

function serviceUse(service: pulumi.Input<string>, actions: string[], condition: Statement["Condition"] | undefined): Statement {
    return { Effect: "Allow", Principal: { Service: service }, Action: actions, Resource: "*", ...(condition ? { Condition: condition } : {}) };
}
