import { type ClinicalPolicy, resourceRule } from "../lib/policy";
import { CLOUDTRAIL } from "../lib/types";
import { type Maybe, elements, isUnknown, knownStrings, presentOrPending } from "../lib/values";

interface FieldSelector {
    field?: Maybe<string>;
    equals?: Maybe<Maybe<string>[]>;
    startsWiths?: Maybe<Maybe<string>[]>;
    endsWiths?: Maybe<Maybe<string>[]>;
}

/** Inputs of `aws.cloudtrail.Trail` the rules read. */
export interface TrailInputs {
    isMultiRegionTrail?: Maybe<boolean>;
    includeGlobalServiceEvents?: Maybe<boolean>;
    enableLogFileValidation?: Maybe<boolean>;
    enableLogging?: Maybe<boolean>;
    kmsKeyId?: Maybe<string>;
    cloudWatchLogsGroupArn?: Maybe<string>;
    cloudWatchLogsRoleArn?: Maybe<string>;
    advancedEventSelectors?: Maybe<Maybe<{ fieldSelectors?: Maybe<Maybe<FieldSelector>[]> }>[]>;
    eventSelectors?: Maybe<Maybe<{
        includeManagementEvents?: Maybe<boolean>;
        dataResources?: Maybe<Maybe<{ type?: Maybe<string>; values?: Maybe<Maybe<string>[]> }>[]>;
    }>[]>;
}

const AUDIT_HIPAA = ["164.312(b)", "164.308(a)(1)(ii)(D)"];

export const cloudtrailMultiRegion = resourceRule<TrailInputs>({
    name: "cloudtrail-multi-region",
    description: "The CloudTrail trail records every region and the global services (IAM, STS, CloudFront), and is logging.",
    severity: "high",
    category: "logging",
    hipaa: [...AUDIT_HIPAA, "164.308(a)(6)(ii)"],
    soc2: ["CC7.2", "CC7.3"],
    remediation: "Set isMultiRegionTrail and includeGlobalServiceEvents to true, and leave enableLogging true.",
    anchors: { awsConfig: ["MULTI_REGION_CLOUD_TRAIL_ENABLED"] },
    resourceTypes: [CLOUDTRAIL.trail],
    *check(trail) {
        if (trail.isMultiRegionTrail !== true) {
            yield "isMultiRegionTrail is not true, so activity in the other regions goes unrecorded.";
        }
        if (trail.includeGlobalServiceEvents === false) {
            yield "includeGlobalServiceEvents is false, so IAM and STS activity goes unrecorded.";
        }
        if (trail.enableLogging === false) {
            yield "enableLogging is false, so the trail records nothing.";
        }
    },
});

export const cloudtrailLogFileValidation = resourceRule<TrailInputs>({
    name: "cloudtrail-log-file-validation",
    description: "The CloudTrail trail writes signed digest files, so any change to a delivered log file can be detected.",
    severity: "high",
    category: "logging",
    hipaa: ["164.312(b)", "164.312(c)(1)"],
    soc2: ["CC7.2"],
    remediation: "Set enableLogFileValidation to true.",
    anchors: { awsConfig: ["CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED"], cdkNag: ["CloudTrailLogFileValidationEnabled"] },
    resourceTypes: [CLOUDTRAIL.trail],
    *check(trail) {
        if (trail.enableLogFileValidation !== true) {
            yield "enableLogFileValidation is not true, so a deleted or altered log file would go unnoticed.";
        }
    },
});

export const cloudtrailKmsEncryption = resourceRule<TrailInputs>({
    name: "cloudtrail-kms-encryption",
    description: "The CloudTrail trail encrypts its log files with a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(b)"],
    soc2: ["CC6.1"],
    remediation: "Set kmsKeyId to the audit key, whose policy lets cloudtrail.amazonaws.com encrypt for this trail (aws:SourceArn).",
    anchors: { awsConfig: ["CLOUD_TRAIL_ENCRYPTION_ENABLED"], cdkNag: ["CloudTrailEncryptionEnabled"] },
    resourceTypes: [CLOUDTRAIL.trail],
    *check(trail) {
        if (!presentOrPending(trail.kmsKeyId)) {
            yield "kmsKeyId is not set, so log files get only SSE-S3 and anyone who can read the bucket reads the account's activity.";
        }
    },
});

export const cloudtrailCloudwatchDelivery = resourceRule<TrailInputs>({
    name: "cloudtrail-cloudwatch-delivery",
    description: "The CloudTrail trail also delivers its events to CloudWatch Logs, where they can be searched and alarmed on at once.",
    severity: "high",
    category: "logging",
    hipaa: [...AUDIT_HIPAA, "164.308(a)(6)(ii)"],
    soc2: ["CC7.2", "CC7.3"],
    remediation: "Set cloudWatchLogsGroupArn (the log group's ARN with :*) and cloudWatchLogsRoleArn (a role CloudTrail assumes).",
    anchors: { awsConfig: ["CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED"], cdkNag: ["CloudTrailCloudWatchLogsEnabled"] },
    resourceTypes: [CLOUDTRAIL.trail],
    *check(trail) {
        if (!presentOrPending(trail.cloudWatchLogsGroupArn) || !presentOrPending(trail.cloudWatchLogsRoleArn)) {
            yield "The trail names no CloudWatch log group and role, so its events reach no alarm and no query for hours.";
        }
    },
});

/** The equals values of a selector's field, or undefined when the selector does not constrain it. */
function equalsOf(selectors: FieldSelector[], field: string): string[] | undefined {
    const selector = selectors.find((s) => s.field === field);
    return selector ? elements(selector.equals).known : undefined;
}

export const cloudtrailS3DataEvents = resourceRule<TrailInputs>({
    name: "cloudtrail-s3-data-events",
    description: "The CloudTrail trail records management events and S3 object-level (data) events, so every read and write of PHI in S3 is attributable.",
    severity: "high",
    category: "logging",
    hipaa: [...AUDIT_HIPAA, "164.312(c)(1)"],
    soc2: ["CC7.2", "CC7.3"],
    remediation:
        'Add advancedEventSelectors: one with eventCategory = "Management", one with eventCategory = "Data" and resources.type = "AWS::S3::Object".',
    anchors: { awsConfig: ["CLOUDTRAIL_S3_DATAEVENTS_ENABLED"] },
    resourceTypes: [CLOUDTRAIL.trail],
    *check(trail) {
        const advanced = elements(trail.advancedEventSelectors);
        const basic = elements(trail.eventSelectors);
        if (advanced.hasUnknown || basic.hasUnknown) {
            return;
        }
        const selectors = advanced.known.map((selector) => elements(selector.fieldSelectors).known);
        // Every bucket: an advanced selector may exclude buckets (the trail's own, notStartsWith) but not
        // narrow resources.ARN to some; a basic one names the prefix of all buckets, "arn:aws:s3" (CloudTrail
        // User Guide, "Logging data events", checked 2026-12-01).
        const narrowsArn = (fields: FieldSelector[]) =>
            fields.some((f) => f.field === "resources.ARN" && [f.equals, f.startsWiths, f.endsWiths].some((list) => isUnknown(list) || elements(list as Maybe<Maybe<string>[]>).known.length > 0));
        const s3Selectors = selectors.filter((fields) => equalsOf(fields, "eventCategory")?.includes("Data") && equalsOf(fields, "resources.type")?.includes("AWS::S3::Object"));
        const basicS3 = basic.known.flatMap((selector) => elements(selector.dataResources).known.filter((resource) => resource.type === "AWS::S3::Object"));
        const allBuckets = (values: string[]) => values.some((value) => /^arn:aws[a-z-]*:s3(:::)?$/.test(value));
        if (s3Selectors.length === 0 && basicS3.length === 0) {
            yield "The trail records no S3 object-level events, so reads and writes of PHI in S3 leave no trace.";
        } else if (!s3Selectors.some((fields) => !narrowsArn(fields)) && !basicS3.some((resource) => allBuckets(knownStrings(resource.values)))) {
            yield "The trail records S3 object-level events of some buckets only (resources.ARN narrowed), so the other buckets' reads and writes leave no trace.";
        }
        // Advanced selectors replace the default: without a management selector, none is recorded.
        const recordsManagement =
            (advanced.known.length === 0 && basic.known.length === 0) ||
            selectors.some((fields) => equalsOf(fields, "eventCategory")?.includes("Management")) ||
            basic.known.some((selector) => selector.includeManagementEvents !== false);
        if (!recordsManagement) {
            yield "The trail's event selectors leave out management events, so changes to the account go unrecorded.";
        }
    },
});

export const cloudtrailPolicies: ClinicalPolicy[] = [
    cloudtrailMultiRegion,
    cloudtrailLogFileValidation,
    cloudtrailKmsEncryption,
    cloudtrailCloudwatchDelivery,
    cloudtrailS3DataEvents,
];
