import { strict as assert } from "assert";
import { freeStorageBytes } from "../../components/alarms";
import { SLOT_NAMES } from "../../stacks";
import { STACKS, ofType, policyOf, previewOf, single } from "../harness/stacks";
import { Json, inputs, urnOf } from "./support";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "aws:sns/topic:Topic";

describe("the alarms", () => {
    for (const stack of STACKS) {
        describe(`in ${stack}`, () => {
            const alarmNamed = async (suffix: string) => {
                const { resources } = await previewOf(stack);
                return inputs(single(resources, ALARM, `alarms-${suffix}`));
            };

            it("publish to one topic encrypted with the logs key, with an e-mail subscription per configured address", async () => {
                const { resources, config } = await previewOf(stack);
                const topic = single(resources, TOPIC);
                assert.deepEqual(topic.propertyDependencies.kmsMasterKeyId, [urnOf(resources, "aws:kms/key:Key", "keys-logs")]);
                const subscriptions = ofType(resources, "aws:sns/topicSubscription:TopicSubscription").map(inputs);
                assert.deepEqual(subscriptions.map((s) => s.endpoint).sort(), [...config.alertEmails].sort());
                for (const subscription of subscriptions) assert.equal(subscription.protocol, "email");
                const policy = policyOf(single(resources, "aws:sns/topicPolicy:TopicPolicy"));
                const publish = policy.Statement.find((s) => s.Effect === "Allow")!;
                assert.deepEqual(publish.Principal, { Service: "cloudwatch.amazonaws.com" });
                assert.ok(policy.Statement.some((s) => s.Effect === "Deny" && JSON.stringify(s.Condition).includes("aws:SecureTransport")));
            });

            it("notify on alarm and on recovery, every one of them, and say how they treat missing data", async () => {
                const { resources, config } = await previewOf(stack);
                const topicArn = inputs(single(resources, TOPIC)).name;
                const alarms = ofType(resources, ALARM);
                assert.equal(alarms.length, 2 + 2 + 3 + 4 * SLOT_NAMES.length + (config.release.autoRollback ? 1 : 0) + (config.release.snapshotBeforeMigration ? 1 : 0),
                    "service, nodes, database, four per slot, and the failures of the automatic rollback and of the release snapshot expiry");
                for (const alarm of alarms) {
                    const i = inputs(alarm);
                    assert.equal(i.actionsEnabled, true, alarm.name);
                    assert.equal(i.alarmActions.length, 1, alarm.name);
                    assert.deepEqual(i.okActions, i.alarmActions, alarm.name);
                    assert.match(i.alarmActions[0], new RegExp(`^arn:aws:sns:.*:${topicArn}$`), alarm.name);
                    assert.ok(["notBreaching", "breaching"].includes(i.treatMissingData), alarm.name);
                    assert.ok(i.alarmDescription, alarm.name);
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

    it("turn a free-storage percentage into bytes of the allocated storage", () => {
        assert.equal(freeStorageBytes(100, 10), 10 * 1024 ** 3);
        assert.equal(freeStorageBytes(20, 15), 3 * 1024 ** 3);
    });
});
