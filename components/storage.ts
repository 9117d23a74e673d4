/**
 * The three buckets: logs (access logs of everything else), assets (the front end, served by
 * CloudFront) and backups (database exports and other recovery data).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement } from "./iam";
import { SecureBucket } from "./secure-bucket";

/**
 * Regions that opened before August 2022 deliver load-balancer logs from a regional AWS account;
 * newer regions use the log-delivery service principal.
 */
const ELB_LOG_ACCOUNTS: Record<string, string> = {
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
    "af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-south-1": "718504428378", "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887", "ap-northeast-3": "383597477331", "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266", "ap-southeast-3": "589379963580", "ca-central-1": "985666609251",
    "eu-central-1": "054676820928", "eu-west-1": "156460612806", "eu-west-2": "652711504416", "eu-west-3": "009996457667",
    "eu-south-1": "635631232127", "eu-north-1": "897822967062", "me-south-1": "076674570225", "sa-east-1": "507241528517",
    "us-gov-west-1": "048591011584", "us-gov-east-1": "190560391635",
};

export const LOAD_BALANCER_LOG_PREFIX = "alb";
export const CLOUDFRONT_LOG_PREFIX = "cloudfront";

export interface StorageArgs {
    region: string;
    /** Key for the assets and backups buckets. */
    dataKeyArn: pulumi.Input<string>;
    /** Days access logs are kept before they expire. */
    logRetentionDays: number;
    /**
     * The CloudFront distribution that reads the assets through origin access control. It is built
     * after storage, so callers pass a deferred output; only the bucket policy waits for it.
     */
    assetsReaderDistributionArn?: pulumi.Input<string>;
    protect: boolean;
    tags: Record<string, string>;
}

export class Storage extends pulumi.ComponentResource {
    readonly logs: SecureBucket;
    readonly assets: SecureBucket;
    readonly backups: SecureBucket;

    constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:storage:Storage", name, {}, opts);
        const parent = { parent: this };
        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        const assetsReader = args.assetsReaderDistributionArn;

        this.logs = new SecureBucket(`${name}-logs`, {
            lifecycleRules: [{
                id: "expire-after-retention",
                status: "Enabled",
                filter: {},
                transitions: args.logRetentionDays > 90 ? [{ days: 90, storageClass: "GLACIER_IR" }] : [],
                expiration: { days: args.logRetentionDays },
                noncurrentVersionExpiration: { noncurrentDays: 30 },
            }],
            extraStatements: (arn) => logDeliveryGrants(arn, account, args.region),
            protect: args.protect,
            tags: { ...args.tags, Purpose: "logs" },
        }, parent);
        this.assets = new SecureBucket(`${name}-assets`, {
            kmsKeyArn: args.dataKeyArn,
            accessLogBucket: this.logs.bucketName,
            lifecycleRules: [{ id: "expire-old-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 90 } }],
            extraStatements: assetsReader === undefined ? undefined : (arn) => [distributionReads(arn, assetsReader)],
            protect: args.protect,
            tags: { ...args.tags, Purpose: "assets" },
        }, parent);
        this.backups = new SecureBucket(`${name}-backups`, {
            kmsKeyArn: args.dataKeyArn,
            accessLogBucket: this.logs.bucketName,
            lifecycleRules: [{
                id: "archive-backups",
                status: "Enabled",
                filter: {},
                transitions: [{ days: 30, storageClass: "GLACIER_IR" }],
                noncurrentVersionExpiration: { noncurrentDays: 90 },
            }],
            protect: args.protect,
            tags: { ...args.tags, Purpose: "backups" },
        }, parent);
        this.registerOutputs({});
    }
}

function logDeliveryGrants(bucketArn: pulumi.Output<string>, account: pulumi.Output<string>, region: string): Statement[] {
    const elbAccount = ELB_LOG_ACCOUNTS[region];
    return [
        {
            Sid: "S3ServerAccessLogs",
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucketArn}/s3-access/*`,
            Condition: { StringEquals: { "aws:SourceAccount": account } },
        },
        {
            Sid: "LoadBalancerAccessLogs",
            Effect: "Allow",
            Principal: elbAccount ? { AWS: `arn:aws:iam::${elbAccount}:root` } : { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucketArn}/${LOAD_BALANCER_LOG_PREFIX}/AWSLogs/${account}/*`,
        },
        {
            Sid: "CloudFrontAccessLogs",
            Effect: "Allow",
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucketArn}/${CLOUDFRONT_LOG_PREFIX}/*`,
            Condition: { StringEquals: { "aws:SourceAccount": account, "s3:x-amz-acl": "bucket-owner-full-control" } },
        },
    ];
}

function distributionReads(bucketArn: pulumi.Output<string>, distributionArn: pulumi.Input<string>): Statement {
    return {
        Sid: "CloudFrontReadsAssets",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: pulumi.interpolate`${bucketArn}/*`,
        Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
    };
}
