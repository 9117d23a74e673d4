import { strict as assert } from "assert";
import { freeStorageBytes } from "../../components/alarms";
import type { RecordedResource } from "../../infra/offline/types";
import { SLOT_NAMES } from "../../stacks";
import { STACKS, StackName, grantOf, ofType, policyOf, previewOf, single } from "../harness/stacks";
import { Json, inputs, urnOf } from "./support";
import { assertInPrivateSubnets } from "../harness/function-network";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const TOPIC = "aws:sns/topic:Topic";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const SLACK = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration";
const SEVERITIES = ["warning", "critical"] as const;

/** Issue 11: dev e-mail only; staging e-mail and Slack; production e-mail, Slack, and PagerDuty for critical alarms. */
const REQUIRED_ROUTING: Record<StackName, Record<(typeof SEVERITIES)[number], string[]>> = {
    dev: { warning: ["email"], critical: ["email"] },
    staging: { warning: ["slack"], critical: ["email", "slack"] },
    production: { warning: ["email", "slack"], critical: ["email", "slack", "pagerduty"] },
};

/**
 * Critical: what users feel now (service-wide 5xx, the fast burn of an error budget) and the one
 * database every request needs; warning: capacity, latency, one slot, and the slow burn.
 */
/**
 * Findings reach the channels of the stack that owns the region's GuardDuty detector, once: dev owns its
 * account, production the account it shares with staging (the committed ownsAccountResources).
 */
const ROUTES_GUARDDUTY: Record<string, boolean> = { dev: true, staging: false, production: true };

const EXPECTED_SEVERITIES: Record<string, string> = {
    "api-error-rate": "critical",
    "api-latency-p95": "warning",
    ...Object.fromEntries(SLOT_NAMES.flatMap((slot) => ["error-rate", "latency-p95", "container-cpu", "container-memory"].map((what) => [`${slot}-${what}`, "warning"]))),
    "node-cpu": "warning",
    "node-memory": "warning",
    "database-cpu": "critical",
    "database-free-storage": "critical",
    "database-connections": "critical",
    "slo-availability-fast-burn": "critical",
    "slo-availability-slow-burn": "warning",
    "slo-error-rate-fast-burn": "critical",
    "slo-error-rate-slow-burn": "warning",
};

describe("the alarms", () => {
    for (const stack of STACKS) {
        describe(`in ${stack}`, () => {
            const alarmNamed = async (suffix: string) => {
                const { resources } = await previewOf(stack);
                return inputs(single(resources, ALARM, `alarms-${suffix}`));
            };

            it("publish to a warning and a critical topic, each tagged with its severity and encrypted with the logs key", async () => {
                const { resources } = await previewOf(stack);
                const topics = ofType(resources, TOPIC);
                assert.deepEqual(topics.map((t) => inputs(t).name).sort(), [`clinical-platform-${stack}-alarms-critical`, `clinical-platform-${stack}-alarms-warning`]);
                for (const topic of topics) {
                    assert.deepEqual(topic.propertyDependencies.kmsMasterKeyId, [urnOf(resources, "aws:kms/key:Key", "keys-logs")]);
                    assert.equal(inputs(topic).tags.Severity, inputs(topic).name.split("-").pop());
                }
            });

            it("let CloudWatch publish to both topics, EventBridge only to the critical one and only for the GuardDuty rule, and nobody without TLS", async () => {
                const { resources } = await previewOf(stack);
                const rules = ofType(resources, "aws:cloudwatch/eventRule:EventRule").filter((r) => r.name === "alarms-routes-guardduty");
                assert.equal(rules.length, ROUTES_GUARDDUTY[stack] ? 1 : 0);
                const [rule] = rules;
                for (const severity of SEVERITIES) {
                    const policy = policyOf(single(resources, "aws:sns/topicPolicy:TopicPolicy", `alarms-routes-${severity}`));
                    const allows = policy.Statement.filter((s) => s.Effect === "Allow");
                    const cloudwatch = allows.find((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: "cloudwatch.amazonaws.com" }))!;
                    assert.deepEqual(Object.keys((cloudwatch.Condition as Json).StringEquals), ["aws:SourceAccount"]);
                    const events = allows.filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: "events.amazonaws.com" }));
                    assert.equal(events.length, severity === "critical" && ROUTES_GUARDDUTY[stack] ? 1 : 0, severity);
                    if (events.length > 0) assert.match((events[0].Condition as Json).ArnEquals["aws:SourceArn"], new RegExp(`:rule/${inputs(rule).name}$`));
                    assert.ok(policy.Statement.some((s) => s.Effect === "Deny" && JSON.stringify(s.Condition).includes("aws:SecureTransport")));
                }
            });

            it("register the subscriptions and chat channel the stack's routing names, and no others", async () => {
                const { resources, config } = await previewOf(stack);
                const routing = REQUIRED_ROUTING[stack];
                const topicOf = (resource: RecordedResource, property: string) => ofType(resources, TOPIC)
                    .filter((t) => resource.propertyDependencies[property]?.includes(t.urn)).map((t) => inputs(t).tags.Severity as string).sort();
                const subscriptions = ofType(resources, SUBSCRIPTION);
                const emails = subscriptions.filter((s) => inputs(s).protocol === "email");
                const expectedEmails = SEVERITIES.flatMap((severity) => routing[severity].includes("email") ? config.alerts.email.map((address) => `${severity} ${address}`) : []);
                assert.deepEqual(emails.map((s) => `${topicOf(s, "topic")[0]} ${inputs(s).endpoint}`).sort(), expectedEmails.sort());
                assert.ok(config.alerts.email.length > 0);

                const slack = ofType(resources, SLACK);
                assert.equal(slack.length, routing.warning.includes("slack") || routing.critical.includes("slack") ? 1 : 0);
                for (const channel of slack) {
                    const i = inputs(channel);
                    assert.deepEqual(topicOf(channel, "snsTopicArns"), SEVERITIES.filter((severity) => routing[severity].includes("slack")).sort());
                    assert.deepEqual([i.slackTeamId, i.slackChannelId], [config.alerts.slack!.teamId, config.alerts.slack!.channelId]);
                    assert.equal(i.configurationName, `clinical-platform-${stack}-alarms`);
                    assert.ok(["us-east-2", "us-west-2", "ap-southeast-1", "eu-west-1"].includes(i.region), "a region that serves the Chatbot API");
                }

                const pagers = subscriptions.filter((s) => inputs(s).protocol === "lambda");
                assert.deepEqual(pagers.map((s) => topicOf(s, "topic")[0]).sort(), SEVERITIES.filter((severity) => routing[severity].includes("pagerduty")).sort());
                assert.equal(subscriptions.length, emails.length + pagers.length, "no other protocol");
            });

            it("notify every alarm's severity topic on ALARM, OK and INSUFFICIENT_DATA, at the severity the requirement gives it, and say how each treats missing data", async () => {
                const { resources, config } = await previewOf(stack);
                const alarms = [...ofType(resources, ALARM), ...ofType(resources, COMPOSITE)].filter((a) => !inputs(a).tags.NotifiesThrough);
                const severities = Object.fromEntries(alarms.map((a) => [a.name.replace(/^alarms-/, ""), inputs(a).tags.Severity]));
                const pages = REQUIRED_ROUTING[stack].critical.includes("pagerduty") || REQUIRED_ROUTING[stack].warning.includes("pagerduty");
                // A function that failed to act (the automatic rollback, the release snapshot expiry) needs a person.
                const failures = {
                    ...(config.release.autoRollback ? { "auto-rollback-failed": "critical" } : {}),
                    ...(config.release.snapshotBeforeMigration ? { "release-snapshots-failed": "critical" } : {}),
                };
                assert.deepEqual(severities, { ...EXPECTED_SEVERITIES, ...(pages ? { "pagerduty-delivery": "critical" } : {}), ...failures });
                for (const alarm of alarms) {
                    const i = inputs(alarm);
                    assert.equal(i.actionsEnabled, true, alarm.name);
                    assert.equal(i.alarmActions.length, 1, alarm.name);
                    assert.match(i.alarmActions[0], new RegExp(`^arn:aws:sns:.*:clinical-platform-${stack}-alarms-${i.tags.Severity}$`), alarm.name);
                    assert.deepEqual(i.okActions, i.alarmActions, alarm.name);
                    assert.deepEqual(i.insufficientDataActions, i.alarmActions, alarm.name);
                    assert.ok(i.alarmDescription, alarm.name);
                    if (alarm.type === ALARM) assert.ok(["notBreaching", "breaching"].includes(i.treatMissingData), alarm.name);
                }
                assert.equal(ofType(resources, ALARM).filter((a) => !inputs(a).tags.NotifiesThrough).length, 2 + 2 + 3 + 4 * SLOT_NAMES.length + (pages ? 1 : 0) + Object.keys(failures).length,
                    "service, nodes, database, four per slot, the PagerDuty function where the stack pages, and the release functions' failures");
            });

            it(`${ROUTES_GUARDDUTY[stack] ? "send" : "leave to the owner of the account's GuardDuty"} GuardDuty findings of severity 7 and above to the critical topic, under a logs key EventBridge may use`, async () => {
                const { resources } = await previewOf(stack);
                if (!ROUTES_GUARDDUTY[stack]) {
                    assert.equal(ofType(resources, "aws:cloudwatch/eventRule:EventRule").filter((r) => r.name === "alarms-routes-guardduty").length, 0);
                    return;
                }
                const rule = inputs(single(resources, "aws:cloudwatch/eventRule:EventRule", "alarms-routes-guardduty"));
                assert.deepEqual(JSON.parse(rule.eventPattern), { source: ["aws.guardduty"], "detail-type": ["GuardDuty Finding"], detail: { severity: [{ numeric: [">=", 7] }] } });
                const target = single(resources, "aws:cloudwatch/eventTarget:EventTarget", "alarms-routes-guardduty");
                assert.match(inputs(target).arn, new RegExp(`:clinical-platform-${stack}-alarms-critical$`));
                const key = policyOf(single(resources, "aws:kms/key:Key", "keys-logs"));
                const events = key.Statement.find((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: "events.amazonaws.com" }))!;
                assert.deepEqual([...(events.Action as string[])].sort(), ["kms:Decrypt", "kms:GenerateDataKey*"]);
            });

            it("page the fast burn of either objective's error budget as critical and warn of the slow burn, over the workbook's windows", async () => {
                const { resources } = await previewOf(stack);
                // Availability 99.9 % a month leaves a 0.1 % error budget; the error-rate objective allows 1 %.
                const budgets = { availability: 0.1, "error-rate": 1 };
                const pairs = [
                    { speed: "fast", burnRate: 14.4, long: 60, short: 5, severity: "critical" },
                    { speed: "slow", burnRate: 6, long: 360, short: 30, severity: "warning" },
                ];
                for (const [objective, budget] of Object.entries(budgets)) {
                    for (const pair of pairs) {
                        const name = `alarms-slo-${objective}-${pair.speed}-burn`;
                        const composite = single(resources, COMPOSITE, name);
                        const windows = [pair.long, pair.short].map((minutes) => {
                            const window = single(resources, ALARM, `${name}-${minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`}`);
                            const i = inputs(window);
                            for (const query of i.metricQueries.filter((q: Json) => q.metric)) assert.equal(query.metric.period, minutes * 60, window.name);
                            assert.ok(minutes * 60 * i.evaluationPeriods <= 86400, "period × evaluation periods within a day");
                            assert.ok(Math.abs(i.threshold - pair.burnRate * budget) < 1e-9, `${window.name}: ${i.threshold}`);
                            assert.equal(i.comparisonOperator, "GreaterThanThreshold");
                            assert.deepEqual([i.alarmActions, i.insufficientDataActions], [[], []], "the window notifies through its composite");
                            assert.ok(composite.propertyDependencies.alarmRule.includes(window.urn));
                            return i.name;
                        });
                        assert.equal(inputs(composite).alarmRule, `ALARM("${windows[0]}") AND ALARM("${windows[1]}")`);
                        assert.equal(inputs(composite).tags.Severity, pair.severity);
                    }
                }
            });

            it("alarm when 5xx exceed the profile's share of requests over its window, by metric math", async () => {
                const { config } = await previewOf(stack);
                const alarm = await alarmNamed("api-error-rate");
                assert.equal(alarm.threshold, config.alarms.errorRatePercent);
                assert.equal(alarm.comparisonOperator, "GreaterThanThreshold");
                const queries: Json[] = alarm.metricQueries;
                const metrics = queries.filter((q) => q.metric).map((q) => q.metric.metricName).sort();
                assert.deepEqual(metrics, ["HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", "RequestCount"]);
                for (const query of queries.filter((q) => q.metric)) {
                    assert.equal(query.metric.period, config.alarms.errorRateWindowMinutes * 60);
                    assert.equal(query.metric.stat, "Sum");
                    assert.equal(query.returnData, false);
                }
                const [expression] = queries.filter((q) => q.expression);
                assert.equal(expression.returnData, true);
                assert.match(expression.expression, /^IF\(requests > 0, 100 \* \(FILL\(failures0, 0\) \+ FILL\(failures1, 0\)\) \/ requests, 0\)$/);
                assert.equal(alarm.treatMissingData, "notBreaching");
            });

            it("alarm on p95 target response time over the profile's latency budget", async () => {
                const { config } = await previewOf(stack);
                const alarm = await alarmNamed("api-latency-p95");
                assert.equal(alarm.metricName, "TargetResponseTime");
                assert.equal(alarm.extendedStatistic, "p95");
                assert.equal(alarm.threshold, config.alarms.latencyP95Milliseconds / 1000);
                assert.equal(alarm.period, config.alarms.latencyWindowMinutes * 60);
            });

            it("repeat the error-rate and latency alarms for each slot's target group, so a bad green shows at once", async () => {
                const { resources, config } = await previewOf(stack);
                for (const slot of SLOT_NAMES) {
                    const errorRate = single(resources, ALARM, `alarms-${slot}-error-rate`);
                    const latency = single(resources, ALARM, `alarms-${slot}-latency-p95`);
                    const targetGroup = urnOf(resources, "aws:lb/targetGroup:TargetGroup", `api-lb-${slot}`);
                    assert.ok(errorRate.propertyDependencies.metricQueries.includes(targetGroup));
                    assert.ok(latency.propertyDependencies.dimensions.includes(targetGroup));
                    assert.match(inputs(latency).dimensions.TargetGroup, new RegExp(`^targetgroup/api-lb-${slot}-`));
                    assert.equal(inputs(errorRate).threshold, config.alarms.errorRatePercent);
                    assert.equal(inputs(latency).threshold, config.alarms.latencyP95Milliseconds / 1000);
                }
            });

            it("watch node and container CPU and memory from Container Insights at the profile's thresholds", async () => {
                const { config } = await previewOf(stack);
                const nodeCpu = await alarmNamed("node-cpu");
                const nodeMemory = await alarmNamed("node-memory");
                assert.deepEqual([nodeCpu.namespace, nodeCpu.metricName, nodeCpu.threshold], ["ContainerInsights", "node_cpu_utilization", config.alarms.cpuPercent]);
                assert.deepEqual([nodeMemory.metricName, nodeMemory.threshold], ["node_memory_utilization", config.alarms.memoryPercent]);
                assert.equal(nodeCpu.dimensions.ClusterName, `clinical-platform-${stack}`);
                assert.equal(nodeCpu.treatMissingData, "breaching", "a cluster that stops reporting is a problem");
                for (const slot of SLOT_NAMES) {
                    const cpu = await alarmNamed(`${slot}-container-cpu`);
                    const memory = await alarmNamed(`${slot}-container-memory`);
                    assert.deepEqual([cpu.metricName, cpu.threshold], ["pod_cpu_utilization_over_pod_limit", config.alarms.cpuPercent]);
                    assert.deepEqual([memory.metricName, memory.threshold], ["pod_memory_utilization_over_pod_limit", config.alarms.memoryPercent]);
                    assert.deepEqual(cpu.dimensions, { ClusterName: `clinical-platform-${stack}`, Namespace: `clinical-${slot}` });
                    assert.equal(cpu.treatMissingData, "notBreaching", "a slot without pods reports nothing");
                }
            });

            it("watch database CPU, free storage as a share of allocated bytes, and connections", async () => {
                const { config } = await previewOf(stack);
                const cpu = await alarmNamed("database-cpu");
                const storage = await alarmNamed("database-free-storage");
                const connections = await alarmNamed("database-connections");
                assert.deepEqual([cpu.namespace, cpu.metricName, cpu.threshold], ["AWS/RDS", "CPUUtilization", config.alarms.databaseCpuPercent]);
                assert.equal(cpu.dimensions.DBInstanceIdentifier, `clinical-platform-${stack}`);
                const bytes = config.database.allocatedStorageGiB * 1024 ** 3 * config.alarms.databaseFreeStoragePercent / 100;
                assert.deepEqual([storage.metricName, storage.comparisonOperator, storage.threshold], ["FreeStorageSpace", "LessThanThreshold", bytes]);
                assert.deepEqual([connections.metricName, connections.threshold], ["DatabaseConnections", config.alarms.databaseConnections]);
                for (const alarm of [cpu, storage, connections]) assert.equal(alarm.treatMissingData, "breaching");
            });
        });
    }

    it("give AWS Chatbot a role and a guardrail that only read CloudWatch, never the default AdministratorAccess", async () => {
        const { resources } = await previewOf("production");
        const channel = single(resources, SLACK);
        const role = single(resources, "aws:iam/role:Role", "alarms-routes-chatbot");
        assert.deepEqual(policyOf(role, "assumeRolePolicy").Statement.map((s) => s.Principal), [{ Service: "chatbot.amazonaws.com" }]);
        const grant = grantOf(resources, "alarms-routes-chatbot");
        assert.deepEqual(grant.Statement.flatMap((s) => s.Action as string[]).sort(), ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"]);
        const policy = single(resources, "aws:iam/policy:Policy", "alarms-routes-chatbot");
        assert.deepEqual(channel.propertyDependencies.guardrailPolicyArns, [policy.urn]);
        assert.ok(channel.propertyDependencies.iamRoleArn.includes(role.urn));
        assert.equal(inputs(channel).region, "us-east-2", "us-east-1 does not serve the Chatbot API");
    });

    it("page PagerDuty through a function that reads the key from the secret the stack file names, which no input holds", async () => {
        const { resources, config } = await previewOf("production");
        const secretName = config.alerts.pagerduty!.integrationKeySecret;
        const forwarder = inputs(single(resources, "aws:lambda/function:Function", "alarms-routes-pagerduty"));
        assert.deepEqual(forwarder.environment.variables, { INTEGRATION_KEY_SECRET: secretName });
        const reads = grantOf(resources, "alarms-routes-pagerduty").Statement.filter((s) => JSON.stringify(s.Action).includes("secretsmanager:"));
        assert.deepEqual(reads.map((s) => [s.Action, s.Resource]), [["secretsmanager:GetSecretValue", `arn:aws:secretsmanager:us-east-1:111122223333:secret:${secretName}-??????`]]);
        assert.equal(ofType(resources, "aws:secretsmanager/secretVersion:SecretVersion").filter((v) => JSON.stringify(v.inputs).includes("pagerduty")).length, 0);
        const permissions = ofType(resources, "aws:lambda/permission:Permission").filter((p) => p.name.startsWith("alarms-routes-pagerduty"));
        assert.deepEqual(permissions.map((p) => [inputs(p).principal, inputs(p).sourceArn.split(":").pop()]), [["sns.amazonaws.com", "clinical-platform-production-alarms-critical"]]);
        const delivery = inputs(single(resources, ALARM, "alarms-pagerduty-delivery"));
        assert.deepEqual([delivery.namespace, delivery.metricName, delivery.dimensions.FunctionName, delivery.threshold], ["AWS/Lambda", "Errors", forwarder.name, 0]);
        assertInPrivateSubnets(resources, "alarms-routes-pagerduty");
    });

    it("turn a free-storage percentage into bytes of the allocated storage", () => {
        assert.equal(freeStorageBytes(100, 10), 10 * 1024 ** 3);
        assert.equal(freeStorageBytes(20, 15), 3 * 1024 ** 3);
    });
});
