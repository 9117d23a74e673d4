/**
 * One S3 bucket with everything a bucket holding regulated data needs beside it: public access
 * blocked, ACLs disabled, default encryption, versioning, access logging, lifecycle, event
 * notifications to EventBridge, and a bucket policy that refuses any request not made over TLS 1.2 or later.
 */
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement, policyDocument } from "./iam";
import { ResourceContext } from "./context";

export interface SecureBucketArgs {
    /** Physical name, for a bucket others must find by name; absent, Pulumi's auto-name. */
    bucketName?: string;
    /**
     * KMS key for default encryption. Absent means SSE-S3, which only the log bucket uses: S3 server
     * access logs and load-balancer logs cannot be delivered into an SSE-KMS bucket.
     */
    kmsKeyArn?: pulumi.Input<string>;
    /** Bucket receiving this bucket's access logs; absent only for the log bucket itself. */
    accessLogBucket?: pulumi.Input<string>;
    /** That bucket's policy, which lets S3 deliver the access logs; logging is switched on only after it. */
    accessLogBucketPolicy?: pulumi.Resource;
    /** Lifecycle rules; a rule aborting stale multipart uploads is always added. */
    lifecycleRules?: aws.types.input.s3.BucketLifecycleConfigurationRule[];
    /** Further bucket-policy statements, such as grants to log-delivery services. */
    extraStatements?: (bucketArn: pulumi.Output<string>) => Statement[];
    /**
     * Object Lock: every new object version is locked for `days` in `mode` (COMPLIANCE: no one, the
     * account root included, can delete or shorten it). Set at creation (`objectLockEnabled`); the
     * provider can also enable it later on a versioned bucket (@pulumi/aws 7.48.0,
     * s3/bucketObjectLockConfiguration.d.ts, checked 2026-12-01), but a log bucket is locked from its first object.
     */
    objectLock?: { mode: "COMPLIANCE" | "GOVERNANCE"; days: number };
    /** The stack's shared inputs: tags and protection (components/context.ts). */
    context: ResourceContext;
}

export class SecureBucket extends pulumi.ComponentResource {
    readonly bucketName: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    readonly regionalDomainName: pulumi.Output<string>;
    /** The bucket policy, for resources that must wait until grants are in place. */
    readonly policy: aws.s3.BucketPolicy;

    constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:storage:SecureBucket", name, {}, opts);
        const parent = { parent: this };
        const bucket = new aws.s3.Bucket(name, {
            ...(args.bucketName ? { bucket: args.bucketName } : {}),
            ...(args.objectLock ? { objectLockEnabled: true } : {}),
            forceDestroy: false,
            tags: args.context.tags,
        }, { parent: this, protect: args.context.protect, retainOnDelete: args.context.protect });

        const publicAccess = new aws.s3.BucketPublicAccessBlock(name, {
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }, parent);
        new aws.s3.BucketOwnershipControls(name, {
            bucket: bucket.id,
            rule: { objectOwnership: "BucketOwnerEnforced" },
        }, parent);
        new aws.s3.BucketServerSideEncryptionConfiguration(name, {
            bucket: bucket.id,
            rules: [{
                applyServerSideEncryptionByDefault: args.kmsKeyArn
                    ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }
                    : { sseAlgorithm: "AES256" },
                bucketKeyEnabled: args.kmsKeyArn !== undefined,
            }],
        }, parent);
        const versioning = new aws.s3.BucketVersioning(name, {
            bucket: bucket.id,
            versioningConfiguration: { status: "Enabled" },
        }, parent);
        if (args.objectLock) {
            new aws.s3.BucketObjectLockConfiguration(name, {
                bucket: bucket.id,
                rule: { defaultRetention: { mode: args.objectLock.mode, days: args.objectLock.days } },
            }, { parent: this, dependsOn: [versioning] });
        }
        if (args.accessLogBucket) {
            new aws.s3.BucketLogging(name, {
                bucket: bucket.id,
                targetBucket: args.accessLogBucket,
                targetPrefix: `${SERVER_ACCESS_LOG_PREFIX}/${name}/`,
                targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
            }, { parent: this, dependsOn: args.accessLogBucketPolicy ? [args.accessLogBucketPolicy] : [] });
        }
        new aws.s3.BucketLifecycleConfiguration(name, {
            bucket: bucket.id,
            rules: [
                { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
                ...(args.lifecycleRules ?? []),
            ],
        }, parent);
        // Every object-level change is published to the account's default EventBridge bus, where rules
        // (alerting, malware scanning, audit) can subscribe without touching the bucket again. Enabling it
        // costs nothing until a rule matches, and one BucketNotification owns a bucket's whole notification
        // configuration, so it lives here (S3 User Guide, "Using EventBridge"; @pulumi/aws 7.48.0
        // s3/bucketNotification.d.ts `eventbridge`; checked 2026-12-01).
        new aws.s3.BucketNotification(name, { bucket: bucket.id, eventbridge: true }, parent);
        this.policy = new aws.s3.BucketPolicy(name, {
            bucket: bucket.id,
            policy: policyDocument([...transportOnlyOverTls(bucket.arn), ...(args.extraStatements?.(bucket.arn) ?? [])]),
        }, { parent: this, dependsOn: [publicAccess] });

        this.bucketName = bucket.bucket;
        this.arn = bucket.arn;
        this.regionalDomainName = bucket.bucketRegionalDomainName;
        this.registerOutputs({ bucketName: this.bucketName, arn: this.arn, regionalDomainName: this.regionalDomainName });
    }
}

/** Where every SecureBucket's server access logs go in its log bucket. */
export const SERVER_ACCESS_LOG_PREFIX = "s3-access";

/** The log bucket's grant to S3 server access log delivery, from this account only, under the prefix above. */
export function serverAccessLogDelivery(bucketArn: pulumi.Input<string>, accountId: pulumi.Input<string>): Statement {
    return {
        Sid: "S3ServerAccessLogs",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: pulumi.interpolate`${bucketArn}/${SERVER_ACCESS_LOG_PREFIX}/*`,
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    };
}

function transportOnlyOverTls(bucketArn: pulumi.Output<string>): Statement[] {
    const everything = [bucketArn, pulumi.interpolate`${bucketArn}/*`];
    return [
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: everything,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
            Sid: "DenyOutdatedTls",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: everything,
            Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
        },
    ];
}
