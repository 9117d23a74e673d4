/**
 * The three buckets: logs (access logs of everything else), assets (the front end, served by
 * CloudFront) and backups (database exports and other recovery data).
 */
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement } from "./iam";
import { SecureBucket, serverAccessLogDelivery } from "./secure-bucket";
import { PlatformContext } from "./context";

export const LOAD_BALANCER_LOG_PREFIX = "alb";
export const CLOUDFRONT_LOG_PREFIX = "cloudfront";

/** The CloudWatch Logs delivery source that ships CloudFront's access logs (standard logging v2). */
export interface LogDeliverySourceRef {
    /** Region of the delivery source: CloudFront's, us-east-1. */
    region: string;
    /** Its name, known before it exists, so the log bucket policy need not wait for the edge. */
    name: string;
}

export interface StorageArgs {
    region: string;
    /** Key for the backups bucket (the database's key). */
    dataKeyArn: pulumi.Input<string>;
    /** Key for the assets bucket; its policy lets only the distribution decrypt. */
    assetsKeyArn: pulumi.Input<string>;
    /** The only delivery source allowed to write CloudFront access logs into the log bucket. */
    cloudFrontLogSource: LogDeliverySourceRef;
    /** The stack's shared inputs: tags and protection, the logs key and retention (components/context.ts). */
    context: PlatformContext;
    /**
     * The CloudFront distribution that reads the assets through origin access control. It is built
     * after storage, so callers pass a deferred output; only the bucket policy waits for it.
     */
    assetsReaderDistributionArn?: pulumi.Input<string>;
    /**
     * Who publishes the front end into the assets bucket: this stack's CI deploy role, and the name
     * prefix every stack's deploy role shares. Stacks of one account share that prefix, and the deploy
     * roles' object grants cannot name a bucket whose name AWS picks, so the bucket itself refuses
     * writes from every deploy role but this stack's.
     */
    assetsPublisher?: { roleArn: string; deployRoleNamePrefix: string };
}

/** Backups are archived after a month; their old versions are kept 90 days. */
export const BACKUPS_LIFECYCLE = [{
    id: "archive-backups",
    status: "Enabled",
    filter: {},
    transitions: [{ days: 30, storageClass: "GLACIER_IR" }],
    noncurrentVersionExpiration: { noncurrentDays: 90 },
}];

export class Storage extends pulumi.ComponentResource {
    readonly logs: SecureBucket;
    readonly assets: SecureBucket;
    readonly backups: SecureBucket;

    constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:storage:Storage", name, {}, opts);
        const parent = { parent: this };
        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        const partition = aws.getPartitionOutput({}, parent).partition;
        const assetsReader = args.assetsReaderDistributionArn;

        this.logs = new SecureBucket(`${name}-logs`, {
            lifecycleRules: [{
                id: "expire-after-retention",
                status: "Enabled",
                filter: {},
                transitions: args.context.logs.retentionDays > 90 ? [{ days: 90, storageClass: "GLACIER_IR" }] : [],
                expiration: { days: args.context.logs.retentionDays },
                noncurrentVersionExpiration: { noncurrentDays: 30 },
            }],
            extraStatements: (arn) => logDeliveryGrants(arn, {
                account,
                partition,
                loadBalancerLogWriter: loadBalancerLogWriter(args.region, parent),
                cloudFrontLogSource: args.cloudFrontLogSource,
            }),
            context: { ...args.context, tags: { ...args.context.tags, Purpose: "logs" } },
        }, parent);
        this.assets = new SecureBucket(`${name}-assets`, {
            kmsKeyArn: args.assetsKeyArn,
            accessLogBucket: this.logs.bucketName,
            accessLogBucketPolicy: this.logs.policy,
            lifecycleRules: [{ id: "expire-old-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 90 } }],
            extraStatements: (arn) => [
                ...(assetsReader === undefined ? [] : [distributionReads(arn, assetsReader)]),
                ...(args.assetsPublisher === undefined ? [] : [onlyThisStackPublishes(arn, args.assetsPublisher, { account, partition })]),
            ],
            context: { ...args.context, tags: { ...args.context.tags, Purpose: "assets" } },
        }, parent);
        this.backups = new SecureBucket(`${name}-backups`, {
            kmsKeyArn: args.dataKeyArn,
            accessLogBucket: this.logs.bucketName,
            accessLogBucketPolicy: this.logs.policy,
            lifecycleRules: BACKUPS_LIFECYCLE,
            context: { ...args.context, tags: { ...args.context.tags, Purpose: "backups" } },
        }, parent);
        this.registerOutputs({ logs: this.logs.bucketName, assets: this.assets.bucketName, backups: this.backups.bucketName });
    }
}

interface LogDeliveryContext {
    account: pulumi.Output<string>;
    partition: pulumi.Output<string>;
    /** Who writes the load balancer's access logs in the bucket's region. */
    loadBalancerLogWriter: pulumi.Output<Principal>;
    cloudFrontLogSource: LogDeliverySourceRef;
}

type Principal = { AWS: string } | { Service: string };

/**
 * Who delivers load-balancer access logs in a region. Regions available before August 2022 deliver
 * them from a regional Elastic Load Balancing account, which the provider's elb.getServiceAccount
 * data source answers; regions available since then use the log-delivery service principal instead
 * (ELB User Guide for Application Load Balancers, "Enable access logs", step 2 "Attach a policy to
 * your S3 bucket"; checked 2026-12-01). For such a region the data source (@pulumi/aws 7.48.0,
 * bridged from terraform-provider-aws's aws_elb_service_account) fails with "unsupported AWS Region",
 * which is the one failure taken to mean "use the principal"; any other failure stops the program.
 */
function loadBalancerLogWriter(region: string, opts: pulumi.InvokeOptions): pulumi.Output<Principal> {
    return pulumi.output(
        aws.elb.getServiceAccount({ region }, opts).then(
            (account): Principal => ({ AWS: account.arn }),
            (error: unknown): Principal => {
                if (String((error as Error)?.message ?? error).includes("unsupported AWS Region")) {
                    return { Service: "logdelivery.elasticloadbalancing.amazonaws.com" };
                }
                throw error;
            },
        ),
    );
}

function logDeliveryGrants(bucketArn: pulumi.Output<string>, context: LogDeliveryContext): Statement[] {
    const { account, partition, loadBalancerLogWriter, cloudFrontLogSource } = context;
    // CloudFront standard logging (v2) delivers through CloudWatch Logs vended-log delivery. These two
    // statements are the ones its documentation gives for an S3 destination, and the ones AWS appends
    // itself when they are missing (which the next `pulumi up` would remove again): AWSLogDeliveryWrite
    // and AWSLogDeliveryAclCheck, both for delivery.logs.amazonaws.com on aws:SourceAccount and
    // aws:SourceArn. Source: CloudWatch Logs User Guide, "Logs sent to Amazon S3" (V2 permissions,
    // AWS-logs-infrastructure-V2-S3), referenced from CloudFront's "Configure standard logging (v2)";
    // checked 2026-12-01. aws:SourceArn names this stack's delivery source, not every source of the account.
    const deliverySource = pulumi.interpolate`arn:${partition}:logs:${cloudFrontLogSource.region}:${account}:delivery-source:${cloudFrontLogSource.name}`;
    const fromThisSource = { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": deliverySource } };
    return [
        serverAccessLogDelivery(bucketArn, account),
        {
            Sid: "LoadBalancerAccessLogs",
            Effect: "Allow",
            Principal: loadBalancerLogWriter,
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucketArn}/${LOAD_BALANCER_LOG_PREFIX}/AWSLogs/${account}/*`,
        },
        {
            Sid: "AWSLogDeliveryWrite",
            Effect: "Allow",
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucketArn}/${CLOUDFRONT_LOG_PREFIX}/*`,
            Condition: {
                StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": account },
                ArnLike: { "aws:SourceArn": deliverySource },
            },
        },
        {
            Sid: "AWSLogDeliveryAclCheck",
            Effect: "Allow",
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Action: "s3:GetBucketAcl",
            Resource: bucketArn,
            Condition: fromThisSource,
        },
    ];
}

function onlyThisStackPublishes(
    bucketArn: pulumi.Output<string>,
    publisher: { roleArn: string; deployRoleNamePrefix: string },
    context: { account: pulumi.Output<string>; partition: pulumi.Output<string> },
): Statement {
    // aws:PrincipalArn is the role's ARN for its assumed-role sessions (IAM User Guide, global
    // condition context keys; checked 2026-12-01).
    return {
        Sid: "OtherStacksDeployRolesDoNotPublish",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
        Resource: pulumi.interpolate`${bucketArn}/*`,
        Condition: {
            ArnLike: { "aws:PrincipalArn": pulumi.interpolate`arn:${context.partition}:iam::${context.account}:role/${publisher.deployRoleNamePrefix}*` },
            ArnNotEquals: { "aws:PrincipalArn": publisher.roleArn },
        },
    };
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
