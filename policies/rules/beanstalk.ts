/**
 * Elastic Beanstalk environments: managed platform updates on, and enhanced health reporting.
 *
 * Both are option settings (namespace, name, value), given on the environment or on the
 * configuration template it names (`templateName`); the environment's own settings win. Option
 * names per the Elastic Beanstalk Developer Guide, "General options for all environments"
 * (`aws:elasticbeanstalk:managedactions` ManagedActionsEnabled,
 * `aws:elasticbeanstalk:managedactions:platformupdate` UpdateLevel,
 * `aws:elasticbeanstalk:healthreporting:system` SystemType), read 2026-12-01; the AWS Config rule
 * checks ManagedActionsEnabled and, as a parameter, UpdateLevel "minor" or "patch". Managed
 * updates need enhanced health ("Managed platform updates", same guide), so the two go together.
 * These are stack rules because the template is a separate resource.
 */
import { type ClinicalPolicy, stackRule } from "../lib/policy";
import { type StackResource, refersTo } from "../lib/stack";
import { BEANSTALK } from "../lib/types";
import { type Maybe, elements, isKnown, isUnknown } from "../lib/values";

interface OptionSetting {
    namespace?: Maybe<string>;
    name?: Maybe<string>;
    value?: Maybe<string>;
}

/** Inputs of `aws.elasticbeanstalk.Environment` (and, for `settings`, of a ConfigurationTemplate) the rules read. */
export interface EnvironmentInputs {
    templateName?: Maybe<string>;
    settings?: Maybe<Maybe<OptionSetting>[]>;
}

export const MANAGED_ACTIONS = "aws:elasticbeanstalk:managedactions";
export const PLATFORM_UPDATE = "aws:elasticbeanstalk:managedactions:platformupdate";
export const HEALTH_REPORTING = "aws:elasticbeanstalk:healthreporting:system";
const UPDATE_LEVELS = new Set(["minor", "patch"]);

/** The value the environment ends up with for an option: its own setting, else its template's. */
function optionOf(environment: StackResource, templates: StackResource[], namespace: string, name: string): Maybe<string> {
    const own = settingIn(environment.props<EnvironmentInputs>().settings, namespace, name);
    if (own !== undefined) return own;
    const template = templates.find((candidate) => refersTo(environment, "templateName", candidate, ["name"]));
    return template === undefined ? undefined : settingIn(template.props<EnvironmentInputs>().settings, namespace, name);
}

function settingIn(settings: EnvironmentInputs["settings"], namespace: string, name: string): Maybe<string> {
    return elements(settings).known.find((setting) => setting.namespace === namespace && setting.name === name)?.value;
}

function shown(value: Maybe<string>): string {
    if (isUnknown(value)) return "unknown in preview";
    return isKnown(value) ? `"${value}"` : "not set";
}

export const beanstalkManagedUpdates = stackRule({
    name: "beanstalk-managed-updates",
    description: "Elastic Beanstalk environments apply platform updates automatically (managed actions, minor or patch level) in a maintenance window.",
    severity: "medium",
    category: "change-management",
    hipaa: ["164.308(a)(5)(ii)(A)", "164.308(a)(1)(ii)(B)"],
    soc2: ["CC7.1", "CC8.1"],
    remediation: `Set ${MANAGED_ACTIONS} ManagedActionsEnabled "true" (with PreferredStartTime) and ${PLATFORM_UPDATE} UpdateLevel "minor" or "patch"; managed updates need enhanced health.`,
    anchors: { awsConfig: ["ELASTIC_BEANSTALK_MANAGED_UPDATES_ENABLED"], cdkNag: ["ElasticBeanstalkManagedUpdatesEnabled"] },
    resourceTypes: [BEANSTALK.environment],
    *check(stack) {
        const templates = stack.ofType(BEANSTALK.configurationTemplate);
        for (const environment of stack.ofType(BEANSTALK.environment)) {
            const enabled = optionOf(environment, templates, MANAGED_ACTIONS, "ManagedActionsEnabled");
            const level = optionOf(environment, templates, PLATFORM_UPDATE, "UpdateLevel");
            if (!isKnown(enabled) || enabled.toLowerCase() !== "true") {
                yield { resource: environment, message: `${MANAGED_ACTIONS} ManagedActionsEnabled is ${shown(enabled)}, so platform updates wait for someone to apply them.` };
            } else if (!isKnown(level) || !UPDATE_LEVELS.has(level.toLowerCase())) {
                yield { resource: environment, message: `${PLATFORM_UPDATE} UpdateLevel is ${shown(level)}; managed updates need "minor" or "patch".` };
            }
        }
    },
});

export const beanstalkEnhancedHealth = stackRule({
    name: "beanstalk-enhanced-health",
    description: "Elastic Beanstalk environments report enhanced health (instance and request metrics, causes), not only the load balancer's basic check.",
    severity: "low",
    category: "logging",
    hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"],
    soc2: ["CC7.2", "A1.1"],
    remediation: `Set ${HEALTH_REPORTING} SystemType "enhanced" (the instance profile needs the AWSElasticBeanstalkEnhancedHealth permissions).`,
    anchors: { cdkNag: ["ElasticBeanstalkEnhancedHealthReportingEnabled"] },
    resourceTypes: [BEANSTALK.environment],
    *check(stack) {
        const templates = stack.ofType(BEANSTALK.configurationTemplate);
        for (const environment of stack.ofType(BEANSTALK.environment)) {
            const system = optionOf(environment, templates, HEALTH_REPORTING, "SystemType");
            if (!isKnown(system) || system.toLowerCase() !== "enhanced") {
                yield { resource: environment, message: `${HEALTH_REPORTING} SystemType is ${shown(system)}, so the environment reports only basic health.` };
            }
        }
    },
});

export const beanstalkPolicies: ClinicalPolicy[] = [beanstalkManagedUpdates, beanstalkEnhancedHealth];
