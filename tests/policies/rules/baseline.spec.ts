import { strict as assert } from "node:assert";
import { BASELINE, CLOUDTRAIL, IAM } from "../../../policies/lib/types";
import * as baseline from "../../../policies/rules/baseline";
import * as cloudtrail from "../../../policies/rules/cloudtrail";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, resource, runStackPolicy } from "../harness/server";

const management = { name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] };
const s3Objects = {
    name: "S3 object events",
    fieldSelectors: [
        { field: "eventCategory", equals: ["Data"] },
        { field: "resources.type", equals: ["AWS::S3::Object"] },
        { field: "resources.ARN", notStartsWiths: [UNKNOWN] },
    ],
};
const goodTrail = {
    name: "audit",
    s3BucketName: UNKNOWN,
    kmsKeyId: UNKNOWN,
    isMultiRegionTrail: true,
    includeGlobalServiceEvents: true,
    enableLogFileValidation: true,
    cloudWatchLogsGroupArn: UNKNOWN,
    cloudWatchLogsRoleArn: UNKNOWN,
    advancedEventSelectors: [management, s3Objects],
};
const trail = (inputs: Record<string, unknown> = {}) => resource(CLOUDTRAIL.trail, "trail", { ...goodTrail, ...inputs });

describe("CloudTrail policies", () => {
    describeResourcePolicy(cloudtrail.cloudtrailMultiRegion, {
        accepts: { "a multi-region trail with global service events": trail() },
        rejects: {
            "a single-region trail": [trail({ isMultiRegionTrail: false }), /other regions goes unrecorded/],
            "a trail whose region scope is unknown in preview": [trail({ isMultiRegionTrail: UNKNOWN }), /other regions goes unrecorded/],
            "a trail without IAM and STS events": [trail({ includeGlobalServiceEvents: false }), /IAM and STS activity/],
            "a trail that is not logging": [trail({ enableLogging: false }), /records nothing/],
        },
    });

    describeResourcePolicy(cloudtrail.cloudtrailLogFileValidation, {
        accepts: { "a trail with digest files": trail() },
        rejects: {
            "a trail whose log file validation is unknown in preview": [trail({ enableLogFileValidation: UNKNOWN }), /deleted or altered log file/],
            "a trail without log file validation": [trail({ enableLogFileValidation: undefined }), /deleted or altered log file/] },
    });

    describeResourcePolicy(cloudtrail.cloudtrailKmsEncryption, {
        accepts: { "a trail under a key created in the same preview": trail() },
        rejects: { "a trail without a KMS key": [trail({ kmsKeyId: undefined }), /only SSE-S3/] },
    });

    describeResourcePolicy(cloudtrail.cloudtrailCloudwatchDelivery, {
        accepts: { "a trail delivering to a log group through a role": trail() },
        rejects: {
            "a trail with a log group but no role": [trail({ cloudWatchLogsRoleArn: undefined }), /no CloudWatch log group and role/],
            "a trail delivering to S3 only": [trail({ cloudWatchLogsGroupArn: undefined, cloudWatchLogsRoleArn: undefined }), /reach no alarm/],
        },
    });

    describeResourcePolicy(cloudtrail.cloudtrailS3DataEvents, {
        accepts: {
            "management and S3 object events through advanced selectors": trail(),
            "S3 object events of every bucket but the trail's own": trail({ advancedEventSelectors: [management, { fieldSelectors: [
                { field: "eventCategory", equals: ["Data"] }, { field: "resources.type", equals: ["AWS::S3::Object"] },
                { field: "resources.ARN", notStartsWiths: ["arn:aws:s3:::trail-bucket/"] },
            ] }] }),
            "S3 object events through basic event selectors, with management events": trail({
                advancedEventSelectors: undefined,
                eventSelectors: [{ includeManagementEvents: true, dataResources: [{ type: "AWS::S3::Object", values: ["arn:aws:s3"] }] }],
            }),
        },
        rejects: {
            "management events only": [trail({ advancedEventSelectors: [management] }), /no S3 object-level events/],
            "no selectors at all": [trail({ advancedEventSelectors: undefined }), /no S3 object-level events/],
            "S3 object events without management events": [trail({ advancedEventSelectors: [s3Objects] }), /leave out management events/],
            "S3 object events of one bucket only (resources.ARN startsWith)": [
                trail({ advancedEventSelectors: [management, { fieldSelectors: [
                    { field: "eventCategory", equals: ["Data"] }, { field: "resources.type", equals: ["AWS::S3::Object"] },
                    { field: "resources.ARN", startsWiths: ["arn:aws:s3:::clinical-assets/"] },
                ] }] }),
                /some buckets only/,
            ],
            "basic selectors naming one bucket": [
                trail({ advancedEventSelectors: undefined, eventSelectors: [{ includeManagementEvents: true, dataResources: [{ type: "AWS::S3::Object", values: ["arn:aws:s3:::clinical-assets/"] }] }] }),
                /some buckets only/,
            ],
        },
    });
});

describe("account baseline policies", () => {
    const detector = resource(BASELINE.detector, "guardduty", { enable: true });
    const feature = (name: string, status = "ENABLED") =>
        resource(BASELINE.detectorFeature, `guardduty-${name}`, { detectorId: UNKNOWN, name, status }, { detectorId: detector });
    const allFeatures = ["S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "RDS_LOGIN_EVENTS", "RUNTIME_MONITORING"].map((name) => feature(name));
    describeStackPolicy(baseline.guarddutyProtectionFeatures, {
        accepts: {
            "a detector with S3, EKS audit log, RDS login and runtime protection": [detector, ...allFeatures],
            "runtime protection through the older EKS_RUNTIME_MONITORING feature": [detector, ...allFeatures.slice(0, 3), feature("EKS_RUNTIME_MONITORING")],
        },
        rejects: {
            "a detector without features": { resources: [detector], offenders: ["guardduty"], message: /does not enable S3_DATA_EVENTS, EKS_AUDIT_LOGS, RDS_LOGIN_EVENTS, RUNTIME_MONITORING/ },
            "a detector whose RDS protection is disabled": {
                resources: [detector, ...allFeatures.filter((f) => !f.name.endsWith("RDS_LOGIN_EVENTS")), feature("RDS_LOGIN_EVENTS", "DISABLED")],
                offenders: ["guardduty"],
                message: /does not enable RDS_LOGIN_EVENTS/,
            },
            "a disabled detector": { resources: [resource(BASELINE.detector, "guardduty", { enable: false })], offenders: ["guardduty"], message: /detector is disabled/ },
        },
    });

    const recorder = resource(BASELINE.configRecorder, "config", { name: "default", roleArn: UNKNOWN, recordingGroup: { allSupported: true } });
    const channel = resource(BASELINE.configDeliveryChannel, "config-channel", { name: "default", s3BucketName: UNKNOWN });
    const status = resource(BASELINE.configRecorderStatus, "config-status", { name: UNKNOWN, isEnabled: true }, { name: recorder });
    describeStackPolicy(baseline.configRecorderAllResources, {
        accepts: {
            "a recorder of every supported type, with a channel, switched on": [recorder, channel, status],
            "a recorder whose status names it by its known name": [recorder, channel, resource(BASELINE.configRecorderStatus, "config-status", { name: "default", isEnabled: true })],
        },
        rejects: {
            "a recorder of a few types": {
                resources: [resource(BASELINE.configRecorder, "config", { name: "default", recordingGroup: { allSupported: false, resourceTypes: ["AWS::S3::Bucket"] } }), channel,
                    resource(BASELINE.configRecorderStatus, "config-status", { name: "default", isEnabled: true })],
                offenders: ["config"],
                message: /only some resource types/,
            },
            "a recorder never switched on": { resources: [recorder, channel], offenders: ["config"], message: /records nothing/ },
            "a recorder with nowhere to deliver": { resources: [recorder, status], offenders: ["config"], message: /No delivery channel/ },
            "a recorder whose recording group is unknown in preview": {
                resources: [resource(BASELINE.configRecorder, "config", { name: "default", recordingGroup: UNKNOWN }), channel, status],
                offenders: ["config"],
                message: /recording group is unknown in preview/,
            },
            "a recorder whose allSupported is unknown in preview": {
                resources: [resource(BASELINE.configRecorder, "config", { name: "default", recordingGroup: { allSupported: UNKNOWN } }), channel, status],
                offenders: ["config"],
                message: /recording group is unknown in preview/,
            },
            "a recorder whose status is unknown in preview": {
                resources: [recorder, channel, resource(BASELINE.configRecorderStatus, "config-status", { name: "default", isEnabled: UNKNOWN })],
                offenders: ["config"],
                message: /isEnabled is unknown in preview/,
            },
        },
    });

    const ebsKey = resource(BASELINE.ebsDefaultKmsKey, "ebs-default-key", { keyArn: UNKNOWN });
    describeStackPolicy(baseline.ebsDefaultEncryptionCmk, {
        accepts: { "encryption by default under a customer-managed key": [resource(BASELINE.ebsEncryptionByDefault, "ebs", { enabled: true }), ebsKey] },
        rejects: {
            "encryption by default switched off": { resources: [resource(BASELINE.ebsEncryptionByDefault, "ebs", { enabled: false }), ebsKey], offenders: ["ebs"], message: /enabled is false/ },
            "encryption by default under aws/ebs": { resources: [resource(BASELINE.ebsEncryptionByDefault, "ebs", { enabled: true })], offenders: ["ebs"], message: /aws\/ebs/ },
            "a default key whose ARN is an empty string": {
                resources: [resource(BASELINE.ebsEncryptionByDefault, "ebs", { enabled: true }), resource(BASELINE.ebsDefaultKmsKey, "ebs-default-key", { keyArn: " " })],
                offenders: ["ebs"],
                message: /aws\/ebs/,
            },
        },
    });

    const block = (inputs: Record<string, unknown>) => resource(BASELINE.accountPublicAccessBlock, "s3-public-access", {
        accountId: "123456789012", blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true, ...inputs,
    });
    describeResourcePolicy(baseline.accountS3PublicAccessBlock, {
        accepts: { "all four settings on": block({}) },
        rejects: {
            "a setting that is unknown in preview": [block({ blockPublicPolicy: UNKNOWN }), /blockPublicPolicy/],
            "public bucket policies still honoured": [block({ blockPublicPolicy: false, restrictPublicBuckets: undefined }), /blockPublicPolicy, restrictPublicBuckets are not true/],
        },
    });

    const accountPieces = [
        trail(),
        resource(IAM.accountPasswordPolicy, "password-policy", { minimumPasswordLength: 14 }),
        resource(BASELINE.accountPublicAccessBlock, "s3-public-access", { accountId: "123456789012" }),
    ];
    const regionalPieces = [
        detector,
        resource(BASELINE.securityHub, "security-hub", {}),
        resource(BASELINE.standardsSubscription, "fsbp", { standardsArn: "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0" }),
        recorder,
        resource(BASELINE.ebsEncryptionByDefault, "ebs", { enabled: true }),
    ];
    const owner = { ownsAccountBaseline: true };
    describeStackPolicy(baseline.accountBaselineComplete, {
        accepts: {
            "the owner declaring every piece": { resources: [...accountPieces, ...regionalPieces], config: owner },
            "a regional owner declaring its region's pieces": { resources: regionalPieces, config: { ownsRegionalBaseline: true } },
        },
        notApplicable: {
            "a stack the pack config does not name as an owner, which declares nothing": [],
        },
        rejects: {
            "the owner without GuardDuty and Security Hub": {
                resources: [...accountPieces, ...regionalPieces.filter((r) => ![BASELINE.detector, BASELINE.securityHub].includes(r.type as never))],
                config: owner,
                offenders: ["(stack)"],
                message: /lacks a GuardDuty detector, Security Hub\./,
            },
            "the owner declaring nothing": { resources: [], config: owner, offenders: ["(stack)"], message: /lacks a CloudTrail trail, the IAM account password policy/ },
        },
    });

    it("account-baseline-complete does not apply to a stack the pack config does not name as an owner", async () => {
        const outcome = await runStackPolicy(baseline.accountBaselineComplete, [], {});
        assert.deepEqual(outcome.violations, []);
        assert.match(outcome.notApplicable.join(" "), /does not name this stack as an owner/);
    });
});
