/**
 * Where a function that services invoke asynchronously (EventBridge rules and schedules) keeps the
 * invocations it failed: an encrypted, TLS-only queue holding each failed event with its error for
 * 14 days (the SQS maximum, @pulumi/aws 7.48.0 sqs.Queue docs), and an alarm on the alarm topic as
 * soon as one arrives, so a failure is never only a log line.
 */
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "./iam";

export interface FailureQueueArgs {
    /** The function's name; the queue is `<name>-failures`, the alarm `<name>-failed`. */
    functionName: string;
    /** What a person reads when the alarm fires: what failed and where to look. */
    alarmDescription: string;
    /** Key of the queue (the logs key); the function's role needs a data key of it to send. */
    keyArn: pulumi.Input<string>;
    /**
     * The critical alarm topic, which the alarm tells: a failure here needs a person. Absent: no alarm,
     * for a function whose failures another alarm already reports.
     */
    alarmTopicArn?: pulumi.Input<string>;
}

/** Creates the queue and its alarm as children of `scope`, named after `name`; returns the queue. */
export function failureQueue(scope: pulumi.Resource, name: string, args: FailureQueueArgs): aws.sqs.Queue {
    const parent = { parent: scope };
    const queue = new aws.sqs.Queue(`${name}-failures`, {
        name: `${args.functionName}-failures`,
        kmsMasterKeyId: args.keyArn,
        messageRetentionSeconds: 14 * 24 * 3600,
    }, parent);
    new aws.sqs.QueuePolicy(`${name}-failures`, {
        queueUrl: queue.url,
        policy: policyDocument([{
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "sqs:*",
            Resource: queue.arn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        }]),
    }, parent);
    if (args.alarmTopicArn === undefined) return queue;
    new aws.cloudwatch.MetricAlarm(`${name}-failed`, {
        name: `${args.functionName}-failed`,
        alarmDescription: args.alarmDescription,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue.name },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
        actionsEnabled: true,
        alarmActions: [args.alarmTopicArn],
        okActions: [args.alarmTopicArn],
        insufficientDataActions: [args.alarmTopicArn],
        tags: { Severity: "critical" },
    }, parent);
    return queue;
}
