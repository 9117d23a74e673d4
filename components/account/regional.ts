/**
 * The security services AWS runs once per account and region: GuardDuty (with EKS, RDS and S3
 * protection), Security Hub with AWS Foundational Security Best Practices, AWS Config recording
 * every supported resource type, and EBS encryption by default under a customer-managed key. AWS
 * allows one GuardDuty detector and one Config recorder per account and region, so exactly one
 * stack per account and region creates them (stacks/account.ts).
 */
import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement, policyDocument } from "../iam";
import { KEY_SETTINGS, accountAdministers } from "../keys";
import { SecureBucket } from "../secure-bucket";
import { PlatformContext } from "../context";

/**
 * GuardDuty protection plans, as detector features. Names as @pulumi/aws 7.48.0
 * guardduty/detectorFeature.d.ts and the GuardDuty API reference (DetectorFeatureConfiguration)
 * list them, checked 2026-12-01. RUNTIME_MONITORING covers EKS (EKS Auto Mode included: GuardDuty
 * User Guide, "How Runtime Monitoring works with Amazon EKS clusters") and excludes the older
 * EKS_RUNTIME_MONITORING; EKS_ADDON_MANAGEMENT lets GuardDuty install its agent add-on in every cluster.
 */
export const GUARDDUTY_FEATURES: ReadonlyArray<{ name: string; additional?: string[] }> = [
    { name: "S3_DATA_EVENTS" },
    { name: "EKS_AUDIT_LOGS" },
    { name: "RDS_LOGIN_EVENTS" },
    { name: "RUNTIME_MONITORING", additional: ["EKS_ADDON_MANAGEMENT"] },
];

/**
 * The names AWS gives the recorder and delivery channel the console creates. Using them lets a
 * stack adopt (`pulumi import`) the ones a fresh account may already have without replacing them:
 * only one of each can exist per region.
 */
export const CONFIG_RECORDER_NAME = "default";

export interface RegionalBaselineArgs {
    /** Prefix of key aliases, e.g. `clinical-platform-production`. */
    namePrefix: string;
    accountId: string;
    region: string;
    partition: pulumi.Input<string>;
    /**
     * This is the account owner's region: IAM's global resource types are recorded here (recorded in
     * every region they would be recorded, and billed, once per region), and the account's AWS Config
     * service-linked role is created here; a regional owner elsewhere uses that role.
     */
    recordGlobalResources: boolean;
    /** Bucket receiving the Config bucket's server access logs, and its policy. */
    accessLogBucket: pulumi.Input<string>;
    accessLogBucketPolicy: pulumi.Resource;
    /**
     * The stack's shared inputs (components/context.ts): its log retention is how long Config snapshots
     * and history are kept. The recorder's bucket is protected whatever the context says.
     */
    context: PlatformContext;
}

export class RegionalBaseline extends pulumi.ComponentResource {
    readonly detectorId: pulumi.Output<string>;
    readonly configBucketName: pulumi.Output<string>;

    constructor(name: string, args: RegionalBaselineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:account:RegionalBaseline", name, {}, opts);
        const { accountId: account, partition, region } = args;
        const root = pulumi.interpolate`arn:${partition}:iam::${account}:root`;
        // Destroying the owner stack must not switch off threat detection, findings, the
        // configuration history or default encryption for the whole region: each stays.
        const kept = { parent: this, retainOnDelete: true };

        // GuardDuty. Deleting a detector deletes its findings.
        const detector = new aws.guardduty.Detector(`${name}-guardduty`, {
            enable: true,
            // High-severity findings reach the alert channels within minutes, not hours.
            findingPublishingFrequency: "FIFTEEN_MINUTES",
        }, kept);
        for (const feature of GUARDDUTY_FEATURES) {
            new aws.guardduty.DetectorFeature(`${name}-guardduty-${feature.name.toLowerCase().replace(/_/g, "-")}`, {
                detectorId: detector.id,
                name: feature.name,
                status: "ENABLED",
                additionalConfigurations: (feature.additional ?? []).map((additional) => ({ name: additional, status: "ENABLED" })),
            }, kept);
        }

        // Security Hub (CSPM) with AWS Foundational Security Best Practices only: the defaults would also
        // subscribe CIS 1.2.0. Standards ARN format as @pulumi/aws documents it for StandardsSubscription
        // (arn:<partition>:securityhub:<region>::standards/aws-foundational-security-best-practices/v/1.0.0),
        // checked 2026-12-01. Its controls read AWS Config, recorded below.
        const hub = new aws.securityhub.Account(`${name}-security-hub`, {
            enableDefaultStandards: false,
            controlFindingGenerator: "SECURITY_CONTROL",
            autoEnableControls: true,
        }, kept);
        new aws.securityhub.StandardsSubscription(`${name}-security-hub-fsbp`, {
            standardsArn: pulumi.interpolate`arn:${partition}:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`,
        }, { ...kept, dependsOn: [hub] });

        // AWS Config records through its service-linked role AWSServiceRoleForConfig (AWS's
        // AWSConfigServiceRolePolicy reads every supported type). A role of the stack's own would carry
        // the stack's permissions boundary (infra/boundary.ts), which withholds most of those reads.
        // The service-linked role does not exist on a fresh account, so the stack creates it; it delivers
        // as the config.amazonaws.com principal, which the bucket and key policies admit for this account
        // only (AWS Config Developer Guide, "Permissions for the KMS Key" and "Permissions for the Amazon
        // S3 bucket", service-linked role sections, checked 2026-12-01).
        // The role is the account's, not the region's: the account's owner creates it, a regional owner uses it.
        const serviceRoleArn = args.recordGlobalResources
            ? new aws.iam.ServiceLinkedRole(`${name}-config-service-role`, {
                awsServiceName: "config.amazonaws.com",
                description: "AWS Config records the account's resources",
            }, kept).arn
            : pulumi.interpolate`arn:${partition}:iam::${account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`;
        const configKey = new aws.kms.Key(`${name}-config-key`, {
            ...KEY_SETTINGS,
            description: `${args.namePrefix} AWS Config history encryption`,
            policy: policyDocument([accountAdministers(root), {
                Sid: "AWSConfigDeliversForThisAccount",
                Effect: "Allow",
                Principal: { Service: "config.amazonaws.com" },
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: "*",
                Condition: { StringEquals: { "aws:SourceAccount": account } },
            }]),
            tags: { Purpose: "config" },
        }, { parent: this, protect: true, retainOnDelete: true });
        new aws.kms.Alias(`${name}-config-key`, { name: `alias/${args.namePrefix}-config`, targetKeyId: configKey.keyId }, { parent: this });
        const bucket = new SecureBucket(`${name}-config`, {
            kmsKeyArn: configKey.arn,
            accessLogBucket: args.accessLogBucket,
            accessLogBucketPolicy: args.accessLogBucketPolicy,
            lifecycleRules: [{
                id: "expire-after-retention",
                status: "Enabled",
                filter: {},
                transitions: args.context.logs.retentionDays > 90 ? [{ days: 90, storageClass: "GLACIER_IR" }] : [],
                expiration: { days: args.context.logs.retentionDays },
                noncurrentVersionExpiration: { noncurrentDays: 30 },
            }],
            extraStatements: (arn) => configDelivery(arn, account),
            context: { protect: true, tags: { ...args.context.tags, Purpose: "config" } },
        }, { parent: this });

        const recorder = new aws.cfg.Recorder(`${name}-config`, {
            name: CONFIG_RECORDER_NAME,
            roleArn: serviceRoleArn,
            recordingGroup: { allSupported: true, includeGlobalResourceTypes: args.recordGlobalResources },
            recordingMode: { recordingFrequency: "CONTINUOUS" },
        }, kept);
        const channel = new aws.cfg.DeliveryChannel(`${name}-config`, {
            name: CONFIG_RECORDER_NAME,
            s3BucketName: bucket.bucketName,
            s3KmsKeyArn: configKey.arn,
            snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
        }, { ...kept, dependsOn: [recorder, bucket.policy] });
        new aws.cfg.RecorderStatus(`${name}-config`, { name: recorder.name, isEnabled: true }, { ...kept, dependsOn: [channel] });

        // EBS encryption by default, under a key every principal of the account may use through EC2
        // only: the statement of AWS's own aws/ebs key policy (kms:CallerAccount and kms:ViaService
        // ec2.<region>.amazonaws.com; KMS Developer Guide, "AWS managed keys" key policies, checked
        // 2026-12-01). Services that launch instances for the account (Auto Scaling, EKS Auto Mode)
        // reach it through their roles without being named, and none of them exists on a fresh account.
        const ebsKey = new aws.kms.Key(`${name}-ebs-key`, {
            ...KEY_SETTINGS,
            description: `${args.namePrefix} EBS encryption by default`,
            policy: policyDocument([accountAdministers(root), {
                Sid: "AccountUsesKeyThroughEc2",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
                Resource: "*",
                Condition: { StringEquals: { "kms:CallerAccount": account, "kms:ViaService": `ec2.${region}.amazonaws.com` } },
            }]),
            tags: { Purpose: "ebs" },
        }, { parent: this, protect: true, retainOnDelete: true });
        new aws.kms.Alias(`${name}-ebs-key`, { name: `alias/${args.namePrefix}-ebs-default`, targetKeyId: ebsKey.keyId }, { parent: this });
        const defaultKey = new aws.ebs.DefaultKmsKey(`${name}-ebs-default-key`, { keyArn: ebsKey.arn }, kept);
        new aws.ebs.EncryptionByDefault(`${name}-ebs-encryption`, { enabled: true }, { ...kept, dependsOn: [defaultKey] });

        this.detectorId = detector.id;
        this.configBucketName = bucket.bucketName;
        this.registerOutputs({ detectorId: this.detectorId, configBucketName: this.configBucketName });
    }
}

/**
 * AWS Config's bucket policy (AWS Config Developer Guide, "Permissions for the Amazon S3 bucket for
 * the AWS Config delivery channel", checked 2026-12-01): the ACL and existence checks and the write
 * under AWSLogs/<account>/Config/, on behalf of this account only: with the service-linked role,
 * AWS Config delivers as its service principal.
 */
function configDelivery(bucketArn: pulumi.Output<string>, account: string): Statement[] {
    const fromThisAccount = { StringEquals: { "aws:SourceAccount": account } };
    return [
        { Sid: "AWSConfigBucketPermissionsCheck", Effect: "Allow", Principal: { Service: "config.amazonaws.com" }, Action: "s3:GetBucketAcl", Resource: bucketArn, Condition: fromThisAccount },
        { Sid: "AWSConfigBucketExistenceCheck", Effect: "Allow", Principal: { Service: "config.amazonaws.com" }, Action: "s3:ListBucket", Resource: bucketArn, Condition: fromThisAccount },
        {
            Sid: "AWSConfigBucketDelivery",
            Effect: "Allow",
            Principal: { Service: "config.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucketArn}/AWSLogs/${account}/Config/*`,
            Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": account } },
        },
    ];
}
