import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import * as vm from "vm";
import { evaluate } from "../../infra/offline/engine";
import { REPOSITORY_ROOT } from "../../infra/offline/preview";
import { runProgram } from "../../infra/program";
import { PROJECT } from "../../stacks";
import { readStackFile } from "../../stacks/stack-file";
import { API_PATH_PATTERN, HSTS_MAX_AGE_SECONDS, MANAGED_RULE_GROUPS, MINIMUM_VIEWER_TLS, VPC_ORIGIN_SECURITY_GROUP } from "../../components/edge";
import { CLOUDFRONT_LOG_PREFIX } from "../../components/storage";
import { STACKS, ofType, policyOf, previewOf, single, specStackFile } from "../harness/stacks";
import { Json, dependencyClosure, inputs, inputsOf, urnOf } from "./support";

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const WEB_ACL = "aws:wafv2/webAcl:WebAcl";

describe("the CloudFront edge", () => {
    for (const stack of STACKS) {
        describe(`in ${stack}`, () => {
            it("serves the stack's domain with the us-east-1 certificate, SNI only, TLS 1.2 (2021) or newer", async () => {
                const { resources, config } = await previewOf(stack);
                const distribution = inputsOf(resources, DISTRIBUTION);
                assert.deepEqual(distribution.aliases, [config.domain]);
                assert.deepEqual(distribution.viewerCertificate, {
                    acmCertificateArn: config.certificates.edgeArn,
                    sslSupportMethod: "sni-only",
                    minimumProtocolVersion: MINIMUM_VIEWER_TLS,
                });
                assert.equal(MINIMUM_VIEWER_TLS, "TLSv1.2_2021");
                assert.equal(distribution.enabled, true);
            });

            it("redirects viewers to HTTPS on every behaviour and sends /api/* to the load balancer uncached", async () => {
                const { resources } = await previewOf(stack);
                const distribution = single(resources, DISTRIBUTION);
                const { defaultCacheBehavior, orderedCacheBehaviors } = inputs(distribution);
                assert.equal(defaultCacheBehavior.viewerProtocolPolicy, "redirect-to-https");
                assert.equal(defaultCacheBehavior.targetOriginId, "assets");
                assert.equal(orderedCacheBehaviors.length, 1);
                const [api] = orderedCacheBehaviors;
                assert.equal(api.pathPattern, API_PATH_PATTERN);
                assert.equal(api.targetOriginId, "api");
                assert.equal(api.viewerProtocolPolicy, "redirect-to-https");
                assert.deepEqual([...api.allowedMethods].sort(), ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]);
                const noCache = inputsOf(resources, "aws:cloudfront/cachePolicy:CachePolicy", "edge-api");
                assert.deepEqual([noCache.minTtl, noCache.defaultTtl, noCache.maxTtl], [0, 0, 0]);
                const forwarded = inputsOf(resources, "aws:cloudfront/originRequestPolicy:OriginRequestPolicy", "edge-api");
                assert.deepEqual([forwarded.headersConfig.headerBehavior, forwarded.cookiesConfig.cookieBehavior, forwarded.queryStringsConfig.queryStringBehavior], ["allViewer", "all", "all"]);
                assert.deepEqual(distribution.propertyDependencies.orderedCacheBehaviors, [
                    urnOf(resources, "aws:cloudfront/cachePolicy:CachePolicy", "edge-api"),
                    urnOf(resources, "aws:cloudfront/originRequestPolicy:OriginRequestPolicy", "edge-api"),
                    urnOf(resources, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "edge-security-headers"),
                ].sort());
                const assetsCache = inputsOf(resources, "aws:cloudfront/cachePolicy:CachePolicy", "edge-assets");
                assert.ok(assetsCache.maxTtl > 0);
            });

            it("reads assets through origin access control that always signs with SigV4", async () => {
                const { resources } = await previewOf(stack);
                const control = inputsOf(resources, "aws:cloudfront/originAccessControl:OriginAccessControl");
                assert.deepEqual([control.originAccessControlOriginType, control.signingBehavior, control.signingProtocol], ["s3", "always", "sigv4"]);
                const assets = inputsOf(resources, DISTRIBUTION).origins.find((o: Json) => o.originId === "assets");
                assert.match(assets.domainName, /\.s3\.[a-z0-9-]+\.amazonaws\.com$/);
                assert.ok(assets.originAccessControlId);
                assert.equal(assets.s3OriginConfig, undefined, "no legacy origin access identity");
            });

            it("lets only this distribution read the assets bucket, through the one bucket policy the bucket has", async () => {
                const { resources } = await previewOf(stack);
                const assetsPolicies = ofType(resources, "aws:s3/bucketPolicy:BucketPolicy").filter((p) => p.name === "storage-assets");
                assert.equal(assetsPolicies.length, 1);
                const grant = policyOf(assetsPolicies[0]).Statement.find((s) => s.Sid === "CloudFrontReadsAssets")!;
                assert.deepEqual(grant.Principal, { Service: "cloudfront.amazonaws.com" });
                assert.equal(grant.Action, "s3:GetObject");
                const distribution = single(resources, DISTRIBUTION);
                assert.ok(assetsPolicies[0].propertyDependencies.policy.includes(distribution.urn));
                assert.match(JSON.stringify(grant.Condition), /"AWS:SourceArn":"arn:aws:cloudfront::\d{12}:distribution\//);
                const bucket = single(resources, "aws:s3/bucket:Bucket", "storage-assets");
                assert.deepEqual(bucket.dependencies, [], "the bucket itself waits for nothing");
            });

            it("lets only this distribution decrypt the assets, through the assets key's own policy", async () => {
                const { resources } = await previewOf(stack);
                const distribution = single(resources, DISTRIBUTION);
                const distributionArn = single(resources, "aws:cloudwatch/logDeliverySource:LogDeliverySource").inputs.resourceArn as string;
                assert.match(distributionArn, /^arn:aws:cloudfront::\d{12}:distribution\/[^*/]+$/, "one distribution, no wildcard");
                const keyPolicy = single(resources, "aws:kms/keyPolicy:KeyPolicy", "keys-assets");
                assert.deepEqual(keyPolicy.propertyDependencies.keyId, [urnOf(resources, "aws:kms/key:Key", "keys-assets")]);
                assert.ok(keyPolicy.propertyDependencies.policy.includes(distribution.urn));
                const statements = policyOf(keyPolicy).Statement;
                const cloudFront = statements.filter((s) => JSON.stringify(s.Principal).includes("cloudfront.amazonaws.com"));
                assert.deepEqual(cloudFront.map((s) => [s.Action, s.Condition]), [[["kms:Decrypt"], { StringEquals: { "AWS:SourceArn": distributionArn } }]]);
                assert.ok(statements.some((s) => s.Sid === "AccountAdministersThroughIam"), "the account keeps administering the key");
                assert.equal(single(resources, "aws:kms/key:Key", "keys-assets").inputs.policy, undefined, "one policy owner: the KeyPolicy");
                const reached = dependencyClosure(resources, keyPolicy);
                const slotSide = resources.filter((r) => r.type.startsWith("kubernetes:") || r.type === "aws:lb/listener:Listener" || r.type === "aws:eks/cluster:Cluster");
                assert.deepEqual(slotSide.filter((r) => reached.has(r.urn)).map((r) => r.name), [], "a traffic or image change never reaches the key's policy");
            });

            it("builds the data key, the database and the buckets without waiting for the distribution", async () => {
                const { resources } = await previewOf(stack);
                const distribution = single(resources, DISTRIBUTION);
                const early = [
                    ...ofType(resources, "aws:kms/key:Key"),
                    single(resources, "aws:rds/instance:Instance"),
                    ...ofType(resources, "aws:s3/bucket:Bucket"),
                    ...ofType(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"),
                ];
                assert.ok(early.length >= 10);
                assert.deepEqual(early.filter((r) => dependencyClosure(resources, r).has(distribution.urn)).map((r) => r.name), []);
            });

            it("reaches the internal load balancer through a VPC origin, HTTPS only with TLS 1.2", async () => {
                const { resources } = await previewOf(stack);
                const origin = single(resources, "aws:cloudfront/vpcOrigin:VpcOrigin");
                const endpoint = inputs(origin).vpcOriginEndpointConfig;
                assert.equal(endpoint.originProtocolPolicy, "https-only");
                assert.deepEqual(endpoint.originSslProtocols, { items: ["TLSv1.2"], quantity: 1 });
                assert.deepEqual(origin.propertyDependencies.vpcOriginEndpointConfig, [urnOf(resources, "aws:lb/loadBalancer:LoadBalancer", "api-lb")]);
                const api = inputsOf(resources, DISTRIBUTION).origins.find((o: Json) => o.originId === "api");
                assert.ok(api.vpcOriginConfig.vpcOriginId);
                assert.equal(api.customOriginConfig, undefined);
                assert.equal(VPC_ORIGIN_SECURITY_GROUP, "CloudFront-VPCOrigins-Service-SG");
            });

            it("adds HSTS with preload for two years and the usual security headers to every response", async () => {
                const { resources } = await previewOf(stack);
                const headers = inputsOf(resources, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").securityHeadersConfig;
                assert.deepEqual(headers.strictTransportSecurity, { accessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS, includeSubdomains: true, preload: true, override: true });
                assert.ok(HSTS_MAX_AGE_SECONDS >= 31536000);
                assert.deepEqual(headers.contentTypeOptions, { override: true });
                assert.deepEqual(headers.frameOptions, { frameOption: "DENY", override: true });
                assert.equal(headers.referrerPolicy.referrerPolicy, "strict-origin-when-cross-origin");
                assert.deepEqual(headers.xssProtection, { protection: true, modeBlock: true, override: true });
                assert.match(headers.contentSecurityPolicy.contentSecurityPolicy, /default-src 'self'.*frame-ancestors 'none'/);
                const { defaultCacheBehavior, orderedCacheBehaviors } = inputsOf(resources, DISTRIBUTION);
                assert.equal(defaultCacheBehavior.responseHeadersPolicyId, orderedCacheBehaviors[0].responseHeadersPolicyId);
            });

            it("logs viewer requests to the log bucket under the CloudFront prefix", async () => {
                const { resources } = await previewOf(stack);
                const source = single(resources, "aws:cloudwatch/logDeliverySource:LogDeliverySource");
                assert.equal(inputs(source).logType, "ACCESS_LOGS");
                assert.deepEqual(source.propertyDependencies.resourceArn, [urnOf(resources, DISTRIBUTION, "edge")]);
                const destination = inputsOf(resources, "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination");
                assert.match(destination.deliveryDestinationConfiguration.destinationResourceArn, new RegExp(`^arn:aws:s3:::.+/${CLOUDFRONT_LOG_PREFIX}$`));
                assert.equal(ofType(resources, "aws:cloudwatch/logDelivery:LogDelivery").length, 1);
            });

            it("grants log delivery in the log bucket's policy exactly as documented, to this account and this delivery source only", async () => {
                const { resources } = await previewOf(stack);
                const logBucket = single(resources, "aws:s3/bucket:Bucket", "storage-logs");
                const bucketArn = `arn:aws:s3:::${logBucket.inputs.bucket ?? ""}`;
                const policy = single(resources, "aws:s3/bucketPolicy:BucketPolicy", "storage-logs");
                const statements = policyOf(policy).Statement;
                const source = single(resources, "aws:cloudwatch/logDeliverySource:LogDeliverySource");
                const account = (source.inputs.resourceArn as string).split(":")[4];
                const sourceArn = `arn:aws:logs:us-east-1:${account}:delivery-source:${source.inputs.name}`;
                const write = statements.find((s) => s.Sid === "AWSLogDeliveryWrite")!;
                const aclCheck = statements.find((s) => s.Sid === "AWSLogDeliveryAclCheck")!;
                assert.deepEqual(write.Principal, { Service: "delivery.logs.amazonaws.com" });
                assert.equal(write.Action, "s3:PutObject");
                assert.match(write.Resource as string, new RegExp(`/${CLOUDFRONT_LOG_PREFIX}/\\*$`));
                assert.deepEqual(write.Condition, {
                    StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": account },
                    ArnLike: { "aws:SourceArn": sourceArn },
                });
                assert.deepEqual(aclCheck.Principal, { Service: "delivery.logs.amazonaws.com" });
                assert.equal(aclCheck.Action, "s3:GetBucketAcl");
                assert.ok(String(aclCheck.Resource).startsWith("arn:aws:s3:::") && !String(aclCheck.Resource).endsWith("/*"), bucketArn);
                assert.deepEqual(aclCheck.Condition, { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": sourceArn } });
            });

            it("creates the log delivery only once the log bucket's policy grants it, so AWS never rewrites that policy", async () => {
                const { resources } = await previewOf(stack);
                const delivery = single(resources, "aws:cloudwatch/logDelivery:LogDelivery");
                assert.ok(delivery.dependencies.includes(urnOf(resources, "aws:s3/bucketPolicy:BucketPolicy", "storage-logs")));
                const policy = single(resources, "aws:s3/bucketPolicy:BucketPolicy", "storage-logs");
                assert.ok(!dependencyClosure(resources, policy).has(urnOf(resources, DISTRIBUTION, "edge")), "the log bucket policy waits for nothing of the edge");
            });
        });
    }
});

/** Runs the deep-link function's code as CloudFront would: a script whose top-level `handler` takes the event. */
function viewerRequest(code: string, uri: string, querystring: Json = {}): Json {
    const context = vm.createContext({});
    vm.runInContext(code, context);
    const event = {
        version: "1.0",
        context: { distributionDomainName: "d111111abcdef8.cloudfront.net", distributionId: "EDFDVBD6EXAMPLE", eventType: "viewer-request", requestId: "r" },
        viewer: { ip: "198.51.100.11" },
        request: { method: "GET", uri, querystring, headers: { host: { value: "app.clinical.example.com" } }, cookies: {} },
    };
    return context.handler(event);
}

describe("the front end's deep links", () => {
    for (const stack of STACKS) {
        it(`in ${stack} get index.html from a viewer-request function on the front end's behaviour only, with no distribution-wide error pages`, async () => {
            const { resources } = await previewOf(stack);
            const distribution = single(resources, DISTRIBUTION);
            const { defaultCacheBehavior, orderedCacheBehaviors, customErrorResponses } = inputs(distribution);
            const fn = single(resources, "aws:cloudfront/function:Function");
            assert.deepEqual(defaultCacheBehavior.functionAssociations.map((a: Json) => a.eventType), ["viewer-request"]);
            assert.ok(distribution.propertyDependencies.defaultCacheBehavior.includes(fn.urn), "the default behaviour uses this function");
            assert.equal(orderedCacheBehaviors[0].pathPattern, API_PATH_PATTERN);
            assert.equal(orderedCacheBehaviors[0].functionAssociations, undefined, "nothing rewrites API requests");
            assert.ok(!distribution.propertyDependencies.orderedCacheBehaviors.includes(fn.urn));
            assert.ok(customErrorResponses === undefined || customErrorResponses.length === 0, "an API 403 or 404 stays what the API said");
            const { runtime, publish, code, name } = inputs(fn);
            assert.equal(runtime, "cloudfront-js-2.0");
            assert.equal(publish, true, "only a published (LIVE) function can be associated");
            assert.match(name, new RegExp(`^clinical-platform-${stack}-[A-Za-z0-9_-]+$`));
            assert.ok(name.length <= 64);
            assert.ok(Buffer.byteLength(code, "utf8") <= 10 * 1024, "CloudFront Functions are at most 10 KB");
        });
    }

    describe("function, run against viewer-request events", () => {
        let code: string;
        before(async () => {
            code = String(inputs(single((await previewOf("production")).resources, "aws:cloudfront/function:Function")).code);
        });

        it("serves /index.html for application routes, with or without a trailing slash, keeping the query string", () => {
            for (const uri of ["/", "/patients", "/patients/42", "/patients/42/notes/", "/settings/profile"]) {
                assert.equal(viewerRequest(code, uri).uri, "/index.html", uri);
            }
            const request = viewerRequest(code, "/patients/42", { tab: { value: "history" } });
            assert.deepEqual(request.querystring, { tab: { value: "history" } });
            assert.equal(request.method, "GET");
            assert.deepEqual(request.headers, { host: { value: "app.clinical.example.com" } });
        });

        it("leaves files alone, so a missing asset stays an error rather than HTML", () => {
            for (const uri of ["/index.html", "/assets/index-3f2a9c1b.js", "/assets/index-3f2a9c1b.css", "/favicon.ico", "/robots.txt", "/.well-known/security.txt"]) {
                assert.equal(viewerRequest(code, uri).uri, uri, uri);
            }
        });

        it("never rewrites the API's paths, should it ever see them", () => {
            for (const uri of ["/api", "/api/", "/api/patients/42", "/api/health"]) {
                assert.equal(viewerRequest(code, uri).uri, uri, uri);
            }
        });
    });
});

describe("the stack outputs the front-end workflow reads", () => {
    it("name the assets bucket, under the prefix the deploy role may write to, and the distribution", async () => {
        const config = readStackFile(specStackFile("production"), PROJECT);
        const { outputs } = await evaluate(runProgram, { project: PROJECT, stack: "production", config, region: config["aws:region"] });
        const { assetsBucketName, distributionId, buckets } = outputs as Json;
        assert.equal(assetsBucketName, buckets.assets);
        // bootstrap/deploy-policy.ts grants s3:PutObject on storage-assets-*/* only.
        assert.match(assetsBucketName, /^storage-assets-/);
        assert.equal(typeof distributionId, "string");
        assert.ok(distributionId.length > 0);
    });
});

describe("the edge firewall", () => {
    for (const stack of STACKS) {
        describe(`in ${stack}`, () => {
            it("is a CloudFront-scope web ACL created through a us-east-1 provider and attached to the distribution", async () => {
                const { resources } = await previewOf(stack);
                const acl = single(resources, WEB_ACL);
                assert.equal(inputs(acl).scope, "CLOUDFRONT");
                const provider = single(resources, "pulumi:providers:aws", "edge-us-east-1");
                assert.equal(inputs(provider).region, "us-east-1");
                assert.ok(acl.options.provider?.startsWith(`${provider.urn}::`));
                const distribution = single(resources, DISTRIBUTION);
                assert.deepEqual(distribution.propertyDependencies.webAclId, [acl.urn]);
                assert.match(inputs(distribution).webAclId, /^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\//);
            });

            it("runs the AWS managed rule groups and the profile's per-address rate limit", async () => {
                const { resources, config } = await previewOf(stack);
                const rules: Json[] = inputsOf(resources, WEB_ACL).rules;
                const groups = rules.filter((r) => r.statement.managedRuleGroupStatement).map((r) => r.statement.managedRuleGroupStatement);
                assert.deepEqual(groups.map((g) => g.name), MANAGED_RULE_GROUPS);
                assert.deepEqual(MANAGED_RULE_GROUPS, [
                    "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesSQLiRuleSet",
                ]);
                for (const group of groups) assert.equal(group.vendorName, "AWS");
                for (const rule of rules.filter((r) => r.statement.managedRuleGroupStatement)) assert.deepEqual(rule.overrideAction, { none: {} });
                const rate = rules.find((r) => r.statement.rateBasedStatement);
                assert.deepEqual(rate.statement.rateBasedStatement, { limit: config.edge.requestsPerIpPerFiveMinutes, aggregateKeyType: "IP", evaluationWindowSec: 300 });
                assert.deepEqual(rate.action, { block: {} });
                assert.equal(new Set(rules.map((r) => r.priority)).size, rules.length, "priorities are distinct");
            });

            it("logs to an encrypted aws-waf-logs- group in us-east-1, without credentials", async () => {
                const { resources, config } = await previewOf(stack);
                const group = single(resources, "aws:cloudwatch/logGroup:LogGroup", "edge-firewall-logs");
                assert.equal(inputs(group).name, `aws-waf-logs-clinical-platform-${stack}`);
                assert.equal(inputs(group).retentionInDays, config.logs.retentionDays);
                const provider = single(resources, "pulumi:providers:aws", "edge-us-east-1");
                assert.ok(group.options.provider?.startsWith(`${provider.urn}::`));
                const key = config.region === "us-east-1" ? "keys-logs" : "edge-firewall-logs";
                assert.deepEqual(group.propertyDependencies.kmsKeyId, [urnOf(resources, "aws:kms/key:Key", key)]);
                const logging = single(resources, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration");
                assert.deepEqual(logging.propertyDependencies.logDestinationConfigs, [group.urn]);
                assert.deepEqual(inputs(logging).redactedFields.map((f: Json) => f.singleHeader.name), ["authorization", "cookie"]);
            });
        });
    }

    it("gives a stack outside us-east-1 its own rotating key there for the firewall logs", async () => {
        const { resources, config } = await previewOf("dev");
        assert.notEqual(config.region, "us-east-1");
        const key = single(resources, "aws:kms/key:Key", "edge-firewall-logs");
        const provider = single(resources, "pulumi:providers:aws", "edge-us-east-1");
        assert.ok(key.options.provider?.startsWith(`${provider.urn}::`));
        assert.equal(inputs(key).enableKeyRotation, true);
        assert.match(JSON.stringify(policyOf(key)), /logs\.us-east-1\.amazonaws\.com/);
    });
});

describe("the first-deployment runbook", () => {
    const runbook = readFileSync(path.join(REPOSITORY_ROOT, "docs/runbooks/first-deployment.md"), "utf8");
    const lines = runbook.split("\n");
    const firstLine = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));

    it("expects 200 on / only after it has published a front end into the empty assets bucket", () => {
        const expects200 = lines.map((line, index) => (/HTTP\/2 200/.test(line) && /curl/.test(line) ? index : -1)).filter((index) => index >= 0);
        const publishes = firstLine(/aws s3 (cp|sync) .*s3:\/\/\$ASSETS/);
        assert.ok(publishes >= 0, "the runbook publishes the front end");
        assert.ok(expects200.length > 0);
        assert.ok(expects200.every((index) => index > publishes), "every 200 check follows the publication");
    });

    it("waits until ACM has filled in the validation record before reading it", () => {
        const reads = firstLine(/DomainValidationOptions\[0\]\.ResourceRecord/);
        const retries = lines.slice(Math.max(0, reads - 3), reads + 4).join("\n");
        assert.match(retries, /for attempt in/);
        assert.match(retries, /!= "null" \] && break/);
        assert.ok(firstLine(/route53 change-resource-record-sets --hosted-zone-id "\$ZONE_ID" --change-batch file:\/\/\/tmp\/validation/) > reads);
    });
});
