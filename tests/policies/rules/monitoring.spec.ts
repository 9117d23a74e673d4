import { CHATBOT, CLOUDWATCH, LB, RDS, SNS } from "../../../policies/lib/types";
import * as cloudwatch from "../../../policies/rules/cloudwatch";
import * as sns from "../../../policies/rules/sns";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { type TestResource, UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const topic = resource(SNS.topic, "alerts", { kmsMasterKeyId: UNKNOWN });
const alarm = (name: string, inputs: Record<string, unknown>, references: Record<string, TestResource | TestResource[]> = {}) =>
    resource(CLOUDWATCH.metricAlarm, name, { comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 1, threshold: 80, ...inputs }, references);
const notifying = (name: string, inputs: Record<string, unknown> = {}, references: Record<string, TestResource> = {}) =>
    alarm(name, { alarmActions: [UNKNOWN], insufficientDataActions: [UNKNOWN], ...inputs }, { alarmActions: topic, insufficientDataActions: topic, ...references });
const tlsDeny = {
    Statement: [
        { Effect: "Deny", Principal: "*", Action: ["sns:Publish", "sns:Subscribe"], Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
    ],
};

describe("CloudWatch policies", () => {
    const composite = (name: string, inputs: Record<string, unknown>, windows: TestResource[]) =>
        resource(CLOUDWATCH.compositeAlarm, name, { alarmRule: UNKNOWN, ...inputs }, { alarmRule: windows, alarmActions: topic, insufficientDataActions: topic });
    const burnWindow = (name: string) => alarm(name, { name: `clinical-${name}`, alarmActions: [], okActions: [], insufficientDataActions: [] });
    describeStackPolicy(cloudwatch.cloudwatchAlarmHasActions, {
        accepts: {
            "an alarm notifying the alerts topic on ALARM and INSUFFICIENT_DATA": [topic, notifying("cpu")],
            "burn-rate windows without actions that a composite alarm with actions reads": [
                topic, burnWindow("burn-1h"), burnWindow("burn-5m"),
                composite("burn", { alarmActions: [UNKNOWN], insufficientDataActions: [UNKNOWN] }, [burnWindow("burn-1h"), burnWindow("burn-5m")]),
            ],
            "a window read by a composite whose rule names it, with no dependency recorded": [
                topic, burnWindow("burn-1h"),
                resource(CLOUDWATCH.compositeAlarm, "burn", { alarmRule: 'ALARM("clinical-burn-1h") AND ALARM("x")', alarmActions: ["arn:aws:sns:eu-west-1:123456789012:critical"], insufficientDataActions: ["arn:aws:sns:eu-west-1:123456789012:critical"] }),
            ],
        },
        rejects: {
            "an alarm with no actions": { resources: [alarm("cpu", {})], offenders: ["cpu"], message: /no alarmActions/ },
            "an alarm whose actions are disabled": { resources: [topic, notifying("cpu", { actionsEnabled: false })], offenders: ["cpu"], message: /changes state silently/ },
            "an alarm that says nothing when its data stops (the HIPAA conformance pack's cloudwatch-alarm-action-check)": {
                resources: [topic, alarm("cpu", { alarmActions: [UNKNOWN] }, { alarmActions: topic })],
                offenders: ["cpu"],
                message: /no insufficientDataActions/,
            },
            "a composite alarm without actions, and so the windows it reads": {
                resources: [burnWindow("burn-1h"), resource(CLOUDWATCH.compositeAlarm, "burn", { alarmRule: UNKNOWN }, { alarmRule: [burnWindow("burn-1h")] })],
                offenders: ["burn", "burn-1h"],
                message: /no alarmActions/,
            },
        },
    });

    describeStackPolicy(cloudwatch.cloudwatchAlarmNotifiesSns, {
        accepts: {
            "an alarm whose action is the topic created in the same preview": [topic, notifying("cpu")],
            "an alarm naming an existing topic by ARN": [alarm("cpu", { alarmActions: ["arn:aws:sns:eu-west-1:123456789012:oncall"] })],
            "a burn-rate window that notifies through the composite alarm reading it": [
                topic, burnWindow("burn-5m"), composite("burn", { alarmActions: [UNKNOWN], insufficientDataActions: [UNKNOWN] }, [burnWindow("burn-5m")]),
            ],
        },
        rejects: {
            "an alarm that only triggers an auto-scaling policy": {
                resources: [topic, alarm("cpu", { alarmActions: ["arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:x"] })],
                offenders: ["cpu"],
                message: /None of the alarm's actions is an SNS topic/,
            },
        },
    });

    const logGroup = (inputs: Record<string, unknown>) => resource(CLOUDWATCH.logGroup, "flow-logs", inputs);
    describeResourcePolicy(cloudwatch.cloudwatchLogGroupKms, {
        accepts: { "a log group under the logs key": logGroup({ kmsKeyId: UNKNOWN, retentionInDays: 365 }) },
        rejects: { "a log group without a key": [logGroup({ retentionInDays: 365 }), /kmsKeyId is not set/] },
    });

    describeResourcePolicy(cloudwatch.cloudwatchLogGroupRetention, {
        accepts: {
            "a year of retention in production": logGroup({ retentionInDays: 365 }),
            "thirty days where dev allows it": { subject: logGroup({ retentionInDays: 30 }), config: { minimumDays: 30 } },
        },
        rejects: {
            "thirty days in production": [logGroup({ retentionInDays: 30 }), /kept 30 days; this environment requires at least 365/],
            "a retention unknown in preview": [logGroup({ retentionInDays: UNKNOWN }), /retentionInDays is not set/],
            "a log group that never expires events": [logGroup({}), /kept forever/],
        },
    });

    const database = resource(RDS.instance, "db", { engine: "postgres", identifier: "clinical-db" });
    const balancer = resource(LB.loadBalancer[0], "alb", { loadBalancerType: "application" });
    const network = resource(LB.loadBalancer[1], "nlb", { loadBalancerType: "network" });
    describeStackPolicy(cloudwatch.cloudwatchRequiredAlarms, {
        accepts: {
            "a database and a load balancer each watched by an alarm": [
                database,
                balancer,
                topic,
                notifying("db-cpu", { dimensions: { DBInstanceIdentifier: "clinical-db" } }),
                notifying("alb-5xx", { dimensions: { LoadBalancer: UNKNOWN } }, { dimensions: balancer }),
            ],
            "a network load balancer, which this rule leaves alone": [network],
        },
        rejects: {
            "a database nobody watches": {
                resources: [database, balancer, notifying("alb-5xx", { dimensions: { LoadBalancer: UNKNOWN } }, { dimensions: balancer })],
                offenders: ["db"],
                message: /No CloudWatch alarm watches this database instance/,
            },
            "an alb-token load balancer nobody watches": {
                resources: [resource(LB.loadBalancer[1], "edge", {})],
                offenders: ["edge"],
                message: /No CloudWatch alarm watches this load balancer/,
            },
        },
    });
});

describe("SNS policies", () => {
    describeResourcePolicy(sns.snsTopicKmsEncryption, {
        accepts: { "a topic under the alerts key": topic },
        rejects: {
            "an unencrypted topic": [resource(SNS.topic, "t", {}), /stored unencrypted/],
            "a topic under the AWS-managed SNS key": [resource(SNS.topic, "t", { kmsMasterKeyId: "alias/aws/sns" }), /CloudWatch alarms cannot publish/],
        },
    });

    describeStackPolicy(sns.snsTopicSslPublishOnly, {
        accepts: {
            "a topic with a TLS-only topic policy": [topic, resource(SNS.topicPolicy, "alerts-policy", { arn: UNKNOWN, policy: JSON.stringify(tlsDeny) }, { arn: topic })],
            "a topic with an inline TLS-only policy": [resource(SNS.topic, "inline", { policy: tlsDeny })],
        },
        rejects: {
            "a topic without a TLS-only policy": { resources: [topic], offenders: ["alerts"], message: /without TLS/ },
        },
    });

    describeResourcePolicy(sns.snsSubscriptionNoHttp, {
        accepts: { "an HTTPS webhook": resource(SNS.subscription, "pager", { topic: UNKNOWN, protocol: "https", endpoint: "https://pager.example.com/hook" }) },
        rejects: { "a plain HTTP webhook": [resource(SNS.subscription, "pager", { protocol: "http", endpoint: "http://pager.example.com" }), /plain HTTP/] },
    });

    const phi = { DataClassification: "phi" };
    const criticalTopic = resource(SNS.topic, "critical", { kmsMasterKeyId: UNKNOWN, tags: { ...phi, Severity: "critical" } });
    const warningTopic = resource(SNS.topic, "warning", { kmsMasterKeyId: UNKNOWN, tags: { ...phi, Severity: "warning" } });
    const emailTo = (target: TestResource) => resource(SNS.subscription, `${target.name}-email`, { topic: UNKNOWN, protocol: "email", endpoint: "oncall@example.com" }, { topic: target });
    describeStackPolicy(sns.snsCriticalAlarmsReachAChannel, {
        accepts: {
            "a PHI stack whose critical topic has an e-mail subscription": [criticalTopic, warningTopic, emailTo(criticalTopic)],
            "a PHI stack whose critical topic feeds a Slack channel through AWS Chatbot": [
                criticalTopic,
                resource(CHATBOT.slackChannel, "slack", { configurationName: "alarms", snsTopicArns: [UNKNOWN] }, { snsTopicArns: [criticalTopic] }),
            ],
        },
        notApplicable: {
            "a stack without PHI": [resource(SNS.topic, "critical", { tags: { DataClassification: "internal", Severity: "critical" } })],
        },
        rejects: {
            "a PHI stack whose critical topic nobody receives (only the warning topic has a subscriber)": {
                resources: [criticalTopic, warningTopic, emailTo(warningTopic)],
                offenders: ["critical"],
                message: /critical alarms of a PHI stack reach nobody/,
            },
            "a PHI stack with no topic for critical alarms": {
                resources: [warningTopic, emailTo(warningTopic)],
                offenders: ["warning"],
                message: /no SNS topic is tagged Severity critical/,
            },
        },
    });

    describeResourcePolicy(sns.snsTopicPolicyNoPublic, {
        accepts: {
            "a policy for CloudWatch with a source-account condition": resource(SNS.topicPolicy, "p", {
                policy: JSON.stringify({
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Service: "cloudwatch.amazonaws.com" },
                            Action: "sns:Publish",
                            Resource: "*",
                            Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
                        },
                    ],
                }),
            }),
        },
        rejects: {
            "a policy letting anyone publish": [
                resource(SNS.topicPolicy, "p", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "sns:Publish", Resource: "*" }] }) }),
                /anyone could publish/,
            ],
        },
    });
});
