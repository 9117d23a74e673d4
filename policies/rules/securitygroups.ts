import {
    type NormalizedRule,
    SECURITY_GROUP_RULE_TYPES,
    type SecurityGroupInputs,
    coversPort,
    describePorts,
    isOpenToWorld,
    rulesOf,
} from "../lib/network";
import { type ClinicalPolicy, resourceRule, stackRule } from "../lib/policy";
import { refersTo } from "../lib/stack";
import { EC2 } from "../lib/types";
import { elements, present } from "../lib/values";

const NETWORK_ACCESS_HIPAA = [
    "164.308(a)(3)(i)",
    "164.308(a)(3)(ii)(B)",
    "164.308(a)(4)(i)",
    "164.308(a)(4)(ii)(A)",
    "164.308(a)(4)(ii)(B)",
    "164.308(a)(4)(ii)(C)",
    "164.312(a)(1)",
    "164.312(e)(1)",
];

/** FTP, RDP and the database / cache / search ports an attacker probes first. */
const ADMIN_AND_DATA_PORTS: Record<number, string> = {
    20: "FTP data",
    21: "FTP",
    1433: "SQL Server",
    1521: "Oracle",
    3306: "MySQL",
    3309: "MySQL (alt)",
    3389: "RDP",
    4333: "mSQL",
    5432: "PostgreSQL",
    6379: "Redis",
    9200: "Elasticsearch",
    11211: "Memcached",
    27017: "MongoDB",
};

function worldIngress(type: string, props: Record<string, unknown>): NormalizedRule[] {
    return rulesOf(type, props).filter((rule) => rule.direction === "ingress" && isOpenToWorld(rule));
}

export const sgNoSshFromInternet = resourceRule<Record<string, unknown>>({
    name: "sg-no-ssh-from-internet",
    description: "Security groups never open SSH (port 22) to the internet.",
    severity: "critical",
    category: "network",
    hipaa: NETWORK_ACCESS_HIPAA,
    soc2: ["CC6.6"],
    anchors: { awsConfig: ["INCOMING_SSH_DISABLED"], cdkNag: ["EC2RestrictedSSH"] },
    remediation: "Remove the 0.0.0.0/0 / ::/0 rule for port 22; use SSM Session Manager for shell access.",
    resourceTypes: SECURITY_GROUP_RULE_TYPES,
    *check(props, context) {
        if (worldIngress(context.type, props).some((rule) => coversPort(rule, 22))) {
            yield "An ingress rule opens SSH (port 22) to 0.0.0.0/0 or ::/0.";
        }
    },
});

export const sgNoAdminPortsFromInternet = resourceRule<Record<string, unknown>>({
    name: "sg-no-admin-ports-from-internet",
    description: "Security groups never open remote-administration or database ports to the internet.",
    severity: "critical",
    category: "network",
    hipaa: NETWORK_ACCESS_HIPAA,
    soc2: ["CC6.6"],
    anchors: { awsConfig: ["RESTRICTED_INCOMING_TRAFFIC"], cdkNag: ["EC2RestrictedCommonPorts"] },
    remediation: "Allow database and admin ports only from the security groups that need them (e.g. the cluster's).",
    resourceTypes: SECURITY_GROUP_RULE_TYPES,
    *check(props, context) {
        const rules = worldIngress(context.type, props);
        const exposed = Object.entries(ADMIN_AND_DATA_PORTS)
            .filter(([port]) => rules.some((rule) => coversPort(rule, Number(port))))
            .map(([port, service]) => `${service} (${port})`);
        if (exposed.length > 0) {
            yield `Ingress from the internet reaches ${exposed.join(", ")}.`;
        }
    },
});

export const sgPublicIngressHttpsOnly = resourceRule<Record<string, unknown>, { allowedPublicPorts: number[] }>({
    name: "sg-public-ingress-https-only",
    description: "Internet-facing ingress is limited to the web ports.",
    severity: "high",
    category: "network",
    hipaa: ["164.312(e)(1)"],
    soc2: ["CC6.6"],
    anchors: { awsConfig: ["VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS"] },
    remediation: "Open only 443 (and 80 for the redirect listener) to 0.0.0.0/0, one port per rule.",
    config: {
        allowedPublicPorts: {
            type: "array",
            items: { type: "integer", minimum: 0, maximum: 65535 },
            uniqueItems: true,
            default: [80, 443],
            description: "TCP ports that may be open to 0.0.0.0/0 and ::/0.",
        },
    },
    resourceTypes: SECURITY_GROUP_RULE_TYPES,
    *check(props, context) {
        for (const rule of worldIngress(context.type, props)) {
            const protocol = (rule.protocol ?? "").toLowerCase();
            const singleAllowedPort =
                (protocol === "tcp" || protocol === "6") &&
                rule.fromPort !== undefined &&
                rule.fromPort === rule.toPort &&
                context.config.allowedPublicPorts.includes(rule.fromPort);
            if (!singleAllowedPort) {
                yield `An ingress rule opens ${describePorts(rule)} (${rule.protocol ?? "?"}) to the internet.`;
            }
        }
    },
});

export const sgRuleDescriptions = resourceRule<Record<string, unknown>>({
    name: "sg-rule-descriptions",
    description: "Security groups and their rules say why they exist.",
    severity: "low",
    category: "change-management",
    hipaa: ["164.308(a)(1)(ii)(D)"],
    soc2: ["CC8.1"],
    remediation: "Give the group a description other than Pulumi's default and a description on every rule.",
    resourceTypes: SECURITY_GROUP_RULE_TYPES,
    *check(props, { type }) {
        if (type === EC2.securityGroup) {
            const description = (props as SecurityGroupInputs).description;
            if (!present(description) || description === "Managed by Pulumi") {
                yield "The security group has no description of its purpose.";
            }
        }
        const undocumented = rulesOf(type, props).filter((rule) => !present(rule.description));
        if (undocumented.length > 0) {
            yield `${undocumented.length} rule${undocumented.length === 1 ? " has" : "s have"} no description.`;
        }
    },
});

export const sgNoInlineAndStandaloneRules = stackRule({
    name: "sg-no-inline-and-standalone-rules",
    description: "A security group's rules are declared either inline or as separate rule resources, never both.",
    severity: "medium",
    category: "change-management",
    hipaa: ["164.308(a)(1)(ii)(D)"],
    soc2: ["CC8.1"],
    remediation: "Move all of the group's rules to one style (prefer vpc.SecurityGroupIngressRule / EgressRule resources).",
    resourceTypes: [EC2.securityGroup],
    *check(stack) {
        const standalone = stack.ofType(EC2.securityGroupRule, EC2.ingressRule, EC2.egressRule);
        for (const group of stack.ofType(EC2.securityGroup)) {
            const inputs = group.props<SecurityGroupInputs>();
            const inline = [elements(inputs.ingress), elements(inputs.egress)].some((list) => list.known.length > 0 || list.hasUnknown);
            if (!inline) {
                continue;
            }
            const separate = standalone.filter((rule) => refersTo(rule, "securityGroupId", group, ["id"]));
            if (separate.length > 0) {
                yield {
                    resource: group,
                    message: `The group has inline rules and ${separate.length} separate rule resource(s); each update would remove the other's rules.`,
                };
            }
        }
    },
});

export const securityGroupPolicies: ClinicalPolicy[] = [
    sgNoSshFromInternet,
    sgNoAdminPortsFromInternet,
    sgPublicIngressHttpsOnly,
    sgRuleDescriptions,
    sgNoInlineAndStandaloneRules,
];
