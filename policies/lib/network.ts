import { EC2 } from "./types";
import { type Maybe, elements, isKnown, isUnknown, knownStrings } from "./values";

/** Inline rule of `ec2.SecurityGroup` / `ec2.DefaultSecurityGroup` (`ingress[]`, `egress[]`). */
export interface InlineSecurityGroupRule {
    cidrBlocks?: Maybe<Maybe<string>[]>;
    ipv6CidrBlocks?: Maybe<Maybe<string>[]>;
    fromPort?: Maybe<number>;
    toPort?: Maybe<number>;
    protocol?: Maybe<string>;
    description?: Maybe<string>;
}

export interface SecurityGroupInputs {
    description?: Maybe<string>;
    ingress?: Maybe<Maybe<InlineSecurityGroupRule>[]>;
    egress?: Maybe<Maybe<InlineSecurityGroupRule>[]>;
}

/** `ec2.SecurityGroupRule`. */
export interface SecurityGroupRuleInputs extends InlineSecurityGroupRule {
    type?: Maybe<string>;
    securityGroupId?: Maybe<string>;
}

/** `vpc.SecurityGroupIngressRule` / `vpc.SecurityGroupEgressRule`. */
export interface VpcSecurityGroupRuleInputs {
    cidrIpv4?: Maybe<string>;
    cidrIpv6?: Maybe<string>;
    fromPort?: Maybe<number>;
    toPort?: Maybe<number>;
    ipProtocol?: Maybe<string>;
    description?: Maybe<string>;
    securityGroupId?: Maybe<string>;
}

/** One permission in the same terms whichever of the three resource shapes declared it. */
export interface NormalizedRule {
    direction: "ingress" | "egress";
    /** Known CIDRs; unknown ones are left out (they come from other resources, not the internet). */
    cidrs: string[];
    protocol: string | undefined;
    fromPort: number | undefined;
    toPort: number | undefined;
    description: Maybe<string>;
}

export const WORLD_CIDRS: ReadonlySet<string> = new Set(["0.0.0.0/0", "::/0"]);

/** Normalized ingress and egress permissions of any security-group-shaped resource. */
export function rulesOf(type: string, props: Record<string, unknown>): NormalizedRule[] {
    if (type === EC2.securityGroup || type === EC2.defaultSecurityGroup) {
        const group = props as SecurityGroupInputs;
        return [
            ...elements(group.ingress).known.map((rule) => fromInline("ingress", rule)),
            ...elements(group.egress).known.map((rule) => fromInline("egress", rule)),
        ];
    }
    if (type === EC2.securityGroupRule) {
        const rule = props as SecurityGroupRuleInputs;
        if (!isKnown(rule.type)) {
            return [];
        }
        return [fromInline(rule.type === "egress" ? "egress" : "ingress", rule)];
    }
    if (type === EC2.ingressRule || type === EC2.egressRule) {
        const rule = props as VpcSecurityGroupRuleInputs;
        return [
            {
                direction: type === EC2.ingressRule ? "ingress" : "egress",
                cidrs: [rule.cidrIpv4, rule.cidrIpv6].filter((cidr): cidr is string => typeof cidr === "string"),
                protocol: knownOrUndefined(rule.ipProtocol),
                fromPort: knownOrUndefined(rule.fromPort),
                toPort: knownOrUndefined(rule.toPort),
                description: rule.description,
            },
        ];
    }
    return [];
}

function fromInline(direction: "ingress" | "egress", rule: InlineSecurityGroupRule): NormalizedRule {
    return {
        direction,
        cidrs: [...knownStrings(rule.cidrBlocks), ...knownStrings(rule.ipv6CidrBlocks)],
        protocol: knownOrUndefined(rule.protocol),
        fromPort: knownOrUndefined(rule.fromPort),
        toPort: knownOrUndefined(rule.toPort),
        description: rule.description,
    };
}

function knownOrUndefined<T>(value: Maybe<T>): T | undefined {
    return isUnknown(value) || value === null ? undefined : value;
}

export function isOpenToWorld(rule: NormalizedRule): boolean {
    return rule.cidrs.some((cidr) => WORLD_CIDRS.has(cidr));
}

/** Whether the rule lets `port` through. All-protocol rules (-1) cover every port. */
export function coversPort(rule: NormalizedRule, port: number): boolean {
    const protocol = (rule.protocol ?? "").toLowerCase();
    if (protocol === "-1" || protocol === "all") {
        return true;
    }
    if (protocol !== "tcp" && protocol !== "6" && protocol !== "udp" && protocol !== "17") {
        return false;
    }
    if (rule.fromPort === undefined || rule.toPort === undefined) {
        return false;
    }
    return rule.fromPort <= port && port <= rule.toPort;
}

/** The ports the rule opens, for messages; "all ports" for all-protocol or full-range rules. */
export function describePorts(rule: NormalizedRule): string {
    const protocol = (rule.protocol ?? "").toLowerCase();
    if (protocol === "-1" || protocol === "all" || (rule.fromPort === 0 && rule.toPort === 65535)) {
        return "all ports";
    }
    return rule.fromPort === rule.toPort ? `port ${rule.fromPort}` : `ports ${rule.fromPort}-${rule.toPort}`;
}

export const SECURITY_GROUP_RULE_TYPES = [
    EC2.securityGroup,
    EC2.securityGroupRule,
    EC2.ingressRule,
    EC2.egressRule,
] as const;
