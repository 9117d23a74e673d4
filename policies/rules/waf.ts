import { type ClinicalPolicy, resourceRule, stackRule } from "../lib/policy";
import { refersTo } from "../lib/stack";
import { WAF } from "../lib/types";
import { type Maybe, elements, isKnown, isUnknown } from "../lib/values";

interface WebAclRuleInputs {
    name?: Maybe<string>;
    overrideAction?: Maybe<{ count?: Maybe<object>; none?: Maybe<object> }>;
    statement?: Maybe<{ managedRuleGroupStatement?: Maybe<{ name?: Maybe<string>; vendorName?: Maybe<string> }> }>;
}

/** Inputs of `aws.wafv2.WebAcl` the rules read. */
export interface WebAclInputs {
    rules?: Maybe<Maybe<WebAclRuleInputs>[]>;
    ruleJson?: Maybe<string>;
    visibilityConfig?: Maybe<{ cloudwatchMetricsEnabled?: Maybe<boolean>; sampledRequestsEnabled?: Maybe<boolean> }>;
}

/** Inputs of `aws.wafv2.WebAclLoggingConfiguration` the rules read. */
export interface WebAclLoggingInputs {
    resourceArn?: Maybe<string>;
}

/** Managed rule groups the ACL runs in blocking mode; `undefined` while its rules are unknown. */
function blockingManagedGroups(acl: WebAclInputs): Set<string> | undefined {
    const groups = new Set<string>();
    const rules = elements(acl.rules);
    if (rules.hasUnknown || isUnknown(acl.ruleJson)) {
        return undefined;
    }
    for (const rule of rules.known) {
        const statement = isKnown(rule.statement) ? rule.statement.managedRuleGroupStatement : undefined;
        const countOnly = isKnown(rule.overrideAction) && rule.overrideAction.count !== undefined;
        if (isUnknown(statement)) {
            return undefined;
        }
        if (isKnown(statement) && isKnown(statement.name) && !countOnly) {
            groups.add(statement.name);
        }
    }
    if (isKnown(acl.ruleJson)) {
        // Rules given as raw JSON use the API's PascalCase names.
        for (const match of acl.ruleJson.matchAll(/"ManagedRuleGroupStatement"\s*:\s*\{[^}]*?"Name"\s*:\s*"([^"]+)"/g)) {
            groups.add(match[1]);
        }
    }
    return groups;
}

export const wafWebAclManagedRules = resourceRule<WebAclInputs, { requiredRuleGroups: string[] }>({
    name: "waf-web-acl-managed-rules",
    description: "WAF web ACLs block requests with AWS's baseline managed rule groups.",
    severity: "medium",
    category: "network",
    hipaa: ["164.308(a)(1)(ii)(B)", "164.308(a)(5)(ii)(B)"],
    soc2: ["CC6.6", "CC6.8"],
    remediation: "Add the required managed rule groups as rules with overrideAction none (not count).",
    config: {
        requiredRuleGroups: {
            type: "array",
            items: { type: "string" },
            uniqueItems: true,
            default: ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"],
            description: "AWS managed rule groups every web ACL must run in blocking mode.",
        },
    },
    resourceTypes: [WAF.webAcl],
    *check(acl, { config }) {
        const groups = blockingManagedGroups(acl);
        if (groups === undefined) {
            return;
        }
        const missing = config.requiredRuleGroups.filter((group) => !groups.has(group));
        if (missing.length > 0) {
            yield `The web ACL does not block with ${missing.join(", ")}.`;
        }
    },
});

export const wafWebAclMetrics = resourceRule<WebAclInputs>({
    name: "waf-web-acl-metrics",
    description: "WAF web ACLs publish CloudWatch metrics and keep sampled requests.",
    severity: "medium",
    category: "logging",
    hipaa: ["164.312(b)"],
    soc2: ["CC7.2"],
    remediation: "Set visibilityConfig.cloudwatchMetricsEnabled and sampledRequestsEnabled to true.",
    resourceTypes: [WAF.webAcl],
    *check(acl) {
        const visibility = acl.visibilityConfig;
        if (!isKnown(visibility)) {
            return;
        }
        const off = (["cloudwatchMetricsEnabled", "sampledRequestsEnabled"] as const).filter(
            (setting) => visibility[setting] === false,
        );
        if (off.length > 0) {
            yield `${off.join(" and ")} ${off.length === 1 ? "is" : "are"} false, so blocked attacks leave no metrics or samples.`;
        }
    },
});

export const wafWebAclLogging = stackRule({
    name: "waf-web-acl-logging",
    description: "Every WAF web ACL logs the requests it inspects.",
    severity: "high",
    category: "logging",
    hipaa: ["164.312(b)"],
    soc2: ["CC7.2"],
    anchors: { awsConfig: ["WAFV2_LOGGING_ENABLED"], cdkNag: ["WAFv2LoggingEnabled"] },
    remediation: "Add a WebAclLoggingConfiguration with resourceArn set to the web ACL's ARN (log group name must start with aws-waf-logs-).",
    resourceTypes: [WAF.webAcl],
    *check(stack) {
        const configurations = stack.ofType(WAF.logging);
        for (const acl of stack.ofType(WAF.webAcl)) {
            if (!configurations.some((logging) => refersTo(logging, "resourceArn", acl, ["arn", "id"]))) {
                yield { resource: acl, message: "The web ACL has no logging configuration, so inspected and blocked requests are not recorded." };
            }
        }
    },
});

export const wafPolicies: ClinicalPolicy[] = [wafWebAclManagedRules, wafWebAclMetrics, wafWebAclLogging];
