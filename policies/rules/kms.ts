import { isPublicAllow, statementsOf } from "../lib/documents";
import { type ClinicalPolicy, resourceRule } from "../lib/policy";
import { KMS } from "../lib/types";
import { type Maybe, isKnown } from "../lib/values";

/** Inputs of `aws.kms.Key` (and the `policy` of `aws.kms.KeyPolicy`) the rules read. */
export interface KmsKeyInputs {
    enableKeyRotation?: Maybe<boolean>;
    rotationPeriodInDays?: Maybe<number>;
    customerMasterKeySpec?: Maybe<string>;
    keyUsage?: Maybe<string>;
    bypassPolicyLockoutSafetyCheck?: Maybe<boolean>;
    deletionWindowInDays?: Maybe<number>;
    policy?: unknown;
}

/** Only symmetric encryption keys support automatic rotation. */
function isRotatable(key: KmsKeyInputs): boolean {
    const spec = key.customerMasterKeySpec;
    const usage = key.keyUsage;
    const symmetric = !isKnown(spec) || spec === "SYMMETRIC_DEFAULT";
    const encryption = !isKnown(usage) || usage === "ENCRYPT_DECRYPT";
    return symmetric && encryption;
}

export const kmsKeyRotationEnabled = resourceRule<KmsKeyInputs>({
    name: "kms-key-rotation-enabled",
    description: "Customer-managed symmetric KMS keys rotate their key material automatically.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)"],
    soc2: ["CC6.1"],
    remediation: "Set enableKeyRotation to true.",
    resourceTypes: [KMS.key],
    *check(key) {
        if (isRotatable(key) && key.enableKeyRotation !== true) {
            yield "enableKeyRotation is not true, so the key material never changes.";
        }
    },
});

export const kmsKeyRotationPeriod = resourceRule<KmsKeyInputs, { maximumDays: number }>({
    name: "kms-key-rotation-period",
    description: "KMS key rotation happens at least yearly.",
    severity: "low",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)"],
    soc2: ["CC6.1"],
    remediation: "Leave rotationPeriodInDays unset (365) or set it to at most the configured maximum.",
    config: {
        maximumDays: { type: "integer", minimum: 90, maximum: 2560, default: 365, description: "Longest allowed rotation period." },
    },
    resourceTypes: [KMS.key],
    *check(key, { config }) {
        const period = key.rotationPeriodInDays;
        if (isKnown(period) && period > config.maximumDays) {
            yield `rotationPeriodInDays is ${period}; keys must rotate at least every ${config.maximumDays} days.`;
        }
    },
});

export const kmsNoBypassLockoutCheck = resourceRule<KmsKeyInputs>({
    name: "kms-no-bypass-lockout-check",
    description: "KMS key policies are never applied with the lockout safety check bypassed.",
    severity: "high",
    category: "access-control",
    hipaa: ["164.312(a)(1)"],
    soc2: ["CC6.1"],
    remediation: "Remove bypassPolicyLockoutSafetyCheck (or set it to false).",
    resourceTypes: [KMS.key, KMS.keyPolicy],
    *check(key) {
        if (key.bypassPolicyLockoutSafetyCheck === true) {
            yield "bypassPolicyLockoutSafetyCheck is true, which can make the key unmanageable and its data unrecoverable.";
        }
    },
});

export const kmsDeletionWindow = resourceRule<KmsKeyInputs, { minimumDays: number }>({
    name: "kms-deletion-window",
    description: "A KMS key scheduled for deletion stays recoverable for the environment's minimum window.",
    severity: "medium",
    category: "availability",
    hipaa: ["164.308(a)(7)(ii)(A)"],
    soc2: ["A1.2"],
    remediation: "Leave deletionWindowInDays unset (30) or set it to at least the configured minimum.",
    config: {
        minimumDays: { type: "integer", minimum: 7, maximum: 30, default: 30, description: "Fewest days before key deletion completes." },
    },
    resourceTypes: [KMS.key],
    *check(key, { config }) {
        const days = key.deletionWindowInDays;
        if (isKnown(days) && days < config.minimumDays) {
            yield `deletionWindowInDays is ${days}; deleting the key would destroy access to its data after less than ${config.minimumDays} days.`;
        }
    },
});

export const kmsKeyPolicyNoPublicPrincipal = resourceRule<KmsKeyInputs>({
    name: "kms-key-policy-no-public-principal",
    description: "KMS key policies allow nothing to everyone without a narrowing condition.",
    severity: "critical",
    category: "public-access",
    hipaa: ["164.312(a)(1)"],
    soc2: ["CC6.3"],
    remediation: "Grant the account root and the named service principals; never Principal \"*\" without a condition.",
    resourceTypes: [KMS.key, KMS.keyPolicy],
    *check(key) {
        const statements = statementsOf(key.policy);
        if (Array.isArray(statements) && statements.some(isPublicAllow)) {
            yield 'The key policy allows Principal "*" without a condition, so anyone could use or manage the key.';
        }
    },
});

export const kmsPolicies: ClinicalPolicy[] = [
    kmsKeyRotationEnabled,
    kmsKeyRotationPeriod,
    kmsNoBypassLockoutCheck,
    kmsDeletionWindow,
    kmsKeyPolicyNoPublicPrincipal,
];
