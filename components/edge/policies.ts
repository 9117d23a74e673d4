/**
 * CloudFront policies: long caching for the built front end, no caching at all for the API (every
 * viewer header, cookie and query string reaches it), and security headers on every response.
 */
import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";

/** Two years, the span the HSTS preload list asks for. */
export const HSTS_MAX_AGE_SECONDS = 63072000;
export const CONTENT_SECURITY_POLICY = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "upgrade-insecure-requests",
].join("; ");

export interface EdgePolicyIds {
    assetsCache: pulumi.Output<string>;
    apiNoCache: pulumi.Output<string>;
    apiOriginRequest: pulumi.Output<string>;
    securityHeaders: pulumi.Output<string>;
}

export function createEdgePolicies(parent: pulumi.Resource, name: string, namePrefix: string): EdgePolicyIds {
    const opts = { parent };
    const assetsCache = new aws.cloudfront.CachePolicy(`${name}-assets`, {
        name: `${namePrefix}-assets`,
        // index.html is uploaded with Cache-Control: no-cache, which CloudFront honours within these bounds.
        comment: "Built front-end files: content-hashed names, so long-lived and keyed on the path only",
        minTtl: 0,
        defaultTtl: 86400,
        maxTtl: 31536000,
        parametersInCacheKeyAndForwardedToOrigin: {
            cookiesConfig: { cookieBehavior: "none" },
            headersConfig: { headerBehavior: "none" },
            queryStringsConfig: { queryStringBehavior: "none" },
            enableAcceptEncodingGzip: true,
            enableAcceptEncodingBrotli: true,
        },
    }, opts);
    // Nothing the API answers may be kept at the edge: responses are per user and may hold PHI.
    const apiNoCache = new aws.cloudfront.CachePolicy(`${name}-api`, {
        name: `${namePrefix}-api-no-cache`,
        comment: "API: never cached",
        minTtl: 0,
        defaultTtl: 0,
        maxTtl: 0,
        parametersInCacheKeyAndForwardedToOrigin: {
            cookiesConfig: { cookieBehavior: "none" },
            headersConfig: { headerBehavior: "none" },
            queryStringsConfig: { queryStringBehavior: "none" },
        },
    }, opts);
    const apiOriginRequest = new aws.cloudfront.OriginRequestPolicy(`${name}-api`, {
        name: `${namePrefix}-api-all-viewer`,
        comment: "API: the request as the viewer sent it, Host included, so the origin certificate matches",
        headersConfig: { headerBehavior: "allViewer" },
        cookiesConfig: { cookieBehavior: "all" },
        queryStringsConfig: { queryStringBehavior: "all" },
    }, opts);
    const securityHeaders = new aws.cloudfront.ResponseHeadersPolicy(`${name}-security-headers`, {
        name: `${namePrefix}-security-headers`,
        comment: "HSTS with preload, no framing, no MIME sniffing, strict referrer, CSP",
        securityHeadersConfig: {
            strictTransportSecurity: { accessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS, includeSubdomains: true, preload: true, override: true },
            contentTypeOptions: { override: true },
            frameOptions: { frameOption: "DENY", override: true },
            referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
            xssProtection: { protection: true, modeBlock: true, override: true },
            contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
        },
    }, opts);
    return {
        assetsCache: assetsCache.id,
        apiNoCache: apiNoCache.id,
        apiOriginRequest: apiOriginRequest.id,
        securityHeaders: securityHeaders.id,
    };
}
