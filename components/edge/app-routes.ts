/**
 * Deep links into the React application: a CloudFront Function on the default (front-end) behaviour
 * that serves /index.html for extension-less paths. Not distribution-wide custom error responses:
 * those would also turn the API's 403 and 404 answers into the application's HTML.
 *
 * Checked 2026-12-01:
 * - @pulumi/aws 7.48.0 (node_modules/@pulumi/aws/cloudfront/function.d.ts): `aws.cloudfront.Function`
 *   takes `code`, `runtime` (`cloudfront-js-1.0` or `cloudfront-js-2.0`), `name` (letters, digits,
 *   hyphens and underscores, 1–64 characters), `comment` (at most 128 characters) and `publish`
 *   (default true: only a LIVE function can be associated); `functionAssociations` on a cache
 *   behaviour takes `eventType` (`viewer-request` or `viewer-response`) and `functionArn`
 *   (types/input.d.ts, DistributionDefaultCacheBehaviorFunctionAssociation).
 * - CloudFront Developer Guide, "CloudFront Functions event structure": the viewer-request event has
 *   `request.uri` (path only; the query string is `request.querystring`), and a function that returns
 *   the request sends it on with the new URI. "JavaScript runtime 2.0 features": ES 5.1 with some
 *   later features, no module system; the function is a top-level `handler(event)`.
 * - Size: the provider documents code of 1 to 40,960 bytes, the API's own bound; the function quota
 *   (Developer Guide, "Quotas on CloudFront Functions") is 10 KB, which FUNCTION_SIZE_LIMIT_BYTES holds.
 */
import { readFileSync } from "fs";
import * as path from "path";
import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";

export const APP_ROUTES_RUNTIME = "cloudfront-js-2.0";
/** CloudFront's quota on the size of one function (code and configuration). */
export const FUNCTION_SIZE_LIMIT_BYTES = 10 * 1024;
/** Where the function's code lives, plain JavaScript that CloudFront runs as is. */
export const APP_ROUTES_SOURCE = path.join(__dirname, "app-routes.js");

/** The function's code, refused here rather than by CloudFront if it ever outgrows the quota. */
export function appRoutesCode(): string {
    const code = readFileSync(APP_ROUTES_SOURCE, "utf8");
    const size = Buffer.byteLength(code, "utf8");
    if (size > FUNCTION_SIZE_LIMIT_BYTES) {
        throw new Error(`${APP_ROUTES_SOURCE} is ${size} bytes; a CloudFront Function may be at most ${FUNCTION_SIZE_LIMIT_BYTES}`);
    }
    return code;
}

/** Creates the published function; associate its ARN with the front end's behaviour as a viewer request. */
export function createAppRoutesFunction(parent: pulumi.Resource, name: string, namePrefix: string): aws.cloudfront.Function {
    return new aws.cloudfront.Function(`${name}-app-routes`, {
        name: `${namePrefix}-app-routes`,
        comment: "Front-end deep links: extension-less paths get /index.html",
        runtime: APP_ROUTES_RUNTIME,
        code: appRoutesCode(),
        publish: true,
    }, { parent });
}
