/**
 * Classic Load Balancers (`aws.elb.LoadBalancer`): TLS on both legs of every listener, ACM
 * certificates, a predefined TLS 1.2 negotiation policy, access logs, and cross-zone balancing.
 * Application and network load balancers are judged in alb.ts.
 */
import { type ClinicalPolicy, resourceRule, stackRule } from "../lib/policy";
import { type StackResource, type StackView, refersTo } from "../lib/stack";
import { ELB_CLASSIC } from "../lib/types";
import { type Maybe, elements, isKnown, isUnknown, knownStrings, present, presentOrPending } from "../lib/values";

interface Listener {
    lbPort?: Maybe<number>;
    lbProtocol?: Maybe<string>;
    instancePort?: Maybe<number>;
    instanceProtocol?: Maybe<string>;
    sslCertificateId?: Maybe<string>;
}

/** Inputs of `aws.elb.LoadBalancer` the rules read. */
export interface ClassicLoadBalancerInputs {
    name?: Maybe<string>;
    listeners?: Maybe<Maybe<Listener>[]>;
    crossZoneLoadBalancing?: Maybe<boolean>;
    subnets?: Maybe<Maybe<string>[]>;
    availabilityZones?: Maybe<Maybe<string>[]>;
    accessLogs?: Maybe<{ bucket?: Maybe<string>; enabled?: Maybe<boolean> }>;
}

interface PolicyAttribute {
    name?: Maybe<string>;
    value?: Maybe<string>;
}

/** Inputs of `aws.elb.LoadBalancerPolicy` the rules read. */
export interface LoadBalancerPolicyInputs {
    loadBalancerName?: Maybe<string>;
    policyName?: Maybe<string>;
    policyTypeName?: Maybe<string>;
    policyAttributes?: Maybe<Maybe<PolicyAttribute>[]>;
}

/** Inputs of `aws.elb.ListenerPolicy` the rules read. */
export interface ListenerPolicyInputs {
    loadBalancerName?: Maybe<string>;
    loadBalancerPort?: Maybe<number>;
    policyNames?: Maybe<Maybe<string>[]>;
}

/** Inputs of `aws.elb.SslNegotiationPolicy` the rules read. */
export interface SslNegotiationPolicyInputs {
    loadBalancer?: Maybe<string>;
    lbPort?: Maybe<number>;
    attributes?: Maybe<Maybe<PolicyAttribute>[]>;
}

const TLS_PROTOCOLS: ReadonlySet<string> = new Set(["https", "ssl"]);
const TLS_HIPAA = ["164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"];
/** An ACM certificate ARN in any partition (an IAM server certificate is arn:…:iam::…:server-certificate/…). */
const ACM_ARN = /^arn:aws[a-z-]*:acm:/;
/**
 * The attribute through which a Classic Load Balancer policy of type "SSLNegotiationPolicyType"
 * adopts a predefined security policy (the example in @pulumi/aws 7.48.0 elb/loadBalancerPolicy.d.ts,
 * checked 2026-12-01; elb.SslNegotiationPolicy sends its attributes to the same API).
 */
const REFERENCE_POLICY = "Reference-Security-Policy";
const LOAD_BALANCER_IDENTIFIERS = ["name", "id"];

function isTls(protocol: Maybe<string>): boolean {
    return isKnown(protocol) && TLS_PROTOCOLS.has(protocol.toLowerCase());
}

function listenersOf(inputs: ClassicLoadBalancerInputs): { known: Listener[]; hasUnknown: boolean } {
    return elements(inputs.listeners);
}

const port = (listener: Listener) => (isKnown(listener.lbPort) ? `port ${listener.lbPort}` : "a port unknown until the update runs");

export const elbClassicTlsListenersOnly = resourceRule<ClassicLoadBalancerInputs>({
    name: "elb-classic-tls-listeners-only",
    description: "Classic Load Balancers listen only with HTTPS or SSL and forward to instances over HTTPS or SSL.",
    severity: "high",
    category: "encryption",
    hipaa: TLS_HIPAA,
    soc2: ["CC6.7"],
    remediation: 'Set every listener\'s lbProtocol to "HTTPS" or "SSL" and its instanceProtocol to the same; better, move to an Application Load Balancer.',
    resourceTypes: [ELB_CLASSIC.loadBalancer],
    anchors: { awsConfig: ["ELB_TLS_HTTPS_LISTENERS_ONLY"], cdkNag: ["ELBTlsHttpsListenersOnly"] },
    *check(balancer) {
        const listeners = listenersOf(balancer);
        if (listeners.hasUnknown) {
            yield "listeners is unknown until the update runs, so its protocols cannot be shown to be encrypted.";
        }
        for (const listener of listeners.known) {
            if (!isTls(listener.lbProtocol)) {
                yield `The listener on ${port(listener)} accepts ${isKnown(listener.lbProtocol) ? listener.lbProtocol : "an unknown protocol"}; only HTTPS or SSL keeps client traffic encrypted.`;
            } else if (!isTls(listener.instanceProtocol)) {
                yield `The listener on ${port(listener)} forwards to instances over ${isKnown(listener.instanceProtocol) ? listener.instanceProtocol : "an unknown protocol"}, so traffic is decrypted on the way to them.`;
            }
        }
    },
});

export const elbClassicAcmCertificate = resourceRule<ClassicLoadBalancerInputs>({
    name: "elb-classic-acm-certificate",
    description: "Classic Load Balancer TLS listeners use certificates that ACM issues and renews.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(e)(1)", "164.312(e)(2)(i)"],
    soc2: ["CC6.7"],
    remediation: "Set sslCertificateId on every HTTPS/SSL listener to the ARN of an ACM certificate.",
    resourceTypes: [ELB_CLASSIC.loadBalancer],
    anchors: { awsConfig: ["ELB_ACM_CERTIFICATE_REQUIRED"], cdkNag: ["ELBACMCertificateRequired"] },
    *check(balancer) {
        for (const listener of listenersOf(balancer).known.filter((candidate) => isTls(candidate.lbProtocol))) {
            const certificate = listener.sslCertificateId;
            // An ARN of a certificate created in the same update is unknown in preview and judged again once known.
            if (!presentOrPending(certificate)) {
                yield `The ${String(listener.lbProtocol)} listener on ${port(listener)} has no sslCertificateId.`;
            } else if (isKnown(certificate) && !ACM_ARN.test(certificate)) {
                yield `The listener on ${port(listener)} uses ${certificate}, which is not an ACM certificate, so nothing renews it before it expires.`;
            }
        }
    },
});

export const elbClassicAccessLogs = resourceRule<ClassicLoadBalancerInputs>({
    name: "elb-classic-access-logs",
    description: "Classic Load Balancers record access logs.",
    severity: "high",
    category: "logging",
    hipaa: ["164.308(a)(3)(ii)(A)", "164.312(b)"],
    soc2: ["CC7.2", "CC7.3"],
    remediation: "Set accessLogs.bucket to the platform's log bucket (and leave accessLogs.enabled true).",
    resourceTypes: [ELB_CLASSIC.loadBalancer],
    anchors: { awsConfig: ["ELB_LOGGING_ENABLED"], cdkNag: ["ELBLoggingEnabled"] },
    *check(balancer) {
        const logs = isKnown(balancer.accessLogs) ? balancer.accessLogs : undefined;
        // accessLogs.enabled defaults to true for Classic Load Balancers (@pulumi/aws 7.48.0, checked 2026-12-01).
        if (logs === undefined || !presentOrPending(logs.bucket)) {
            yield "accessLogs.bucket is not set, so requests through the load balancer leave no record.";
        } else if (logs.enabled === false || isUnknown(logs.enabled)) {
            yield "accessLogs.enabled is not left on, so requests through the load balancer leave no record.";
        }
    },
});

export const elbClassicCrossZone = resourceRule<ClassicLoadBalancerInputs>({
    name: "elb-classic-cross-zone",
    description: "Classic Load Balancers span at least two Availability Zones and balance across them.",
    severity: "medium",
    category: "availability",
    hipaa: ["164.308(a)(7)(i)", "164.308(a)(7)(ii)(C)"],
    soc2: ["A1.2"],
    remediation: "Leave crossZoneLoadBalancing unset or true, and give the load balancer subnets in at least two Availability Zones.",
    resourceTypes: [ELB_CLASSIC.loadBalancer],
    anchors: { awsConfig: ["ELB_CROSS_ZONE_LOAD_BALANCING_ENABLED"], cdkNag: ["ELBCrossZoneLoadBalancingEnabled"] },
    *check(balancer) {
        // crossZoneLoadBalancing defaults to true (@pulumi/aws 7.48.0 elb/loadBalancer.d.ts, checked 2026-12-01).
        if (balancer.crossZoneLoadBalancing === false || isUnknown(balancer.crossZoneLoadBalancing)) {
            yield "crossZoneLoadBalancing is not left on, so a zone with fewer instances is overloaded.";
        }
        // Subnet ids of the same stack are unknown in preview; each still counts as one placement.
        const placements = [balancer.subnets, balancer.availabilityZones].find((list) => present(list) || isUnknown(list));
        if (placements === undefined || (Array.isArray(placements) && placements.length < 2)) {
            yield "The load balancer is placed in fewer than two subnets or Availability Zones, so one zone's outage takes it down.";
        }
    },
});

/** The predefined security policy a set of policy attributes references, if any. */
function referencedPolicy(attributes: Maybe<Maybe<PolicyAttribute>[]>): string | undefined {
    const reference = elements(attributes).known.find((attribute) => attribute.name === REFERENCE_POLICY);
    return reference !== undefined && isKnown(reference.value) ? reference.value : undefined;
}

/** The predefined policies a listener of `balancer` on `lbPort` negotiates with, through either resource shape. */
function negotiationPolicies(stack: StackView, balancer: StackResource, lbPort: number): string[] {
    const direct = stack
        .ofType(ELB_CLASSIC.sslNegotiationPolicy)
        .filter((policy) => policy.props<SslNegotiationPolicyInputs>().lbPort === lbPort && refersTo(policy, "loadBalancer", balancer, LOAD_BALANCER_IDENTIFIERS))
        .map((policy) => referencedPolicy(policy.props<SslNegotiationPolicyInputs>().attributes) ?? "a custom policy");
    const declared = stack
        .ofType(ELB_CLASSIC.loadBalancerPolicy)
        .filter((policy) => policy.props<LoadBalancerPolicyInputs>().policyTypeName === "SSLNegotiationPolicyType");
    const viaListener = stack
        .ofType(ELB_CLASSIC.listenerPolicy)
        .filter((listener) => listener.props<ListenerPolicyInputs>().loadBalancerPort === lbPort && refersTo(listener, "loadBalancerName", balancer, LOAD_BALANCER_IDENTIFIERS))
        .flatMap((listener) => declared.filter((policy) => refersTo(listener, "policyNames", policy, ["policyName"])))
        .map((policy) => referencedPolicy(policy.props<LoadBalancerPolicyInputs>().policyAttributes) ?? "a custom policy");
    return [...direct, ...viaListener];
}

export const elbClassicPredefinedSslPolicy = stackRule<{ allowedSslPolicies: string[] }>({
    name: "elb-classic-predefined-ssl-policy",
    description: "Classic Load Balancer HTTPS/SSL listeners negotiate with a predefined TLS 1.2 security policy.",
    severity: "high",
    category: "encryption",
    hipaa: TLS_HIPAA,
    soc2: ["CC6.7"],
    remediation:
        'Add an elb.LoadBalancerPolicy of type "SSLNegotiationPolicyType" with attribute Reference-Security-Policy = ELBSecurityPolicy-TLS-1-2-2017-01 and an elb.ListenerPolicy naming it for the listener\'s port (or an elb.SslNegotiationPolicy with that attribute).',
    config: {
        allowedSslPolicies: {
            type: "array",
            items: { type: "string" },
            // The HIPAA conformance pack's predefinedPolicyName parameter (awslabs/aws-config-rules,
            // Operational-Best-Practices-for-HIPAA-Security.yaml, read 2026-12-01).
            default: ["ELBSecurityPolicy-TLS-1-2-2017-01"],
            description: "Predefined Classic Load Balancer security policies a TLS listener may reference.",
        },
    },
    resourceTypes: [ELB_CLASSIC.loadBalancer],
    anchors: { awsConfig: ["ELB_PREDEFINED_SECURITY_POLICY_SSL_CHECK"] },
    *check(stack, { config }) {
        const allowed = new Set(knownStrings(config.allowedSslPolicies));
        for (const balancer of stack.ofType(ELB_CLASSIC.loadBalancer)) {
            for (const listener of listenersOf(balancer.props<ClassicLoadBalancerInputs>()).known.filter((candidate) => isTls(candidate.lbProtocol))) {
                const policies = isKnown(listener.lbPort) ? negotiationPolicies(stack, balancer, listener.lbPort) : [];
                if (policies.length === 0) {
                    yield { resource: balancer, message: `The listener on ${port(listener)} has no SSL negotiation policy of the stack, so it accepts AWS's default protocols and ciphers.` };
                } else if (!policies.some((policy) => allowed.has(policy))) {
                    yield { resource: balancer, message: `The listener on ${port(listener)} negotiates with ${policies.join(", ")}, not one of ${[...allowed].join(", ")}.` };
                }
            }
        }
    },
});

export const elbClassicPolicies: ClinicalPolicy[] = [
    elbClassicTlsListenersOnly,
    elbClassicAcmCertificate,
    elbClassicPredefinedSslPolicy,
    elbClassicAccessLogs,
    elbClassicCrossZone,
];
