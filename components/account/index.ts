/**
 * The account's security baseline, created by the one stack of each account that owns it
 * (`ownsAccountResources`; stacks/account.ts refuses two): what exists once per account (the audit
 * trail, the IAM password policy, S3 Block Public Access) and its own region's services
 * (RegionalBaseline). A stack in another region of the account that sets `ownsRegionalResources`
 * creates only the regional part there. A second stack creating any of it would fight the first
 * over one setting, or fail because AWS allows only one.
 */
import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionalBaseline } from "./regional";
import { AuditTrail } from "./trail";
import { PlatformContext } from "../context";

export { CONFIG_RECORDER_NAME, GUARDDUTY_FEATURES, RegionalBaseline } from "./regional";
export { AuditTrail, auditedEvents } from "./trail";

/**
 * The IAM password policy for the account's IAM users (people sign in through the identity provider;
 * this binds any break-glass user): CIS AWS Foundations Benchmark v3.0.0 1.8 (length 14 or more)
 * and 1.9 (the last 24 refused), CIS v1.2.0 1.5-1.9 and 1.11 (every character class, expiry within
 * 90 days), as the benchmarks' remediation steps give them; checked 2026-12-01.
 */
export const PASSWORD_POLICY = {
    minimumPasswordLength: 14,
    passwordReusePrevention: 24,
    maxPasswordAge: 90,
    requireLowercaseCharacters: true,
    requireUppercaseCharacters: true,
    requireNumbers: true,
    requireSymbols: true,
    allowUsersToChangePassword: true,
    // An expired password is changed at sign-in, not by an administrator.
    hardExpiry: false,
} as const;

export interface AccountBaselineArgs {
    /** The account, as the stack file names it (`aws:allowedAccountIds`). */
    accountId: string;
    /** The stack's region: the trail's home region, and where the regional services are created. */
    region: string;
    /** Prefix of physical names (trail, log group, key aliases), e.g. `clinical-platform-production`. */
    namePrefix: string;
    /**
     * Create what exists once per account (trail, password policy, S3 Block Public Access); false
     * for a stack that owns only its region's services (`ownsRegionalResources`).
     */
    accountWide: boolean;
    /**
     * The account holds PHI (the owner stack is classified `phi`): trail log files are locked
     * (S3 Object Lock, COMPLIANCE mode) for the log retention, so no one can delete or alter them.
     */
    lockAuditLogs: boolean;
    /** The stack's log bucket, which receives the baseline buckets' server access logs, and its policy. */
    accessLogBucket: pulumi.Input<string>;
    accessLogBucketPolicy: pulumi.Resource;
    /**
     * The stack's shared inputs (components/context.ts): its log retention is how long audit logs and
     * configuration history are kept. The audit resources are protected whatever the context says.
     */
    context: PlatformContext;
}

export class AccountBaseline extends pulumi.ComponentResource {
    readonly trail?: AuditTrail;
    readonly regional: RegionalBaseline;

    constructor(name: string, args: AccountBaselineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:account:AccountBaseline", name, {}, opts);
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const common = {
            namePrefix: args.namePrefix,
            accountId: args.accountId,
            region: args.region,
            partition,
            accessLogBucket: args.accessLogBucket,
            accessLogBucketPolicy: args.accessLogBucketPolicy,
            context: args.context,
        };
        if (args.accountWide) {
            new aws.s3.AccountPublicAccessBlock(`${name}-s3-public-access`, {
                accountId: args.accountId,
                blockPublicAcls: true,
                ignorePublicAcls: true,
                blockPublicPolicy: true,
                restrictPublicBuckets: true,
            // Destroying the stack that owns it must not open the account's buckets to the public.
            }, { parent: this, retainOnDelete: true });
            new aws.iam.AccountPasswordPolicy(`${name}-password-policy`, PASSWORD_POLICY, { parent: this, retainOnDelete: true });
            this.trail = new AuditTrail(`${name}-trail`, { ...common, objectLock: args.lockAuditLogs }, { parent: this });
        }
        this.regional = new RegionalBaseline(`${name}-regional`, { ...common, recordGlobalResources: args.accountWide }, { parent: this });
        this.registerOutputs({});
    }
}
