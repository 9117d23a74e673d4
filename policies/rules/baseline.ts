/**
 * The account's security baseline: GuardDuty, AWS Config, EBS encryption by default, and the stack
 * rule that the stack the pack config names as the baseline's owner declares every piece of it.
 */
import { type ClinicalPolicy, type Finding, resourceRule, stackRule } from "../lib/policy";
import { refersTo } from "../lib/stack";
import { BASELINE, CLOUDTRAIL, IAM } from "../lib/types";
import { type Maybe, isKnown, isUnknown, presentOrPending } from "../lib/values";

interface DetectorInputs {
    enable?: Maybe<boolean>;
}

interface DetectorFeatureInputs {
    detectorId?: Maybe<string>;
    name?: Maybe<string>;
    status?: Maybe<string>;
}

interface RecorderInputs {
    name?: Maybe<string>;
    recordingGroup?: Maybe<{ allSupported?: Maybe<boolean>; resourceTypes?: Maybe<Maybe<string>[]> }>;
}

interface RecorderStatusInputs {
    name?: Maybe<string>;
    isEnabled?: Maybe<boolean>;
}

/**
 * GuardDuty protection plans the platform needs: S3 data events (the PHI buckets), EKS audit logs,
 * RDS login events, and runtime monitoring (RUNTIME_MONITORING, or the older EKS_RUNTIME_MONITORING;
 * AWS refuses both at once). Names per the GuardDuty API reference, DetectorFeatureConfiguration.
 */
const REQUIRED_FEATURES: readonly (readonly string[])[] = [["S3_DATA_EVENTS"], ["EKS_AUDIT_LOGS"], ["RDS_LOGIN_EVENTS"], ["RUNTIME_MONITORING", "EKS_RUNTIME_MONITORING"]];

export const guarddutyProtectionFeatures = stackRule({
    name: "guardduty-protection-features",
    description: "Every GuardDuty detector is enabled with S3, EKS audit log, RDS login and runtime protection.",
    severity: "high",
    category: "logging",
    hipaa: ["164.308(a)(1)(ii)(D)", "164.308(a)(5)(ii)(B)", "164.308(a)(6)(ii)"],
    soc2: ["CC7.2", "CC7.3"],
    remediation:
        "Leave enable true and add a DetectorFeature (status ENABLED) for S3_DATA_EVENTS, EKS_AUDIT_LOGS, RDS_LOGIN_EVENTS and RUNTIME_MONITORING (with EKS_ADDON_MANAGEMENT).",
    anchors: { awsConfig: ["GUARDDUTY_ENABLED_CENTRALIZED"] },
    resourceTypes: [BASELINE.detector],
    *check(stack) {
        const features = stack.ofType(BASELINE.detectorFeature);
        for (const detector of stack.ofType(BASELINE.detector)) {
            if (detector.props<DetectorInputs>().enable === false) {
                yield { resource: detector, message: "The detector is disabled, so GuardDuty analyses nothing." };
                continue;
            }
            const enabled = new Set<string>();
            for (const feature of features.filter((f) => refersTo(f, "detectorId", detector, ["id"]))) {
                const inputs = feature.props<DetectorFeatureInputs>();
                if ((inputs.status === "ENABLED" || isUnknown(inputs.status)) && typeof inputs.name === "string") enabled.add(inputs.name);
            }
            const missing = REQUIRED_FEATURES.filter((names) => !names.some((name) => enabled.has(name))).map((names) => names[0]);
            if (missing.length > 0) {
                yield { resource: detector, message: `The detector does not enable ${missing.join(", ")}, so those threats go undetected.` };
            }
        }
    },
});

export const configRecorderAllResources = stackRule({
    name: "config-recorder-all-resources",
    description: "Every AWS Config recorder records every supported resource type, has a delivery channel and is switched on.",
    severity: "high",
    category: "logging",
    hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)", "164.308(a)(8)"],
    soc2: ["CC7.1", "CC7.2", "CC8.1"],
    remediation: "Set recordingGroup.allSupported to true, add a DeliveryChannel and a RecorderStatus with isEnabled true for the recorder.",
    resourceTypes: [BASELINE.configRecorder],
    *check(stack) {
        const statuses = stack.ofType(BASELINE.configRecorderStatus);
        const channels = stack.ofType(BASELINE.configDeliveryChannel);
        for (const recorder of stack.ofType(BASELINE.configRecorder)) {
            // No recording group means AWS Config's default, every supported type; the program writes
            // the group and the status as literals, so one the preview cannot know may record anything.
            const group = recorder.props<RecorderInputs>().recordingGroup;
            if (isUnknown(group) || (isKnown(group) && isUnknown(group.allSupported))) {
                yield { resource: recorder, message: "The recording group is unknown in preview, so it cannot be shown to record every supported type." };
            } else if (isKnown(group) && group.allSupported !== true) {
                yield { resource: recorder, message: "The recorder records only some resource types, so changes to the others leave no history." };
            }
            const status = statuses.find((s) => refersTo(s, "name", recorder, ["name", "id"]));
            const isEnabled = status?.props<RecorderStatusInputs>().isEnabled;
            if (status !== undefined && isUnknown(isEnabled)) {
                yield { resource: recorder, message: "The RecorderStatus's isEnabled is unknown in preview, so the recorder cannot be shown to be on." };
            } else if (status === undefined || isEnabled !== true) {
                yield { resource: recorder, message: "No RecorderStatus switches the recorder on, so it records nothing." };
            }
            if (channels.length === 0) {
                yield { resource: recorder, message: "No delivery channel exists, so the recorder cannot be started and its history goes nowhere." };
            }
        }
    },
});

export const ebsDefaultEncryptionCmk = stackRule({
    name: "ebs-default-encryption-cmk",
    description: "EBS encryption by default is on, under a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)"],
    soc2: ["CC6.1"],
    remediation: "Set EncryptionByDefault.enabled to true and add a DefaultKmsKey naming a customer-managed key.",
    anchors: { awsConfig: ["EC2_EBS_ENCRYPTION_BY_DEFAULT"] },
    resourceTypes: [BASELINE.ebsEncryptionByDefault],
    *check(stack) {
        const defaultKeys = stack.ofType(BASELINE.ebsDefaultKmsKey).filter((key) => presentOrPending(key.props<{ keyArn?: Maybe<string> }>().keyArn));
        for (const setting of stack.ofType(BASELINE.ebsEncryptionByDefault)) {
            if (setting.props<{ enabled?: Maybe<boolean> }>().enabled === false) {
                yield { resource: setting, message: "enabled is false, so new EBS volumes and snapshots may be unencrypted." };
            } else if (defaultKeys.length === 0) {
                yield { resource: setting, message: "No DefaultKmsKey names a customer-managed key, so volumes fall back to the AWS managed aws/ebs key." };
            }
        }
    },
});

const STACK_ROOT = "pulumi:pulumi:Stack";

interface AccountPublicAccessBlockInputs {
    blockPublicAcls?: Maybe<boolean>;
    ignorePublicAcls?: Maybe<boolean>;
    blockPublicPolicy?: Maybe<boolean>;
    restrictPublicBuckets?: Maybe<boolean>;
}

export const accountS3PublicAccessBlock = resourceRule<AccountPublicAccessBlockInputs>({
    name: "account-s3-public-access-block",
    description: "The account's S3 Block Public Access turns on all four settings, so no bucket policy or ACL in the account can make data public.",
    severity: "high",
    category: "public-access",
    hipaa: ["164.312(a)(1)", "164.312(e)(1)"],
    soc2: ["CC6.1", "CC6.6"],
    remediation: "Set blockPublicAcls, ignorePublicAcls, blockPublicPolicy and restrictPublicBuckets to true.",
    anchors: { awsConfig: ["S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC"] },
    resourceTypes: [BASELINE.accountPublicAccessBlock],
    *check(block) {
        const off = (["blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets"] as const)
            .filter((setting) => block[setting] !== true);
        if (off.length > 0) {
            yield `${off.join(", ")} ${off.length === 1 ? "is" : "are"} not true, so a bucket of the account can still be opened to the public.`;
        }
    },
});

interface BaselineConfig {
    ownsAccountBaseline: boolean;
    ownsRegionalBaseline: boolean;
}

/** What exists once per account, and what once per account and region, with what the owner's stack must declare of each. */
const ACCOUNT_PIECES: ReadonlyArray<[string, string]> = [
    [CLOUDTRAIL.trail, "a CloudTrail trail"],
    [IAM.accountPasswordPolicy, "the IAM account password policy"],
    [BASELINE.accountPublicAccessBlock, "the account's S3 Block Public Access"],
];
const REGIONAL_PIECES: ReadonlyArray<[string, string]> = [
    [BASELINE.detector, "a GuardDuty detector"],
    [BASELINE.securityHub, "Security Hub"],
    [BASELINE.standardsSubscription, "a Security Hub standards subscription"],
    [BASELINE.configRecorder, "an AWS Config recorder"],
    [BASELINE.ebsEncryptionByDefault, "EBS encryption by default"],
];

export const accountBaselineComplete = stackRule<BaselineConfig>({
    name: "account-baseline-complete",
    description: "The stack that owns the account's security baseline declares every piece of it: trail, password policy, S3 Block Public Access, GuardDuty, Security Hub, AWS Config and EBS encryption by default.",
    severity: "high",
    category: "logging",
    hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)", "164.308(a)(6)(ii)"],
    soc2: ["CC7.2", "CC7.3"],
    remediation:
        "Set clinical-platform:ownsAccountResources (or ownsRegionalResources) to true in this stack's file, as its pack config says it owns the baseline; or correct ownsAccountBaseline / ownsRegionalBaseline in policies/config/<stack>.json.",
    config: {
        ownsAccountBaseline: {
            type: "boolean",
            default: false,
            description: "This stack owns the account's baseline: what exists once per account and its own region's services.",
        },
        ownsRegionalBaseline: {
            type: "boolean",
            default: false,
            description: "This stack owns only its region's services (GuardDuty, Security Hub, Config, EBS encryption by default).",
        },
    },
    anchors: { awsConfig: ["CLOUD_TRAIL_ENABLED", "GUARDDUTY_ENABLED_CENTRALIZED", "SECURITYHUB_ENABLED", "EC2_EBS_ENCRYPTION_BY_DEFAULT", "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC", "MULTI_REGION_CLOUD_TRAIL_ENABLED", "CLOUDTRAIL_S3_DATAEVENTS_ENABLED"] },
    resourceTypes: [],
    notApplicableUnder: (config) =>
        config.ownsAccountBaseline || config.ownsRegionalBaseline ? undefined : "The pack config does not name this stack as an owner of the account's baseline",
    *check(stack, { config }): Iterable<Finding> {
        const pieces = [...(config.ownsAccountBaseline ? ACCOUNT_PIECES : []), ...REGIONAL_PIECES];
        const missing = pieces.filter(([type]) => !stack.has([type])).map(([, what]) => what);
        if (missing.length > 0) {
            // Reported against the stack itself (its root resource), since what is wrong is what is absent.
            const [root] = stack.ofType(STACK_ROOT);
            yield { resource: root, message: `The stack owns the account's baseline but lacks ${missing.join(", ")}.` };
        }
    },
});

export const baselinePolicies: ClinicalPolicy[] = [
    guarddutyProtectionFeatures, configRecorderAllResources, ebsDefaultEncryptionCmk, accountS3PublicAccessBlock, accountBaselineComplete,
];
