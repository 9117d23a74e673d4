import { LAMBDA, SNS, SQS } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/sqs";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { type TestResource, UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const queue = (name: string, inputs: Record<string, unknown> = {}, references: Record<string, TestResource> = {}) =>
    resource(SQS.queue, name, { name, kmsMasterKeyId: UNKNOWN, ...inputs }, references);
const tlsOnly = (resourceArn: unknown = UNKNOWN) =>
    JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: resourceArn, Condition: { Bool: { "aws:SecureTransport": "false" } } }],
    });
const queuePolicy = (target: TestResource, policy: unknown = UNKNOWN) => resource(SQS.queuePolicy, `${target.name}-policy`, { queueUrl: UNKNOWN, policy }, { queueUrl: target, policy: target });
const failures = queue("rollback-failures");
const fn = resource(LAMBDA.function, "rollback", { name: "rollback", runtime: "nodejs24.x" });
const onFailure = (target: TestResource) =>
    resource(LAMBDA.eventInvokeConfig, "rollback-async", { functionName: UNKNOWN, destinationConfig: { onFailure: { destination: UNKNOWN } } }, { functionName: fn, destinationConfig: target });
const other = resource("aws:sns/topic:Topic", "alerts", { kmsMasterKeyId: UNKNOWN });

describe("SQS policies", () => {
    describeResourcePolicy(rules.sqsQueueCustomerManagedKey, {
        accepts: { "a queue under the logs key": failures, "a known key ARN": queue("jobs", { kmsMasterKeyId: "arn:aws:kms:eu-west-1:123456789012:key/logs" }) },
        notApplicable: { "a topic": other, "a queue policy": queuePolicy(failures) },
        rejects: {
            "no key (the SQS-owned default)": [queue("jobs", { kmsMasterKeyId: undefined }), /kmsMasterKeyId is not set/],
            "SQS-managed encryption": [queue("jobs", { kmsMasterKeyId: undefined, sqsManagedSseEnabled: true }), /SQS-owned keys/],
            "the aws/sqs alias": [queue("jobs", { kmsMasterKeyId: "alias/aws/sqs" }), /alias\/aws\/sqs/],
            "an empty key": [queue("jobs", { kmsMasterKeyId: "" }), /kmsMasterKeyId is not set/],
        },
    });

    describeStackPolicy(rules.sqsQueueSslOnly, {
        accepts: {
            "a queue with a TLS-only QueuePolicy (as components/failure-queue.ts builds it)": [failures, queuePolicy(failures)],
            "a queue whose policy names it by a known URL": [
                failures,
                resource(SQS.queuePolicy, "p", { queueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/rollback-failures", policy: tlsOnly("arn:aws:sqs:eu-west-1:123456789012:rollback-failures") }),
            ].map((r, i) => (i === 0 ? { ...r, inputs: { ...r.inputs, url: "https://sqs.eu-west-1.amazonaws.com/123456789012/rollback-failures" } } : r)),
            "an inline TLS-only policy": [queue("jobs", { policy: tlsOnly() })],
        },
        notApplicable: { "a stack without queues": [other] },
        rejects: {
            "a queue without a policy": { resources: [failures], offenders: ["rollback-failures"], message: /No queue policy denies requests made without TLS/ },
            "a policy for another queue only": { resources: [failures, queue("jobs"), queuePolicy(queue("jobs"), tlsOnly())], offenders: ["rollback-failures"], message: /aws:SecureTransport/ },
            "a policy that allows rather than denies": {
                resources: [failures, queuePolicy(failures, JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "*" }] }))],
                offenders: ["rollback-failures"],
                message: /without TLS/,
            },
        },
    });

    describeResourcePolicy(rules.sqsQueuePolicyNoPublic, {
        accepts: {
            "a TLS-only deny for everyone": queuePolicy(failures, tlsOnly()),
            "everyone, narrowed to one source": queuePolicy(failures, JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*", Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:sns:eu-west-1:123456789012:alerts" } } }] })),
            "an inline policy for a service": queue("jobs", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "*" }] }) }),
        },
        notApplicable: { "a topic": other },
        rejects: {
            "everyone may receive": [queuePolicy(failures, JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sqs:ReceiveMessage", Resource: "*" }] })), /anyone could read or send/],
            "an inline policy open to everyone": [queue("jobs", { policy: { Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:*", Resource: "*" }] } }), /Principal "\*"/],
        },
    });

    describeStackPolicy(rules.sqsQueueDeadLetter, {
        accepts: {
            "a function's on-failure queue (a dead-letter queue)": [fn, failures, onFailure(failures)],
            "a work queue redriving to its dead-letter queue, by reference": [
                queue("jobs", { redrivePolicy: UNKNOWN }, { redrivePolicy: queue("jobs-dlq") }),
                queue("jobs-dlq"),
            ],
            "a dead-letter queue named by ARN in a known redrive policy": [
                queue("jobs", { redrivePolicy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:eu-west-1:123456789012:jobs-dlq", maxReceiveCount: 5 }) }),
                queue("jobs-dlq"),
            ],
            "a standalone RedrivePolicy and a queue that allows redrive": [
                queue("jobs"),
                resource(SQS.redrivePolicy, "jobs-redrive", { queueUrl: UNKNOWN, redrivePolicy: UNKNOWN }, { queueUrl: queue("jobs") }),
                queue("jobs-dlq", { redriveAllowPolicy: JSON.stringify({ redrivePermission: "allowAll" }) }),
            ],
            "an SNS subscription's dead-letter queue": [
                queue("alerts-dlq"),
                resource(SNS.subscription, "alerts-to-lambda", { protocol: "lambda", topic: UNKNOWN, endpoint: UNKNOWN, redrivePolicy: UNKNOWN }, { redrivePolicy: queue("alerts-dlq") }),
            ],
        },
        notApplicable: { "a stack without queues": [other] },
        rejects: {
            "a work queue without redrive": { resources: [queue("jobs")], offenders: ["jobs"], message: /no redrive policy and is no dead-letter queue/ },
            "an on-failure queue of another function is not this queue": {
                resources: [fn, failures, onFailure(failures), queue("jobs")],
                offenders: ["jobs"],
                message: /retried until it expires/,
            },
            "an empty redrive policy": { resources: [queue("jobs", { redrivePolicy: "" })], offenders: ["jobs"], message: /no redrive policy/ },
        },
    });
});
