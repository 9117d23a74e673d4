import { CLOUDFRONT, CLOUDWATCH } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/cloudfront";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const albOrigin = {
    originId: "api",
    domainName: UNKNOWN,
    customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
};
const assetsOrigin = { originId: "assets", domainName: UNKNOWN, originAccessControlId: UNKNOWN };
const behavior = { targetOriginId: "assets", viewerProtocolPolicy: "redirect-to-https", responseHeadersPolicyId: UNKNOWN };
const compliant = {
    origins: [assetsOrigin, albOrigin],
    defaultCacheBehavior: behavior,
    orderedCacheBehaviors: [{ ...behavior, pathPattern: "/api/*", targetOriginId: "api", viewerProtocolPolicy: "https-only" }],
    viewerCertificate: { acmCertificateArn: UNKNOWN, minimumProtocolVersion: "TLSv1.2_2021", sslSupportMethod: "sni-only" },
    loggingConfig: { bucket: UNKNOWN },
    webAclId: UNKNOWN,
};
const distribution = (overrides: Record<string, unknown> = {}) => resource(CLOUDFRONT.distribution, "cdn", { ...compliant, ...overrides });

describe("CloudFront policies", () => {
    describeResourcePolicy(rules.cloudfrontViewerHttpsOnly, {
        accepts: { "a distribution redirecting HTTP and serving the API over HTTPS only": distribution() },
        rejects: {
            "an API behavior that allows plain HTTP": [
                distribution({ orderedCacheBehaviors: [{ ...behavior, pathPattern: "/api/*", viewerProtocolPolicy: "allow-all" }] }),
                /cache behavior for \/api\/\* is allow-all/,
            ],
        },
    });

    describeResourcePolicy(rules.cloudfrontMinTlsVersion, {
        accepts: {
            "an ACM certificate with TLSv1.2_2021": distribution(),
            "TLSv1.2_2025 when production allows it": {
                subject: distribution({ viewerCertificate: { acmCertificateArn: UNKNOWN, minimumProtocolVersion: "TLSv1.2_2025" } }),
                config: { allowedProtocolVersions: ["TLSv1.2_2025"] },
            },
        },
        rejects: {
            "the default CloudFront certificate": [
                distribution({ viewerCertificate: { cloudfrontDefaultCertificate: true } }),
                /default \*\.cloudfront\.net certificate/,
            ],
            "a minimum TLS version that is unknown in preview": [
                distribution({ viewerCertificate: { acmCertificateArn: UNKNOWN, minimumProtocolVersion: UNKNOWN } }),
                /is not one of/,
            ],
            "a certificate block unknown in preview": [distribution({ viewerCertificate: UNKNOWN }), /default \*\.cloudfront\.net certificate/],
            "a certificate accepting TLS 1.1": [
                distribution({ viewerCertificate: { acmCertificateArn: UNKNOWN, minimumProtocolVersion: "TLSv1.1_2016" } }),
                /TLSv1\.1_2016 is not one of/,
            ],
        },
    });

    describeResourcePolicy(rules.cloudfrontOriginHttpsOnly, {
        accepts: { "an ALB origin reached over HTTPS only": distribution() },
        rejects: {
            "an origin reached with match-viewer": [
                distribution({ origins: [{ ...albOrigin, customOriginConfig: { ...albOrigin.customOriginConfig, originProtocolPolicy: "match-viewer" } }] }),
                /api uses originProtocolPolicy match-viewer/,
            ],
            "an origin whose protocol policy is an empty string": [
                distribution({ origins: [{ ...albOrigin, customOriginConfig: { ...albOrigin.customOriginConfig, originProtocolPolicy: "" } }] }),
                /api uses originProtocolPolicy \(unset\)/,
            ],
            "an origin whose protocol policy is unknown in preview": [
                distribution({ origins: [{ ...albOrigin, customOriginConfig: { ...albOrigin.customOriginConfig, originProtocolPolicy: UNKNOWN } }] }),
                /api uses originProtocolPolicy \(unknown\)/,
            ],
        },
    });

    describeResourcePolicy(rules.cloudfrontOriginTls12, {
        accepts: { "an origin limited to TLSv1.2": distribution() },
        rejects: {
            "an origin still allowing TLSv1 and TLSv1.1": [
                distribution({ origins: [{ ...albOrigin, customOriginConfig: { ...albOrigin.customOriginConfig, originSslProtocols: ["TLSv1", "TLSv1.1", "TLSv1.2"] } }] }),
                /allows TLSv1, TLSv1\.1/,
            ],
        },
    });

    const bare = distribution({ loggingConfig: undefined });
    describeStackPolicy(rules.cloudfrontAccessLogging, {
        accepts: {
            "a distribution logging to the log bucket": [distribution()],
            "a distribution delivering access logs through CloudWatch": [
                bare,
                resource(CLOUDWATCH.logDeliverySource, "cdn-logs", { logType: "ACCESS_LOGS", resourceArn: UNKNOWN }, { resourceArn: bare }),
            ],
        },
        rejects: {
            "a distribution recording no access logs": { resources: [bare], offenders: ["cdn"], message: /records no access logs/ },
        },
    });

    describeResourcePolicy(rules.cloudfrontWafAttached, {
        accepts: { "a distribution with a web ACL": distribution() },
        rejects: { "a distribution without a web ACL": [distribution({ webAclId: "" }), /webAclId is not set/] },
    });

    describeResourcePolicy(rules.cloudfrontS3OriginAccessControl, {
        accepts: { "an S3 origin read through origin access control": distribution() },
        rejects: {
            "an S3 origin without origin access control": [
                distribution({ origins: [{ originId: "assets", domainName: "clinical-assets.s3.eu-west-1.amazonaws.com" }, albOrigin] }),
                /S3 origin assets has no originAccessControlId/,
            ],
            "an S3 origin using a legacy origin access identity": [
                distribution({ origins: [{ originId: "assets", domainName: UNKNOWN, s3OriginConfig: { originAccessIdentity: UNKNOWN } }] }),
                /no originAccessControlId/,
            ],
        },
    });

    describeResourcePolicy(rules.cloudfrontSecurityHeaders, {
        accepts: { "every behavior with a response headers policy": distribution() },
        rejects: {
            "a default behavior without security headers": [
                distribution({ defaultCacheBehavior: { ...behavior, responseHeadersPolicyId: undefined } }),
                /The default cache behavior has no responseHeadersPolicyId/,
            ],
        },
    });
});
