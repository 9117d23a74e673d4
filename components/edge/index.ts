/**
 * The public edge: one CloudFront distribution on the stack's domain. The front end comes from the
 * assets bucket through origin access control; `/api/*` goes to the internal load balancer through
 * a CloudFront VPC origin, HTTPS only. The load balancer admits only CloudFront's VPC-origin
 * interfaces. The front end's deep links get /index.html from a viewer-request function on the
 * front end's behaviour alone, so the API's own errors reach viewers unchanged. Viewers get TLS
 * 1.2+, HSTS and the other security headers; the WAF sits in front; access logs go to the log bucket.
 */
import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { createAppRoutesFunction } from "./app-routes";
import { EDGE_REGION, EdgeFirewall } from "./firewall";
import { createEdgePolicies } from "./policies";
import { PlatformContext } from "../context";

export { APP_ROUTES_RUNTIME, APP_ROUTES_SOURCE, FUNCTION_SIZE_LIMIT_BYTES } from "./app-routes";
export { EDGE_REGION, MANAGED_RULE_GROUPS, REDACTED_HEADERS } from "./firewall";
export { CONTENT_SECURITY_POLICY, HSTS_MAX_AGE_SECONDS } from "./policies";

/** The group CloudFront puts its VPC-origin interfaces in, created by CloudFront in the origin's VPC. */
export const VPC_ORIGIN_SECURITY_GROUP = "CloudFront-VPCOrigins-Service-SG";
export const MINIMUM_VIEWER_TLS = "TLSv1.2_2021";
export const API_PATH_PATTERN = "/api/*";
const ASSETS_ORIGIN = "assets";
const API_ORIGIN = "api";

/**
 * Name of the CloudWatch Logs delivery source of a stack's CloudFront access logs. The log bucket's
 * policy names it before it exists, so the policy need not wait for the edge (which itself waits for
 * the load balancer, which waits for that policy).
 */
export function accessLogSourceName(namePrefix: string): string {
    return `${namePrefix}-cloudfront`;
}

export interface EdgeArgs {
    /** Prefix of named edge resources, e.g. clinical-platform-production. */
    namePrefix: string;
    /** The stack's account; the us-east-1 provider refuses credentials for any other, as the default one does. */
    accountId: string;
    /** Public DNS name served. */
    domain: string;
    /** ACM certificate in us-east-1 covering the domain. */
    certificateArn: string;
    /** The stack's region. */
    region: string;
    /** The load balancer's VPC, where CloudFront places its VPC-origin interfaces. */
    vpcId: pulumi.Input<string>;
    /** The assets bucket, served as the default origin. */
    assets: { regionalDomainName: pulumi.Input<string> };
    /**
     * Bucket and prefix for CloudFront access logs, and the bucket policy granting delivery to the
     * source named by accessLogSourceName: the delivery waits for it, or AWS would append its own
     * statements to the policy (which the next update would remove).
     */
    accessLogs: { bucketArn: pulumi.Input<string>; prefix: string; bucketPolicy?: pulumi.Resource };
    /** The internal load balancer behind `/api/*`; its group gets the only ingress rules. */
    loadBalancer: { arn: pulumi.Input<string>; dnsName: pulumi.Input<string>; securityGroupId: pulumi.Input<string> };
    /**
     * The stack's shared inputs (components/context.ts);
     * its protection covers the key created for the firewall logs outside us-east-1.
     */
    context: PlatformContext;
    /** Requests one address may make in five minutes before the firewall blocks it. */
    requestsPerIpPerFiveMinutes: number;
}

/** What the distribution is put together from. */
interface DistributionParts {
    webAclArn: pulumi.Input<string>;
    policies: ReturnType<typeof createEdgePolicies>;
    appRoutes: ReturnType<typeof createAppRoutesFunction>;
    assetsAccess: aws.cloudfront.OriginAccessControl;
    apiOrigin: aws.cloudfront.VpcOrigin;
}

export class Edge extends pulumi.ComponentResource {
    readonly distributionArn: pulumi.Output<string>;
    /** The distribution's ID, which cache invalidations name. */
    readonly distributionId: pulumi.Output<string>;
    readonly distributionDomainName: pulumi.Output<string>;
    readonly webAclArn: pulumi.Output<string>;

    constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:edge:Edge", name, {}, opts);
        const parent = { parent: this };
        const edgeProvider = new aws.Provider(`${name}-${EDGE_REGION}`, { region: EDGE_REGION, allowedAccountIds: [args.accountId] }, parent);

        const firewall = new EdgeFirewall(`${name}-firewall`, {
            namePrefix: args.namePrefix,
            requestsPerIpPerFiveMinutes: args.requestsPerIpPerFiveMinutes,
            provider: edgeProvider,
            // The stack's logs key is reused for the firewall log group when the stack is in us-east-1.
            context: { ...args.context, logs: args.region === EDGE_REGION ? args.context.logs : { retentionDays: args.context.logs.retentionDays } },
        }, parent);
        const policies = createEdgePolicies(this, name, args.namePrefix);
        const appRoutes = createAppRoutesFunction(this, name, args.namePrefix);
        const origins = this.defineOrigins(name, args);
        const distribution = this.defineDistribution(name, args, { webAclArn: firewall.webAclArn, policies, appRoutes, ...origins });
        this.deliverAccessLogs(name, args, distribution, edgeProvider);

        this.distributionArn = distribution.arn;
        this.distributionId = distribution.id;
        this.distributionDomainName = distribution.domainName;
        this.webAclArn = firewall.webAclArn;
        this.registerOutputs({
            distributionArn: this.distributionArn,
            distributionId: this.distributionId,
            distributionDomainName: this.distributionDomainName,
            webAclArn: this.webAclArn,
        });
    }

    /** The assets bucket's origin access control and the load balancer's VPC origin, which the load balancer then admits. */
    private defineOrigins(name: string, args: EdgeArgs): { assetsAccess: aws.cloudfront.OriginAccessControl; apiOrigin: aws.cloudfront.VpcOrigin } {
        const parent = { parent: this };
        const assetsAccess = new aws.cloudfront.OriginAccessControl(`${name}-assets`, {
            name: `${args.namePrefix}-assets`,
            description: "CloudFront signs every request to the assets bucket",
            originAccessControlOriginType: "s3",
            signingBehavior: "always",
            signingProtocol: "sigv4",
        }, parent);
        const apiOrigin = new aws.cloudfront.VpcOrigin(`${name}-api`, {
            vpcOriginEndpointConfig: {
                name: `${args.namePrefix}-api`,
                arn: args.loadBalancer.arn,
                httpPort: 80,
                httpsPort: 443,
                originProtocolPolicy: "https-only",
                originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
            },
        }, parent);
        this.admitVpcOrigin(name, args, apiOrigin);
        return { assetsAccess, apiOrigin };
    }

    /** The distribution: the front end by default, `/api/*` to the load balancer, behind the WAF. */
    private defineDistribution(name: string, args: EdgeArgs, parts: DistributionParts): aws.cloudfront.Distribution {
        const { webAclArn, policies, appRoutes, assetsAccess, apiOrigin } = parts;
        return new aws.cloudfront.Distribution(name, {
            enabled: true,
            comment: `${args.namePrefix}: front end and API`,
            aliases: [args.domain],
            httpVersion: "http2and3",
            isIpv6Enabled: true,
            priceClass: "PriceClass_100",
            defaultRootObject: "index.html",
            webAclId: webAclArn,
            viewerCertificate: { acmCertificateArn: args.certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: MINIMUM_VIEWER_TLS },
            restrictions: { geoRestriction: { restrictionType: "none" } },
            origins: [
                { originId: ASSETS_ORIGIN, domainName: args.assets.regionalDomainName, originAccessControlId: assetsAccess.id },
                {
                    originId: API_ORIGIN,
                    domainName: args.loadBalancer.dnsName,
                    vpcOriginConfig: { vpcOriginId: apiOrigin.id, originKeepaliveTimeout: 5, originReadTimeout: 30 },
                },
            ],
            defaultCacheBehavior: {
                targetOriginId: ASSETS_ORIGIN,
                viewerProtocolPolicy: "redirect-to-https",
                allowedMethods: ["GET", "HEAD", "OPTIONS"],
                cachedMethods: ["GET", "HEAD"],
                compress: true,
                cachePolicyId: policies.assetsCache,
                responseHeadersPolicyId: policies.securityHeaders,
                // Only here: /api/* is its own behaviour, so API responses are never rewritten.
                functionAssociations: [{ eventType: "viewer-request", functionArn: appRoutes.arn }],
            },
            orderedCacheBehaviors: [{
                pathPattern: API_PATH_PATTERN,
                targetOriginId: API_ORIGIN,
                viewerProtocolPolicy: "redirect-to-https",
                allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
                cachedMethods: ["GET", "HEAD"],
                compress: true,
                cachePolicyId: policies.apiNoCache,
                originRequestPolicyId: policies.apiOriginRequest,
                responseHeadersPolicyId: policies.securityHeaders,
            }],
        }, { parent: this });
    }

    /** Standard logging v2: CloudWatch Logs delivers the access logs from us-east-1 into the log bucket. */
    private deliverAccessLogs(name: string, args: EdgeArgs, distribution: aws.cloudfront.Distribution, edgeProvider: aws.Provider): void {
        const inEdgeRegion = { parent: this, provider: edgeProvider };
        const source = new aws.cloudwatch.LogDeliverySource(`${name}-access-logs`, {
            name: accessLogSourceName(args.namePrefix),
            logType: "ACCESS_LOGS",
            resourceArn: distribution.arn,
        }, inEdgeRegion);
        const destination = new aws.cloudwatch.LogDeliveryDestination(`${name}-access-logs`, {
            name: `${args.namePrefix}-cloudfront-s3`,
            outputFormat: "json",
            deliveryDestinationConfiguration: { destinationResourceArn: pulumi.interpolate`${args.accessLogs.bucketArn}/${args.accessLogs.prefix}` },
        }, inEdgeRegion);
        new aws.cloudwatch.LogDelivery(`${name}-access-logs`, {
            deliverySourceName: source.name,
            deliveryDestinationArn: destination.arn,
        }, { ...inEdgeRegion, dependsOn: args.accessLogs.bucketPolicy ? [args.accessLogs.bucketPolicy] : [] });
    }

    /**
     * CloudFront creates its VPC-origin group when the first VPC origin lands in the VPC, so the
     * group is looked up after the origin exists; the load balancer then admits that group alone.
     */
    private admitVpcOrigin(name: string, args: EdgeArgs, apiOrigin: aws.cloudfront.VpcOrigin): void {
        const parent = { parent: this };
        const lookup = aws.ec2.getSecurityGroupsOutput({
            filters: [
                { name: "group-name", values: [VPC_ORIGIN_SECURITY_GROUP] },
                { name: "vpc-id", values: [args.vpcId] },
            ],
        }, { parent: this, dependsOn: [apiOrigin] });
        const originGroupId = pulumi.all([lookup.ids, args.vpcId]).apply(([ids, vpcId]) => {
            if (ids.length === 0) {
                throw new Error(`CloudFront has not created ${VPC_ORIGIN_SECURITY_GROUP} in ${vpcId} yet; run the update again once the VPC origin is deployed`);
            }
            return ids[0];
        });
        for (const [port, purpose] of [[443, "HTTPS"], [80, "HTTP (redirected to HTTPS)"]] as const) {
            new aws.vpc.SecurityGroupIngressRule(`${name}-vpc-origin-${port}`, {
                securityGroupId: args.loadBalancer.securityGroupId,
                referencedSecurityGroupId: originGroupId,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
                description: `${purpose} from CloudFront VPC-origin interfaces`,
            }, parent);
        }
    }
}
