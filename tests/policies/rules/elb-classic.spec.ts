import { ELB_CLASSIC } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/elb-classic";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { type TestResource, UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const ACM = "arn:aws:acm:eu-west-1:123456789012:certificate/0f3c";
const https = { lbPort: 443, lbProtocol: "HTTPS", instancePort: 8443, instanceProtocol: "HTTPS", sslCertificateId: ACM };

/** A compliant Classic Load Balancer: TLS on both legs, an ACM certificate, access logs, two subnets. */
const balancer = (inputs: Record<string, unknown> = {}) =>
    resource(ELB_CLASSIC.loadBalancer, "legacy-clb", {
        name: "legacy-clb",
        listeners: [https],
        subnets: [UNKNOWN, UNKNOWN],
        accessLogs: { bucket: UNKNOWN, interval: 60 },
        ...inputs,
    });
const clb = balancer();

const predefined = (value: string) => [{ name: "Reference-Security-Policy", value }];
const sslPolicy = (target: TestResource, value = "ELBSecurityPolicy-TLS-1-2-2017-01") =>
    resource(ELB_CLASSIC.loadBalancerPolicy, "tls12", { loadBalancerName: UNKNOWN, policyName: "tls12", policyTypeName: "SSLNegotiationPolicyType", policyAttributes: predefined(value) }, {
        loadBalancerName: target,
    });
const listenerPolicy = (target: TestResource, policy: TestResource, port = 443) =>
    resource(ELB_CLASSIC.listenerPolicy, "legacy-443", { loadBalancerName: UNKNOWN, loadBalancerPort: port, policyNames: [UNKNOWN] }, { loadBalancerName: target, policyNames: policy });
const negotiation = (target: TestResource, attributes: unknown[]) =>
    resource(ELB_CLASSIC.sslNegotiationPolicy, "legacy-ssl", { name: "legacy-ssl", loadBalancer: UNKNOWN, lbPort: 443, attributes }, { loadBalancer: target });

describe("Classic Load Balancer policies", () => {
    describeResourcePolicy(rules.elbClassicTlsListenersOnly, {
        accepts: {
            "an HTTPS listener forwarding over HTTPS": clb,
            "an SSL listener forwarding over SSL": balancer({ listeners: [{ lbPort: 636, lbProtocol: "SSL", instancePort: 636, instanceProtocol: "SSL", sslCertificateId: ACM }] }),
        },
        rejects: {
            "a plain HTTP listener": [balancer({ listeners: [https, { lbPort: 80, lbProtocol: "HTTP", instancePort: 8080, instanceProtocol: "HTTP" }] }), /port 80 accepts HTTP/],
            "an HTTPS listener forwarding in clear text": [balancer({ listeners: [{ ...https, instanceProtocol: "HTTP" }] }), /forwards to instances over HTTP/],
            "listeners unknown in preview": [balancer({ listeners: UNKNOWN }), /listeners is unknown/],
        },
    });

    describeResourcePolicy(rules.elbClassicAcmCertificate, {
        accepts: {
            "an ACM certificate": clb,
            "a certificate created in the same update (unknown in preview)": balancer({ listeners: [{ ...https, sslCertificateId: UNKNOWN }] }),
        },
        rejects: {
            "an IAM server certificate": [balancer({ listeners: [{ ...https, sslCertificateId: "arn:aws:iam::123456789012:server-certificate/legacy" }] }), /not an ACM certificate/],
            "a TLS listener without a certificate": [balancer({ listeners: [{ ...https, sslCertificateId: undefined }] }), /has no sslCertificateId/],
        },
    });

    describeStackPolicy(rules.elbClassicPredefinedSslPolicy, {
        accepts: {
            "a listener policy naming the predefined TLS 1.2 policy": [clb, sslPolicy(clb), listenerPolicy(clb, sslPolicy(clb))],
            "an SSL negotiation policy referencing the predefined TLS 1.2 policy": [clb, negotiation(clb, predefined("ELBSecurityPolicy-TLS-1-2-2017-01"))],
            "a TCP-only load balancer": [balancer({ listeners: [{ lbPort: 5000, lbProtocol: "TCP", instancePort: 5000, instanceProtocol: "TCP" }] })],
        },
        notApplicable: {
            "a stack without Classic Load Balancers": [sslPolicy(clb)],
        },
        rejects: {
            "a TLS listener left on AWS's default policy": { resources: [clb], offenders: ["legacy-clb"], message: /port 443 has no SSL negotiation policy/ },
            "a listener policy naming an older predefined policy": {
                resources: [clb, sslPolicy(clb, "ELBSecurityPolicy-2016-08"), listenerPolicy(clb, sslPolicy(clb, "ELBSecurityPolicy-2016-08"))],
                offenders: ["legacy-clb"],
                message: /negotiates with ELBSecurityPolicy-2016-08/,
            },
            "a custom negotiation policy": {
                resources: [clb, negotiation(clb, [{ name: "Protocol-TLSv1.2", value: "true" }])],
                offenders: ["legacy-clb"],
                message: /negotiates with a custom policy/,
            },
            "a policy attached to another port": {
                resources: [clb, sslPolicy(clb), listenerPolicy(clb, sslPolicy(clb), 8443)],
                offenders: ["legacy-clb"],
                message: /port 443 has no SSL negotiation policy/,
            },
        },
    });

    describeResourcePolicy(rules.elbClassicAccessLogs, {
        accepts: { "access logs to the log bucket": clb },
        rejects: {
            "no access logs": [balancer({ accessLogs: undefined }), /accessLogs.bucket is not set/],
            "access logs turned off": [balancer({ accessLogs: { bucket: "logs", enabled: false } }), /accessLogs.enabled is not left on/],
        },
    });

    describeResourcePolicy(rules.elbClassicCrossZone, {
        accepts: {
            "a TCP-only load balancer": balancer({ listeners: [{ lbPort: 5000, lbProtocol: "TCP", instancePort: 5000, instanceProtocol: "TCP" }] }),
            "two subnets with the default cross-zone balancing": clb,
            "two zones with cross-zone balancing set": balancer({ subnets: undefined, availabilityZones: ["eu-west-1a", "eu-west-1b"], crossZoneLoadBalancing: true }),
        },
        rejects: {
            "cross-zone balancing off": [balancer({ crossZoneLoadBalancing: false }), /crossZoneLoadBalancing is not left on/],
            "a single subnet": [balancer({ subnets: [UNKNOWN] }), /fewer than two subnets/],
            "no placement at all": [balancer({ subnets: undefined }), /fewer than two subnets/],
        },
    });
});
