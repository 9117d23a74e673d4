import { CLOUDFRONT, COVERAGE, EC2, LB, WAF } from "../../../policies/lib/types";
import * as alb from "../../../policies/rules/alb";
import * as waf from "../../../policies/rules/waf";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const [LB_TOKEN, ALB_TOKEN] = LB.loadBalancer;
const [LB_LISTENER, ALB_LISTENER] = LB.listener;
const compliantBalancer = {
    loadBalancerType: "application",
    internal: false,
    dropInvalidHeaderFields: true,
    enableDeletionProtection: true,
    accessLogs: { bucket: UNKNOWN, enabled: true, prefix: "alb" },
};
const balancer = (overrides: Record<string, unknown> = {}, token: string = LB_TOKEN) =>
    resource(token, "alb", { ...compliantBalancer, ...overrides });
const https = (overrides: Record<string, unknown> = {}, token: string = LB_LISTENER) =>
    resource(token, "https", {
        loadBalancerArn: UNKNOWN,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        certificateArn: UNKNOWN,
        defaultActions: [{ type: "forward", forward: { targetGroups: [{ arn: UNKNOWN, weight: 100 }, { arn: UNKNOWN, weight: 0 }] } }],
        ...overrides,
    });
const redirect = { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } };

describe("Load balancer policies", () => {
    describeResourcePolicy(alb.albHttpRedirectsToHttps, {
        accepts: {
            "an HTTP listener that only redirects (aws:alb token)": https({ port: 80, protocol: "HTTP", defaultActions: [redirect] }, ALB_LISTENER),
        },
        notApplicable: {
            "an HTTPS listener forwarding to blue and green": https(),
        },
        rejects: {
            "an HTTP listener forwarding traffic": [https({ port: 80, protocol: "HTTP", sslPolicy: undefined }), /serves traffic instead of redirecting/],
            "a listener with no protocol, which defaults to HTTP": [https({ protocol: undefined, port: 80 }), /serves traffic/],
        },
    });

    describeResourcePolicy(alb.albListenerModernTlsPolicy, {
        accepts: {
            "a TLS 1.3 policy": https(),
            "the TLS 1.3-only policy on the aws:alb token": https({ sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" }, ALB_LISTENER),
        },
        rejects: {
            "the 2016 default": [https({ sslPolicy: undefined }), /falls back to ELBSecurityPolicy-2016-08/],
            "a policy unknown in preview": [https({ sslPolicy: UNKNOWN }), /sslPolicy is unknown until the update runs/],
            "a forward-secrecy policy that production no longer allows": [
                { subject: https({ sslPolicy: "ELBSecurityPolicy-FS-1-2-Res-2020-10" }), config: { allowedSslPolicies: ["ELBSecurityPolicy-TLS13-1-2-2021-06"] } },
                /is not one of the allowed policies/,
            ],
        },
    });

    describeResourcePolicy(alb.albListenerAcmCertificate, {
        accepts: {
            "an HTTPS listener with an ACM certificate": https({ certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc" }),
            "an extra ACM certificate on the listener": resource(LB.listenerCertificate[1], "extra", { listenerArn: UNKNOWN, certificateArn: UNKNOWN }),
        },
        rejects: {
            "an HTTPS listener without a certificate": [https({ certificateArn: undefined }), /has no certificateArn/],
            "an IAM server certificate": [
                https({ certificateArn: "arn:aws:iam::123456789012:server-certificate/legacy" }),
                /not an ACM certificate/,
            ],
        },
    });

    describeResourcePolicy(alb.albDropInvalidHeaderFields, {
        accepts: {
            "an ALB dropping invalid headers": balancer(),
            "a network load balancer": balancer({ loadBalancerType: "network", dropInvalidHeaderFields: undefined }),
        },
        rejects: {
            "an ALB whose header setting is unknown in preview": [balancer({ dropInvalidHeaderFields: UNKNOWN }), /request smuggling/],
            "an ALB passing invalid headers (aws:alb token)": [balancer({ dropInvalidHeaderFields: false }, ALB_TOKEN), /request smuggling/] },
    });

    describeResourcePolicy(alb.albDesyncMitigation, {
        accepts: { "the defensive default": balancer(), "strictest mode": balancer({ desyncMitigationMode: "strictest" }) },
        rejects: { "monitor mode": [balancer({ desyncMitigationMode: "monitor" }), /forwarded instead of blocked/] },
    });

    describeResourcePolicy(alb.albAccessLogsEnabled, {
        accepts: { "access logs to the log bucket": balancer() },
        rejects: {
            "no access logs": [balancer({ accessLogs: undefined }), /Access logging is off/],
            "a log bucket that is configured but not enabled": [balancer({ accessLogs: { bucket: UNKNOWN } }), /Access logging is off/],
            "logging whose enabled flag is unknown in preview": [balancer({ accessLogs: { bucket: UNKNOWN, enabled: UNKNOWN } }), /Access logging is off/],
        },
    });

    describeResourcePolicy(alb.albDeletionProtection, {
        accepts: { "a protected load balancer": balancer() },
        rejects: {
            "a load balancer whose protection is unknown in preview": [balancer({ enableDeletionProtection: UNKNOWN }), /enableDeletionProtection is not true/],
            "an unprotected load balancer": [balancer({ enableDeletionProtection: false }), /enableDeletionProtection is not true/] },
    });

    const targetGroup = (inputs: Record<string, unknown>, token: string = LB.targetGroup[0]) =>
        resource(token, "blue", { port: 8080, protocol: "HTTP", targetType: "ip", vpcId: UNKNOWN, ...inputs });
    describeResourcePolicy(alb.albTargetGroupHealthCheck, {
        accepts: {
            "a target group probing the readiness endpoint": targetGroup({ healthCheck: { enabled: true, path: "/health/readiness" } }),
        },
        notApplicable: {
            "a TCP target group, which has no HTTP path to probe": targetGroup({ protocol: "TCP" }),
        },
        rejects: {
            "a target group probing /": [targetGroup({}, LB.targetGroup[1]), /probes "\/" instead of the readiness endpoint/],
            "a disabled health check": [targetGroup({ healthCheck: { enabled: false } }), /health check is disabled/],
            "a health check whose path is an empty string": [targetGroup({ healthCheck: { enabled: true, path: "" } }), /has no path/],
            "a health check unknown in preview": [targetGroup({ healthCheck: UNKNOWN }), /has no path/],
        },
    });

    const lb = balancer();
    /** An internal ALB, its group admitting the CloudFront VPC-origin group, and a distribution with a web ACL in front. */
    const behindCloudFront = (distributionInputs: Record<string, unknown> = {}, extraIngress: Record<string, unknown>[] = []) => {
        const group = resource(EC2.securityGroup, "alb-group", { description: "ALB" });
        const internalLb = resource(LB_TOKEN, "alb", { ...compliantBalancer, internal: true, securityGroups: [UNKNOWN] }, { securityGroups: group });
        const origin = resource(COVERAGE.cloudfrontVpcOrigin, "api-origin", { vpcOriginEndpointConfig: { arn: UNKNOWN, name: "api" } }, { vpcOriginEndpointConfig: internalLb });
        const distribution = resource(CLOUDFRONT.distribution, "cdn", {
            webAclId: UNKNOWN,
            origins: [{ originId: "api", domainName: UNKNOWN, vpcOriginConfig: { vpcOriginId: UNKNOWN } }],
            ...distributionInputs,
        }, { origins: origin });
        const ingress = [{ referencedSecurityGroupId: "sg-0cloudfrontvpcorigin" }, ...extraIngress].map((inputs, i) =>
            resource(EC2.ingressRule, `alb-in-${i}`, { securityGroupId: UNKNOWN, ipProtocol: "tcp", fromPort: 443, toPort: 443, ...inputs }, { securityGroupId: group }));
        return [group, internalLb, origin, distribution, ...ingress];
    };
    describeStackPolicy(alb.albWafAssociated, {
        accepts: {
            "an internet-facing ALB with a web ACL association": [
                lb,
                resource(WAF.association, "alb-waf", { resourceArn: UNKNOWN, webAclArn: UNKNOWN }, { resourceArn: lb }),
            ],
            "an internal ALB reachable only through the VPC origin of a distribution with a web ACL": behindCloudFront(),
        },
        rejects: {
            "an internet-facing ALB without WAF": { resources: [lb], offenders: ["alb"], message: /no WAF web ACL association/ },
            "an internal ALB with no way in but its VPC (ALB_WAF_ENABLED flags every ALB)": {
                resources: [balancer({ internal: true })],
                offenders: ["alb"],
                message: /internal load balancer has no WAF web ACL association/,
            },
            "an internal ALB behind a VPC origin of a distribution without a web ACL": {
                resources: behindCloudFront({ webAclId: undefined }),
                offenders: ["alb"],
                message: /not reachable only through a CloudFront VPC origin/,
            },
            "an internal ALB behind a protected VPC origin whose group also admits a CIDR": {
                resources: behindCloudFront({}, [{ cidrIpv4: "10.0.0.0/8" }]),
                offenders: ["alb"],
                message: /not reachable only through a CloudFront VPC origin/,
            },
            "an internet-facing ALB on the aws:alb token without WAF": {
                resources: [balancer({}, ALB_TOKEN)],
                offenders: ["alb"],
                message: /no WAF web ACL association/,
            },
            "an ALB whose scheme is unknown in preview, without WAF": {
                resources: [balancer({ internal: UNKNOWN })],
                offenders: ["alb"],
                message: /internal is unknown in preview/,
            },
        },
    });
});

describe("WAF policies", () => {
    const managed = (name: string, priority: number, overrideAction: Record<string, unknown> = { none: {} }) => ({
        name,
        priority,
        overrideAction,
        statement: { managedRuleGroupStatement: { name, vendorName: "AWS" } },
        visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
    });
    const webAcl = (inputs: Record<string, unknown>) =>
        resource(WAF.webAcl, "edge-acl", {
            scope: "CLOUDFRONT",
            defaultAction: { allow: {} },
            visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "edge", sampledRequestsEnabled: true },
            ...inputs,
        });
    const baseline = [managed("AWSManagedRulesCommonRuleSet", 1), managed("AWSManagedRulesKnownBadInputsRuleSet", 2)];

    describeResourcePolicy(waf.wafWebAclManagedRules, {
        accepts: {
            "an ACL blocking with the baseline rule groups": webAcl({ rules: baseline }),
            "an ACL whose rules are raw JSON": webAcl({
                ruleJson: JSON.stringify([
                    { Name: "common", Statement: { ManagedRuleGroupStatement: { Name: "AWSManagedRulesCommonRuleSet", VendorName: "AWS" } } },
                    { Name: "bad", Statement: { ManagedRuleGroupStatement: { Name: "AWSManagedRulesKnownBadInputsRuleSet", VendorName: "AWS" } } },
                ]),
            }),
        },
        rejects: {
            "an ACL without managed rules": [webAcl({ rules: [] }), /does not block with AWSManagedRulesCommonRuleSet/],
            "an ACL running the common rule set in count mode": [
                webAcl({ rules: [managed("AWSManagedRulesCommonRuleSet", 1, { count: {} }), baseline[1]] }),
                /does not block with AWSManagedRulesCommonRuleSet\./,
            ],
        },
    });

    describeResourcePolicy(waf.wafWebAclMetrics, {
        accepts: { "an ACL with metrics and samples": webAcl({ rules: baseline }) },
        rejects: {
            "an ACL without sampled requests": [
                webAcl({ visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "edge", sampledRequestsEnabled: false } }),
                /sampledRequestsEnabled is false/,
            ],
        },
    });

    const acl = webAcl({ rules: baseline });
    describeStackPolicy(waf.wafWebAclLogging, {
        accepts: {
            "an ACL with a logging configuration": [
                acl,
                resource(WAF.logging, "edge-acl-logging", { resourceArn: UNKNOWN, logDestinationConfigs: [UNKNOWN] }, { resourceArn: acl }),
            ],
        },
        rejects: { "an ACL without logging": { resources: [acl], offenders: ["edge-acl"], message: /no logging configuration/ } },
    });
});
