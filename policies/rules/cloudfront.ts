import { type ClinicalPolicy, resourceRule, stackRule } from "../lib/policy";
import { refersTo } from "../lib/stack";
import { CLOUDFRONT, CLOUDWATCH } from "../lib/types";
import { type Maybe, elements, isKnown, isPresent, isUnknown, knownStrings, present, presentOrPending } from "../lib/values";

interface CacheBehaviorInputs {
    viewerProtocolPolicy?: Maybe<string>;
    responseHeadersPolicyId?: Maybe<string>;
}

interface OriginInputs {
    originId?: Maybe<string>;
    domainName?: Maybe<string>;
    originAccessControlId?: Maybe<string>;
    s3OriginConfig?: Maybe<{ originAccessIdentity?: Maybe<string> }>;
    customOriginConfig?: Maybe<{ originProtocolPolicy?: Maybe<string>; originSslProtocols?: Maybe<Maybe<string>[]> }>;
    vpcOriginConfig?: Maybe<{ vpcOriginId?: Maybe<string> }>;
}

/** Inputs of `aws.cloudfront.Distribution` the rules read. */
export interface DistributionInputs {
    defaultCacheBehavior?: Maybe<CacheBehaviorInputs>;
    orderedCacheBehaviors?: Maybe<Maybe<CacheBehaviorInputs & { pathPattern?: Maybe<string> }>[]>;
    viewerCertificate?: Maybe<{
        cloudfrontDefaultCertificate?: Maybe<boolean>;
        minimumProtocolVersion?: Maybe<string>;
    }>;
    origins?: Maybe<Maybe<OriginInputs>[]>;
    loggingConfig?: Maybe<{ bucket?: Maybe<string> }>;
    webAclId?: Maybe<string>;
}

/** Inputs of `aws.cloudwatch.LogDeliverySource` (CloudFront standard logging v2). */
export interface LogDeliverySourceInputs {
    logType?: Maybe<string>;
    resourceArn?: Maybe<string>;
}

const SECURE_VIEWER_POLICIES = new Set(["https-only", "redirect-to-https"]);
const S3_DOMAIN = /\.s3([.-][a-z0-9-]+)*\.amazonaws\.com$/;

function behaviors(distribution: DistributionInputs): { label: string; behavior: CacheBehaviorInputs }[] {
    const list: { label: string; behavior: CacheBehaviorInputs }[] = [];
    if (isKnown(distribution.defaultCacheBehavior)) {
        list.push({ label: "the default cache behavior", behavior: distribution.defaultCacheBehavior });
    }
    for (const ordered of elements(distribution.orderedCacheBehaviors).known) {
        const path = isKnown(ordered.pathPattern) ? ordered.pathPattern : "?";
        list.push({ label: `the cache behavior for ${path}`, behavior: ordered });
    }
    return list;
}

function originName(origin: OriginInputs): string {
    return isKnown(origin.originId) ? origin.originId : "an origin";
}

/**
 * CloudFront treats an origin without a custom or VPC origin config as an S3 origin, so that
 * test works even before the bucket's domain name is known.
 */
function isS3Origin(origin: OriginInputs): boolean {
    if (isPresent(origin.s3OriginConfig)) {
        return true;
    }
    if (isKnown(origin.domainName) && S3_DOMAIN.test(origin.domainName)) {
        return true;
    }
    return !presentOrPending(origin.customOriginConfig) && !presentOrPending(origin.vpcOriginConfig);
}

export const cloudfrontViewerHttpsOnly = resourceRule<DistributionInputs>({
    name: "cloudfront-viewer-https-only",
    description: "CloudFront serves viewers over HTTPS only, redirecting plain HTTP.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(e)(1)", "164.308(a)(4)(ii)(A)"],
    soc2: ["CC6.7"],
    remediation: 'Set viewerProtocolPolicy to "redirect-to-https" or "https-only" on every cache behavior.',
    resourceTypes: [CLOUDFRONT.distribution],
    *check(distribution) {
        for (const { label, behavior } of behaviors(distribution)) {
            const policy = behavior.viewerProtocolPolicy;
            if (isKnown(policy) && !SECURE_VIEWER_POLICIES.has(policy)) {
                yield `viewerProtocolPolicy of ${label} is ${policy}, which serves content over plain HTTP.`;
            }
        }
    },
});

export const cloudfrontMinTlsVersion = resourceRule<DistributionInputs, { allowedProtocolVersions: string[] }>({
    name: "cloudfront-min-tls-version",
    description: "CloudFront uses a custom certificate with a TLS 1.2+ viewer security policy.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.7"],
    remediation: 'Use an ACM certificate and set viewerCertificate.minimumProtocolVersion to "TLSv1.2_2021" or newer.',
    config: {
        allowedProtocolVersions: {
            type: "array",
            items: { type: "string" },
            minItems: 1,
            default: ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"],
            description: "Viewer security policies considered current.",
        },
    },
    resourceTypes: [CLOUDFRONT.distribution],
    *check(distribution, { config }) {
        // An unknown certificate block cannot be shown to set a minimum version: judged like none.
        const certificate = distribution.viewerCertificate;
        if (!isKnown(certificate) || certificate.cloudfrontDefaultCertificate === true) {
            yield "The distribution uses the default *.cloudfront.net certificate, which still accepts TLS 1.0.";
            return;
        }
        const version = certificate.minimumProtocolVersion;
        if (!(isKnown(version) && config.allowedProtocolVersions.includes(version))) {
            yield `minimumProtocolVersion ${isKnown(version) ? version : "(unset)"} is not one of ${config.allowedProtocolVersions.join(", ")}.`;
        }
    },
});

export const cloudfrontOriginHttpsOnly = resourceRule<DistributionInputs>({
    name: "cloudfront-origin-https-only",
    description: "CloudFront connects to custom origins over HTTPS only.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(e)(1)"],
    soc2: ["CC6.7"],
    remediation: 'Set customOriginConfig.originProtocolPolicy to "https-only".',
    resourceTypes: [CLOUDFRONT.distribution],
    *check(distribution) {
        for (const origin of elements(distribution.origins).known) {
            const custom = origin.customOriginConfig;
            // A custom origin always has a protocol policy; an empty or unknown one (it is a
            // literal in a program) cannot be shown to be HTTPS, so it is judged non-compliant.
            if (!presentOrPending(custom)) {
                continue;
            }
            const policy = isKnown(custom) ? custom.originProtocolPolicy : custom;
            if (!(present(policy) && policy === "https-only")) {
                const shown = present(policy) ? policy : isUnknown(policy) ? "(unknown)" : "(unset)";
                yield `${originName(origin)} uses originProtocolPolicy ${shown}, so traffic to it may travel unencrypted.`;
            }
        }
    },
});

export const cloudfrontOriginTls12 = resourceRule<DistributionInputs>({
    name: "cloudfront-origin-tls12",
    description: "CloudFront negotiates only TLS 1.2 with custom origins.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(e)(2)(ii)"],
    soc2: ["CC6.7"],
    remediation: 'Set customOriginConfig.originSslProtocols to ["TLSv1.2"].',
    resourceTypes: [CLOUDFRONT.distribution],
    *check(distribution) {
        for (const origin of elements(distribution.origins).known) {
            const custom = origin.customOriginConfig;
            const outdated = isKnown(custom) ? knownStrings(custom.originSslProtocols).filter((p) => p !== "TLSv1.2") : [];
            if (outdated.length > 0) {
                yield `${originName(origin)} allows ${outdated.join(", ")}.`;
            }
        }
    },
});

export const cloudfrontAccessLogging = stackRule({
    name: "cloudfront-access-logging",
    description: "CloudFront distributions record access logs.",
    severity: "high",
    category: "logging",
    hipaa: ["164.312(b)"],
    soc2: ["CC7.2"],
    remediation: "Set loggingConfig.bucket to the log bucket, or deliver ACCESS_LOGS through a CloudWatch LogDeliverySource.",
    resourceTypes: [CLOUDFRONT.distribution],
    *check(stack) {
        const sources = stack
            .ofType(CLOUDWATCH.logDeliverySource)
            .filter((source) => source.props<LogDeliverySourceInputs>().logType === "ACCESS_LOGS");
        for (const distribution of stack.ofType(CLOUDFRONT.distribution)) {
            const logging = distribution.props<DistributionInputs>().loggingConfig;
            const legacy = isUnknown(logging) || (isKnown(logging) && isPresent(logging.bucket));
            const delivered = sources.some((source) => refersTo(source, "resourceArn", distribution, ["arn"]));
            if (!legacy && !delivered) {
                yield { resource: distribution, message: "The distribution records no access logs (no loggingConfig and no log delivery source)." };
            }
        }
    },
});

export const cloudfrontWafAttached = resourceRule<DistributionInputs>({
    name: "cloudfront-waf-attached",
    description: "CloudFront distributions are protected by an AWS WAF web ACL.",
    severity: "high",
    category: "network",
    hipaa: ["164.308(a)(1)(ii)(B)"],
    soc2: ["CC6.6"],
    remediation: "Set webAclId to the ARN of a CLOUDFRONT-scoped WAFv2 web ACL.",
    resourceTypes: [CLOUDFRONT.distribution],
    *check(distribution) {
        if (!presentOrPending(distribution.webAclId)) {
            yield "webAclId is not set, so requests reach the origins without WAF inspection.";
        }
    },
});

export const cloudfrontS3OriginAccessControl = resourceRule<DistributionInputs>({
    name: "cloudfront-s3-origin-access-control",
    description: "CloudFront reads S3 origins through origin access control, not a public bucket or a legacy identity.",
    severity: "high",
    category: "public-access",
    hipaa: ["164.312(a)(1)"],
    soc2: ["CC6.1"],
    remediation: "Create an OriginAccessControl (signing sigv4, always) and set originAccessControlId on each S3 origin.",
    resourceTypes: [CLOUDFRONT.distribution],
    *check(distribution) {
        for (const origin of elements(distribution.origins).known) {
            if (isS3Origin(origin) && !presentOrPending(origin.originAccessControlId)) {
                yield `S3 origin ${originName(origin)} has no originAccessControlId, so the bucket must be readable some other way.`;
            }
        }
    },
});

export const cloudfrontSecurityHeaders = resourceRule<DistributionInputs>({
    name: "cloudfront-security-headers",
    description: "CloudFront adds security headers (HSTS, content-type options, frame options) to every response.",
    severity: "medium",
    category: "encryption",
    hipaa: ["164.312(e)(1)"],
    soc2: ["CC6.7"],
    remediation: "Attach a ResponseHeadersPolicy with securityHeadersConfig via responseHeadersPolicyId on every cache behavior.",
    resourceTypes: [CLOUDFRONT.distribution],
    *check(distribution) {
        for (const { label, behavior } of behaviors(distribution)) {
            if (!presentOrPending(behavior.responseHeadersPolicyId)) {
                yield `${label[0].toUpperCase()}${label.slice(1)} has no responseHeadersPolicyId, so browsers get no HSTS header.`;
            }
        }
    },
});

export const cloudfrontPolicies: ClinicalPolicy[] = [
    cloudfrontViewerHttpsOnly,
    cloudfrontMinTlsVersion,
    cloudfrontOriginHttpsOnly,
    cloudfrontOriginTls12,
    cloudfrontAccessLogging,
    cloudfrontWafAttached,
    cloudfrontS3OriginAccessControl,
    cloudfrontSecurityHeaders,
];
