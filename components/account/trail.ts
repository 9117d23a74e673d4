/**
 * The account's audit trail: one multi-region CloudTrail trail with global service events and log
 * file validation, encrypted with a customer-managed key of its own, delivered to an S3 bucket (locked
 * for the retention period where the account holds PHI) and to an encrypted CloudWatch log group,
 * with S3 object-level (data) events for every bucket of the account.
 */
import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement, assumableBy, grantToRole, policyDocument } from "../iam";
import { KEY_SETTINGS, accountAdministers } from "../keys";
import { SecureBucket } from "../secure-bucket";
import { PlatformContext } from "../context";

export interface AuditTrailArgs {
    /** Prefix of the trail's, log group's and key alias's names, e.g. `clinical-platform-production`. */
    namePrefix: string;
    accountId: string;
    /** The trail's home region (the stack's). */
    region: string;
    partition: pulumi.Input<string>;
    /** Lock every log file for the log retention (COMPLIANCE mode): where the account holds PHI. */
    objectLock: boolean;
    /** Bucket receiving the trail bucket's server access logs, and its policy. */
    accessLogBucket: pulumi.Input<string>;
    accessLogBucketPolicy: pulumi.Resource;
    /**
     * The stack's shared inputs (components/context.ts): its log retention is how long log files and log
     * events are kept (and, with `objectLock`, locked). The trail is protected whatever the context says.
     */
    context: PlatformContext;
}

export class AuditTrail extends pulumi.ComponentResource {
    readonly trailArn: pulumi.Output<string>;
    readonly bucketName: pulumi.Output<string>;
    readonly logGroupName: pulumi.Output<string>;

    constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:account:AuditTrail", name, {}, opts);
        const { accountId: account, partition, region } = args;
        const trailName = `${args.namePrefix}-audit`;
        const logGroupName = `/aws/cloudtrail/${args.namePrefix}`;
        // Known before the trail exists, so the key and bucket policies can name it without waiting for it.
        const trailArn = pulumi.interpolate`arn:${partition}:cloudtrail:${region}:${account}:trail/${trailName}`;
        const logGroupArn = pulumi.interpolate`arn:${partition}:logs:${region}:${account}:log-group:${logGroupName}`;
        // Losing the audit trail's key, bucket or log group would lose the evidence it holds: they
        // are protected, and stay in the account when the owner stack goes.
        const kept = { parent: this, protect: true, retainOnDelete: true };

        // Key policy as the CloudTrail User Guide gives it ("Configure AWS KMS key policies for
        // CloudTrail": encrypt with aws:SourceArn on the trail and the cloudtrail encryption context
        // of this account's trails; describe the key), plus CloudWatch Logs for the trail's log
        // group (its User Guide, "Encrypt log data in CloudWatch Logs using AWS KMS"); checked
        // 2026-12-01. Reading log files is granted through IAM, which the first statement enables.
        const key = new aws.kms.Key(`${name}-key`, {
            ...KEY_SETTINGS,
            description: `${args.namePrefix} audit trail encryption`,
            policy: policyDocument([
                accountAdministers(pulumi.interpolate`arn:${partition}:iam::${account}:root`),
                {
                    Sid: "CloudTrailEncryptsLogFiles",
                    Effect: "Allow",
                    Principal: { Service: "cloudtrail.amazonaws.com" },
                    Action: "kms:GenerateDataKey*",
                    Resource: "*",
                    Condition: {
                        StringEquals: { "aws:SourceArn": trailArn },
                        StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": pulumi.interpolate`arn:${partition}:cloudtrail:*:${account}:trail/*` },
                    },
                },
                {
                    Sid: "CloudTrailDescribesKey",
                    Effect: "Allow",
                    Principal: { Service: "cloudtrail.amazonaws.com" },
                    Action: "kms:DescribeKey",
                    Resource: "*",
                    Condition: { StringEquals: { "aws:SourceArn": trailArn } },
                },
                {
                    Sid: "CloudWatchLogsEncryptsTrailEvents",
                    Effect: "Allow",
                    Principal: { Service: `logs.${region}.amazonaws.com` },
                    Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                    Resource: "*",
                    Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn } },
                },
            ]),
            tags: { Purpose: "audit" },
        }, kept);
        new aws.kms.Alias(`${name}-key`, { name: `alias/${args.namePrefix}-audit`, targetKeyId: key.keyId }, { parent: this });

        const bucket = new SecureBucket(`${name}-bucket`, {
            kmsKeyArn: key.arn,
            accessLogBucket: args.accessLogBucket,
            accessLogBucketPolicy: args.accessLogBucketPolicy,
            ...(args.objectLock ? { objectLock: { mode: "COMPLIANCE" as const, days: args.context.logs.retentionDays } } : {}),
            lifecycleRules: [{
                id: "expire-after-retention",
                status: "Enabled",
                filter: {},
                transitions: args.context.logs.retentionDays > 90 ? [{ days: 90, storageClass: "GLACIER_IR" }] : [],
                expiration: { days: args.context.logs.retentionDays },
                noncurrentVersionExpiration: { noncurrentDays: 30 },
            }],
            extraStatements: (arn) => cloudTrailDelivery(arn, account, trailArn),
            context: { protect: true, tags: { ...args.context.tags, Purpose: "audit" } },
        }, { parent: this });

        const logGroup = new aws.cloudwatch.LogGroup(`${name}-events`, {
            name: logGroupName,
            kmsKeyId: key.arn,
            retentionInDays: args.context.logs.retentionDays,
        }, { parent: this, retainOnDelete: true });

        // The role CloudTrail assumes to write to the log group: log streams of this account's trail
        // only (named <account>_CloudTrail_<region>), as in the CloudTrail User Guide, "Role policy
        // document for CloudTrail to use CloudWatch Logs for monitoring" (checked 2026-12-01), which
        // also says the role supports no aws:SourceArn or aws:SourceAccount condition.
        const role = new aws.iam.Role(`${name}-logs-role`, {
            description: `CloudTrail delivers trail ${trailName} to log group ${logGroupName}`,
            assumeRolePolicy: assumableBy("cloudtrail.amazonaws.com"),
        }, { parent: this });
        const grant = grantToRole(this, `${name}-logs-role`, role, [{
            Sid: "TrailWritesItsLogStreams",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: pulumi.interpolate`${logGroupArn}:log-stream:${account}_CloudTrail_*`,
        }]);

        // CloudTrail checks the bucket policy, the key policy and the role when the trail is created.
        const trail = new aws.cloudtrail.Trail(name, {
            name: trailName,
            s3BucketName: bucket.bucketName,
            kmsKeyId: key.arn,
            isMultiRegionTrail: true,
            includeGlobalServiceEvents: true,
            enableLogFileValidation: true,
            enableLogging: true,
            // CloudTrail takes the log group's ARN with the log-stream wildcard.
            cloudWatchLogsGroupArn: pulumi.interpolate`${logGroup.arn}:*`,
            cloudWatchLogsRoleArn: role.arn,
            advancedEventSelectors: auditedEvents(bucket.arn),
        }, { parent: this, dependsOn: [bucket.policy, grant], retainOnDelete: true });

        this.trailArn = trail.arn;
        this.bucketName = bucket.bucketName;
        this.logGroupName = logGroup.name;
        this.registerOutputs({ trailArn: this.trailArn, bucketName: this.bucketName, logGroupName: this.logGroupName });
    }
}

/**
 * Every management event, and S3 object-level events (reads and writes) of every bucket in the
 * account but the trail's own. Every bucket, not a list: the PHI buckets (data, backups) belong to
 * the stacks of the account, not to the owner stack; their names are Pulumi auto-names with the same
 * prefix in every stack (`storage-backups-…`), so no name pattern tells one stack's from another's,
 * and a bucket added later is audited from its first object. Field names and operators as in
 * @pulumi/aws 7.48.0 types/input.d.ts (TrailAdvancedEventSelectorFieldSelector), checked 2026-12-01.
 * The trail's own bucket is left out so that delivering a log file is not itself recorded.
 */
export function auditedEvents(trailBucketArn: pulumi.Input<string>): aws.types.input.cloudtrail.TrailAdvancedEventSelector[] {
    return [
        { name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] },
        {
            name: "S3 object events of every bucket but the trail's",
            fieldSelectors: [
                { field: "eventCategory", equals: ["Data"] },
                { field: "resources.type", equals: ["AWS::S3::Object"] },
                { field: "resources.ARN", notStartsWiths: [pulumi.interpolate`${trailBucketArn}/`] },
            ],
        },
    ];
}

/**
 * The bucket policy CloudTrail needs, as the CloudTrail User Guide gives it ("Amazon S3 bucket
 * policy for CloudTrail", checked 2026-12-01): the ACL check and the write under AWSLogs/<account>/,
 * both for this trail only (aws:SourceArn).
 */
function cloudTrailDelivery(bucketArn: pulumi.Output<string>, account: string, trailArn: pulumi.Output<string>): Statement[] {
    return [
        {
            Sid: "AWSCloudTrailAclCheck",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:GetBucketAcl",
            Resource: bucketArn,
            Condition: { StringEquals: { "aws:SourceArn": trailArn } },
        },
        {
            Sid: "AWSCloudTrailWrite",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucketArn}/AWSLogs/${account}/*`,
            Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn } },
        },
    ];
}
