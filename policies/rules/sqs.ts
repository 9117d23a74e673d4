/**
 * SQS queues. Neither HIPAA anchor has an SQS rule; these hold queues to what the pack asks of
 * SNS topics. Inputs checked in the @pulumi/aws 7.48.0 sqs/*.d.ts on 2026-12-01: a queue's
 * policy and redrive policy are JSON strings, inline or as the QueuePolicy / RedrivePolicy
 * resources (which name the queue by `queueUrl`); `sqsManagedSseEnabled` is SQS-owned keys.
 */
import { deniesInsecureTransport, isPublicAllow, statementsOf } from "../lib/documents";
import { type ClinicalPolicy, resourceRule, stackRule } from "../lib/policy";
import { type StackResource, type StackView, refersTo } from "../lib/stack";
import { DEAD_LETTER_SOURCES, LAMBDA, SNS, SQS } from "../lib/types";
import { type Maybe, isKnown, isUnknown, presentOrPending } from "../lib/values";

/** Inputs of `aws.sqs.Queue` the rules read. */
export interface QueueInputs {
    name?: Maybe<string>;
    kmsMasterKeyId?: Maybe<string>;
    sqsManagedSseEnabled?: Maybe<boolean>;
    policy?: unknown;
    redrivePolicy?: Maybe<string>;
    redriveAllowPolicy?: Maybe<string>;
}

/** Inputs of `aws.sqs.QueuePolicy` (and `RedrivePolicy`, `RedriveAllowPolicy`) the rules read. */
export interface QueueAttachmentInputs {
    queueUrl?: Maybe<string>;
    policy?: unknown;
    redrivePolicy?: Maybe<string>;
}

/** The AWS-managed SQS key, which other accounts' services cannot be granted. */
const AWS_MANAGED_SQS_KEY = /(^|:)alias\/aws\/sqs$/;

export const sqsQueueCustomerManagedKey = resourceRule<QueueInputs>({
    name: "sqs-queue-customer-managed-key",
    description: "SQS queues encrypt messages with a customer-managed KMS key, not SQS-owned keys or the aws/sqs key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.1"],
    remediation: "Set kmsMasterKeyId to a customer-managed key (the platform's logs or data key) and leave sqsManagedSseEnabled unset.",
    resourceTypes: [SQS.queue],
    *check(queue) {
        const key = queue.kmsMasterKeyId;
        if (!presentOrPending(key)) {
            yield queue.sqsManagedSseEnabled === true
                ? "sqsManagedSseEnabled encrypts messages under SQS-owned keys, which the account cannot control or audit; kmsMasterKeyId is not set."
                : "kmsMasterKeyId is not set, so messages are encrypted under SQS-owned keys at best.";
        } else if (isKnown(key) && AWS_MANAGED_SQS_KEY.test(key)) {
            yield "kmsMasterKeyId names the AWS-managed alias/aws/sqs key, whose policy the account cannot restrict.";
        }
    },
});

/** The queue's policy documents: inline, and every QueuePolicy naming the queue. */
function policyDocumentsOf(stack: StackView, queue: StackResource): unknown[] {
    const attached = stack
        .ofType(SQS.queuePolicy)
        .filter((policy) => refersTo(policy, "queueUrl", queue, ["url", "id"]))
        .map((policy) => policy.props<QueueAttachmentInputs>().policy);
    return [queue.props<QueueInputs>().policy, ...attached].filter((document) => document !== undefined && document !== null);
}

/**
 * Required on every queue, as for SNS topics: SQS still answers on plain HTTP endpoints, and a
 * queue without a policy has nothing that refuses them.
 */
export const sqsQueueSslOnly = stackRule({
    name: "sqs-queue-ssl-only",
    description: "Every SQS queue has a policy that denies requests made without TLS.",
    severity: "medium",
    category: "encryption",
    hipaa: ["164.312(e)(1)"],
    soc2: ["CC6.7"],
    remediation:
        'Attach a QueuePolicy with a Deny for Principal "*" on "sqs:*" under {Bool: {"aws:SecureTransport": "false"}} '
        + "(components/failure-queue.ts does).",
    resourceTypes: [SQS.queue],
    *check(stack) {
        for (const queue of stack.ofType(SQS.queue)) {
            const enforced = policyDocumentsOf(stack, queue).some((document) => {
                const statements = statementsOf(document);
                return isUnknown(statements) || (statements?.some(deniesInsecureTransport) ?? false);
            });
            if (!enforced) {
                yield { resource: queue, message: "No queue policy denies requests made without TLS (aws:SecureTransport = false)." };
            }
        }
    },
});

export const sqsQueuePolicyNoPublic = resourceRule<QueueInputs & QueueAttachmentInputs>({
    name: "sqs-queue-policy-no-public",
    description: "SQS queue policies allow nothing to everyone without a narrowing condition.",
    severity: "critical",
    category: "public-access",
    hipaa: ["164.312(a)(1)"],
    soc2: ["CC6.1", "CC6.3"],
    remediation: "Name the principals that send or receive (a service with aws:SourceArn, or a role) instead of \"*\".",
    resourceTypes: [SQS.queue, SQS.queuePolicy],
    *check(inputs) {
        const statements = statementsOf(inputs.policy);
        if (Array.isArray(statements) && statements.some(isPublicAllow)) {
            yield 'The queue policy allows Principal "*" without a condition, so anyone could read or send messages.';
        }
    },
});

/**
 * Where a queue can be named as the dead-letter target of something else, by property path.
 * A queue named there is itself a dead-letter queue, and needs no redrive policy of its own.
 */
const DEAD_LETTER_REFERENCES: readonly (readonly [string, string])[] = [
    [SQS.queue, "redrivePolicy"],
    [SQS.redrivePolicy, "redrivePolicy"],
    [LAMBDA.function, "deadLetterConfig"],
    [LAMBDA.eventInvokeConfig, "destinationConfig"],
    [SNS.subscription, "redrivePolicy"],
    [DEAD_LETTER_SOURCES.eventTarget, "deadLetterConfig"],
    [DEAD_LETTER_SOURCES.schedule, "target"],
];

/** Whether `source` names `queue` under `property`: by property dependency, or by the queue's ARN in a known value. */
function names(source: StackResource, property: string, queue: StackResource): boolean {
    if (source.propertyDependencies[property]?.includes(queue.urn)) {
        return true;
    }
    const name = queue.props<QueueInputs>().name;
    if (!isKnown(name) || typeof name !== "string") {
        return false;
    }
    const value = source.props<Record<string, unknown>>()[property];
    return stringLeaves(value).some((text) => text.endsWith(`:${name}`) && text.startsWith("arn:") && text.includes(":sqs:"));
}

/** Every string in a value, with JSON strings (redrive policies) opened up. */
function stringLeaves(value: unknown): string[] {
    if (typeof value === "string") {
        if (value.startsWith("{")) {
            try {
                return stringLeaves(JSON.parse(value) as unknown);
            } catch {
                return [value];
            }
        }
        return [value];
    }
    if (Array.isArray(value)) {
        return value.flatMap(stringLeaves);
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value).flatMap(stringLeaves);
    }
    return [];
}

export const sqsQueueDeadLetter = stackRule({
    name: "sqs-queue-dead-letter",
    description: "SQS queues either move messages that keep failing to a dead-letter queue, or are a dead-letter queue themselves.",
    severity: "medium",
    category: "availability",
    hipaa: ["164.312(c)(1)", "164.308(a)(7)(ii)(B)"],
    soc2: ["A1.2", "PI1.4"],
    remediation:
        "Give the queue a redrivePolicy (inline or aws.sqs.RedrivePolicy) naming a dead-letter queue, or make it one: "
        + "the target of another queue's redrive policy, a function's on-failure destination or dead-letter config, "
        + "or a subscription's or EventBridge target's dead-letter queue (or set its redriveAllowPolicy).",
    resourceTypes: [SQS.queue],
    *check(stack) {
        const queues = stack.ofType(SQS.queue);
        const redrivePolicies = stack.ofType(SQS.redrivePolicy);
        const redriveAllowPolicies = stack.ofType(SQS.redriveAllowPolicy);
        const sources = DEAD_LETTER_REFERENCES.flatMap(([type, property]) => stack.ofType(type).map((resource) => [resource, property] as const));
        for (const queue of queues) {
            const inputs = queue.props<QueueInputs>();
            const redrives = presentOrPending(inputs.redrivePolicy)
                || redrivePolicies.some((policy) => refersTo(policy, "queueUrl", queue, ["url", "id"]));
            const isDeadLetterQueue = presentOrPending(inputs.redriveAllowPolicy)
                || redriveAllowPolicies.some((policy) => refersTo(policy, "queueUrl", queue, ["url", "id"]))
                || sources.some(([source, property]) => source !== queue && names(source, property, queue));
            if (!redrives && !isDeadLetterQueue) {
                yield { resource: queue, message: "The queue has no redrive policy and is no dead-letter queue, so a message that keeps failing is retried until it expires." };
            }
        }
    },
});

export const sqsPolicies: ClinicalPolicy[] = [sqsQueueCustomerManagedKey, sqsQueueSslOnly, sqsQueuePolicyNoPublic, sqsQueueDeadLetter];
