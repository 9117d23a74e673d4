/**
 * The compliance mapping every policy carries, and its encoding in the policy's tags.
 *
 * Tags are the one place the analyzer protocol (GetAnalyzerInfo) has room for a list of
 * free-form strings per policy, so the citations travel there: whoever talks to the pack,
 * the CLI or our offline client, sees the same mapping the source declares.
 */

export type Severity = "low" | "medium" | "high" | "critical";

/**
 * What kind of control a policy is. Environments may relax availability controls; the
 * pack-config tests hold that encryption, public-access and logging controls never are.
 */
export type Category =
    | "encryption"
    | "public-access"
    | "logging"
    | "availability"
    | "access-control"
    | "network"
    | "workload"
    | "change-management";

export interface ComplianceMetadata {
    name: string;
    description: string;
    severity: Severity;
    category: Category;
    /** 45 CFR citations, e.g. "164.312(a)(2)(iv)". */
    hipaa: readonly string[];
    /** SOC 2 trust services criteria, e.g. "CC6.1". */
    soc2: readonly string[];
    remediation: string;
    /**
     * The published controls this policy implements: AWS Config managed-rule identifiers of the
     * conformance pack "Operational Best Practices for HIPAA Security" (e.g. "CLOUD_TRAIL_ENABLED")
     * and cdk-nag `HIPAA.Security` rule names (e.g. "CloudTrailEncryptionEnabled").
     */
    anchors?: Anchors;
}

export interface Anchors {
    awsConfig?: readonly string[];
    cdkNag?: readonly string[];
}

const HIPAA_PREFIX = "hipaa:";
const SOC2_PREFIX = "soc2:";
const CATEGORY_PREFIX = "category:";
const AWS_CONFIG_PREFIX = "aws-config:";
const CDK_NAG_PREFIX = "cdk-nag:";

/** A HIPAA Security Rule citation: section 164.3xx, its paragraph levels, e.g. 164.308(a)(7)(ii)(A). */
export const HIPAA_CITATION = /^164\.3\d\d(\([a-z0-9]+\))+(\([A-Z]\))?$/;

/** A SOC 2 (TSC 2017) criterion such as CC6.1, A1.2, C1.1 or PI1.5. */
export const SOC2_CRITERION = /^(CC[1-9]|A1|C1|PI1|P[1-8])\.\d{1,2}$/;

export function metadataTags(metadata: Pick<ComplianceMetadata, "hipaa" | "soc2" | "category" | "anchors">): string[] {
    return [
        `${CATEGORY_PREFIX}${metadata.category}`,
        ...metadata.hipaa.map((citation) => `${HIPAA_PREFIX}${citation}`),
        ...metadata.soc2.map((criterion) => `${SOC2_PREFIX}${criterion}`),
        ...(metadata.anchors?.awsConfig ?? []).map((rule) => `${AWS_CONFIG_PREFIX}${rule}`),
        ...(metadata.anchors?.cdkNag ?? []).map((rule) => `${CDK_NAG_PREFIX}${rule}`),
    ];
}

export interface TaggedMapping {
    hipaa: string[];
    soc2: string[];
    category: string | undefined;
    anchors: { awsConfig: string[]; cdkNag: string[] };
}

export function mappingFromTags(tags: readonly string[]): TaggedMapping {
    const valuesWith = (prefix: string) =>
        tags.filter((tag) => tag.startsWith(prefix)).map((tag) => tag.slice(prefix.length));
    return {
        hipaa: valuesWith(HIPAA_PREFIX),
        soc2: valuesWith(SOC2_PREFIX),
        category: valuesWith(CATEGORY_PREFIX)[0],
        anchors: { awsConfig: valuesWith(AWS_CONFIG_PREFIX), cdkNag: valuesWith(CDK_NAG_PREFIX) },
    };
}
