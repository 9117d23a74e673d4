import { type ClinicalPolicy, resourceRule, stackRule } from "../lib/policy";
import { type StackResource, refersTo } from "../lib/stack";
import { CLOUDWATCH, LB, RDS, SNS } from "../lib/types";
import { type Maybe, elements, isKnown, presentOrPending } from "../lib/values";

/** Inputs of `aws.cloudwatch.MetricAlarm` and `aws.cloudwatch.CompositeAlarm` the rules read. */
export interface MetricAlarmInputs {
    name?: Maybe<string>;
    actionsEnabled?: Maybe<boolean>;
    alarmActions?: Maybe<Maybe<string>[]>;
    insufficientDataActions?: Maybe<Maybe<string>[]>;
    dimensions?: Maybe<Record<string, Maybe<string>>>;
}

/** Inputs of `aws.cloudwatch.CompositeAlarm` the rules read, beyond the actions. */
export interface CompositeAlarmInputs extends MetricAlarmInputs {
    alarmRule?: Maybe<string>;
}

/** Inputs of `aws.cloudwatch.LogGroup` the rules read. */
export interface LogGroupInputs {
    kmsKeyId?: Maybe<string>;
    retentionInDays?: Maybe<number>;
}

interface LoadBalancerTypeInputs {
    loadBalancerType?: Maybe<string>;
}

/** Whether the list holds an action, or one that is unknown until the update runs. */
function hasActions(list: MetricAlarmInputs["alarmActions"]): boolean {
    const actions = elements(list);
    return actions.known.length > 0 || actions.hasUnknown;
}

/**
 * Whether a composite alarm with actions reads `alarm` in its rule, so that the alarm notifies through
 * it (the windows of a burn-rate alarm, which would be noise on their own).
 */
function notifiesThroughComposite(alarm: StackResource, composites: readonly StackResource[]): boolean {
    const name = alarm.props<MetricAlarmInputs>().name;
    return composites.some((composite) => {
        const inputs = composite.props<CompositeAlarmInputs>();
        if (inputs.actionsEnabled === false || !hasActions(inputs.alarmActions)) return false;
        if (composite.propertyDependencies.alarmRule?.includes(alarm.urn)) return true;
        return isKnown(name) && isKnown(inputs.alarmRule) && inputs.alarmRule.includes(`"${name}"`);
    });
}

export const cloudwatchAlarmHasActions = stackRule({
    name: "cloudwatch-alarm-has-actions",
    description: "CloudWatch alarms notify someone when they fire and when their data stops, themselves or through a composite alarm that reads them.",
    severity: "high",
    category: "logging",
    hipaa: ["164.312(b)", "164.308(a)(6)(ii)"],
    soc2: ["CC7.2", "CC7.3"],
    remediation:
        "Set alarmActions and insufficientDataActions to the alerting SNS topic of the alarm's severity and leave actionsEnabled true; "
        + "an alarm without actions must be read by a composite alarm that has them.",
    anchors: { awsConfig: ["CLOUDWATCH_ALARM_ACTION_CHECK"], cdkNag: ["CloudWatchAlarmAction"] },
    resourceTypes: [CLOUDWATCH.metricAlarm, CLOUDWATCH.compositeAlarm],
    *check(stack) {
        const composites = stack.ofType(CLOUDWATCH.compositeAlarm);
        for (const alarm of stack.ofType(CLOUDWATCH.metricAlarm, CLOUDWATCH.compositeAlarm)) {
            const inputs = alarm.props<MetricAlarmInputs>();
            if (inputs.actionsEnabled === false) {
                yield { resource: alarm, message: "actionsEnabled is false, so the alarm changes state silently." };
            } else if (!hasActions(inputs.alarmActions)) {
                if (alarm.type === CLOUDWATCH.metricAlarm && notifiesThroughComposite(alarm, composites)) continue;
                yield { resource: alarm, message: "The alarm has no alarmActions, so nobody is told when it fires." };
            } else if (!hasActions(inputs.insufficientDataActions)) {
                yield {
                    resource: alarm,
                    message: "The alarm has no insufficientDataActions, so nobody is told when the data it judges stops arriving.",
                };
            }
        }
    },
});

export const cloudwatchAlarmNotifiesSns = stackRule({
    name: "cloudwatch-alarm-notifies-sns",
    description: "CloudWatch alarms send their notifications to an SNS topic.",
    severity: "high",
    category: "logging",
    hipaa: ["164.312(b)", "164.308(a)(6)(ii)"],
    soc2: ["CC7.3"],
    remediation: "Put the alerting SNS topic's ARN in alarmActions.",
    anchors: { awsConfig: ["CLOUDWATCH_ALARM_ACTION_CHECK"] },
    resourceTypes: [CLOUDWATCH.metricAlarm, CLOUDWATCH.compositeAlarm],
    *check(stack) {
        const topics = stack.ofType(SNS.topic);
        const composites = stack.ofType(CLOUDWATCH.compositeAlarm);
        for (const alarm of stack.ofType(CLOUDWATCH.metricAlarm, CLOUDWATCH.compositeAlarm)) {
            const inputs = alarm.props<MetricAlarmInputs>();
            if (alarm.type === CLOUDWATCH.metricAlarm && !hasActions(inputs.alarmActions) && notifiesThroughComposite(alarm, composites)) continue;
            const actions = elements(inputs.alarmActions);
            const namesTopic = actions.known.some((action) => action.startsWith("arn:aws:sns:"));
            const refersToTopic = topics.some((topic) => refersTo(alarm, "alarmActions", topic, ["arn", "id"]));
            if (!namesTopic && !refersToTopic) {
                yield { resource: alarm, message: "None of the alarm's actions is an SNS topic, so the on-call channel never hears of it." };
            }
        }
    },
});

export const cloudwatchLogGroupKms = resourceRule<LogGroupInputs>({
    name: "cloudwatch-log-group-kms",
    description: "CloudWatch log groups are encrypted with a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.1"],
    remediation: "Set kmsKeyId to the platform's logs key (whose policy allows logs.<region>.amazonaws.com).",
    anchors: { cdkNag: ["CloudWatchLogGroupEncrypted"] },
    resourceTypes: [CLOUDWATCH.logGroup],
    *check(group) {
        if (!presentOrPending(group.kmsKeyId)) {
            yield "kmsKeyId is not set, so log events (which may contain PHI) are not under the platform's key.";
        }
    },
});

export const cloudwatchLogGroupRetention = resourceRule<LogGroupInputs, { minimumDays: number }>({
    name: "cloudwatch-log-group-retention",
    description: "CloudWatch log groups keep events for a decided period of at least the environment's minimum.",
    severity: "high",
    category: "logging",
    hipaa: ["164.312(b)"],
    soc2: ["CC7.2", "C1.2"],
    remediation: "Set retentionInDays to a CloudWatch retention value of at least the configured minimum (365 in production).",
    config: {
        minimumDays: { type: "integer", minimum: 1, maximum: 3653, default: 365, description: "Fewest days log events are kept." },
    },
    anchors: { cdkNag: ["CloudWatchLogGroupRetentionPeriod"] },
    resourceTypes: [CLOUDWATCH.logGroup],
    *check(group, { config }) {
        const days = group.retentionInDays;
        if (!isKnown(days) || days === 0) {
            yield "retentionInDays is not set, so events are kept forever with no retention decision.";
        } else if (days < config.minimumDays) {
            yield `Log events are kept ${days} days; this environment requires at least ${config.minimumDays}.`;
        }
    },
});

/** Whether an alarm watches `target` through the given metric dimension. */
function watches(alarm: StackResource, dimension: string, target: StackResource, identifiers: readonly string[]): boolean {
    return refersTo(alarm, `dimensions.${dimension}`, target, identifiers) || refersTo(alarm, "metricQueries", target, []);
}

export const cloudwatchRequiredAlarms = stackRule({
    name: "cloudwatch-required-alarms",
    description: "Every database instance and application load balancer is watched by at least one CloudWatch alarm.",
    severity: "medium",
    category: "logging",
    hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"],
    soc2: ["CC7.2", "A1.1"],
    remediation:
        "Add MetricAlarms whose dimensions name the database (DBInstanceIdentifier) and the load balancer (LoadBalancer = its arnSuffix).",
    resourceTypes: [RDS.instance, ...LB.loadBalancer],
    *check(stack) {
        const alarms = stack.ofType(CLOUDWATCH.metricAlarm);
        for (const database of stack.ofType(RDS.instance)) {
            if (!alarms.some((alarm) => watches(alarm, "DBInstanceIdentifier", database, ["identifier", "id"]))) {
                yield { resource: database, message: "No CloudWatch alarm watches this database instance." };
            }
        }
        for (const balancer of stack.ofType(...LB.loadBalancer)) {
            const type = balancer.props<LoadBalancerTypeInputs>().loadBalancerType;
            if (isKnown(type) && type !== "application") {
                continue;
            }
            if (!alarms.some((alarm) => watches(alarm, "LoadBalancer", balancer, ["arnSuffix"]))) {
                yield { resource: balancer, message: "No CloudWatch alarm watches this load balancer." };
            }
        }
    },
});

export const cloudwatchPolicies: ClinicalPolicy[] = [
    cloudwatchAlarmHasActions,
    cloudwatchAlarmNotifiesSns,
    cloudwatchLogGroupKms,
    cloudwatchLogGroupRetention,
    cloudwatchRequiredAlarms,
];
