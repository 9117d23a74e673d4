import { deniesInsecureTransport, isPublicAllow, statementsOf } from "../lib/documents";
import { type ClinicalPolicy, resourceRule, stackRule } from "../lib/policy";
import { type StackResource, refersTo } from "../lib/stack";
import { CHATBOT, CLOUDWATCH, SNS } from "../lib/types";
import { type Maybe, isKnown, isUnknown, presentOrPending } from "../lib/values";

/** Inputs of `aws.sns.Topic` the rules read. */
export interface TopicInputs {
    kmsMasterKeyId?: Maybe<string>;
    policy?: unknown;
}

/** Inputs of `aws.sns.TopicPolicy` the rules read. */
export interface TopicPolicyInputs {
    arn?: Maybe<string>;
    policy?: unknown;
}

/** Inputs of `aws.sns.TopicSubscription` the rules read. */
export interface TopicSubscriptionInputs {
    protocol?: Maybe<string>;
    topic?: Maybe<string>;
}

/** The tags the routing rule reads: the stack's data class and the severity a topic carries. */
interface TaggedInputs {
    tags?: Maybe<Record<string, Maybe<string>>>;
}

function tagOf(resource: StackResource, key: string): Maybe<string> {
    const tags = resource.props<TaggedInputs>().tags;
    return isKnown(tags) ? tags[key] : undefined;
}

/** CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key. */
const AWS_MANAGED_SNS_KEY = /(^|:)alias\/aws\/sns$/;

export const snsTopicKmsEncryption = resourceRule<TopicInputs>({
    name: "sns-topic-kms-encryption",
    description: "SNS topics are encrypted at rest with a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.308(a)(1)(ii)(B)", "164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.1"],
    anchors: { awsConfig: ["SNS_ENCRYPTED_KMS"], cdkNag: ["SNSEncryptedKMS"] },
    remediation: "Set kmsMasterKeyId to a customer-managed key whose policy lets cloudwatch.amazonaws.com use it.",
    resourceTypes: [SNS.topic],
    *check(topic) {
        const key = topic.kmsMasterKeyId;
        if (!presentOrPending(key)) {
            yield "kmsMasterKeyId is not set, so messages are stored unencrypted.";
        } else if (isKnown(key) && AWS_MANAGED_SNS_KEY.test(key)) {
            yield "The topic uses the AWS-managed alias/aws/sns key, which CloudWatch alarms cannot publish with.";
        }
    },
});

export const snsTopicSslPublishOnly = stackRule({
    name: "sns-topic-ssl-publish-only",
    description: "SNS topic policies deny publishing and subscribing without TLS.",
    severity: "medium",
    category: "encryption",
    hipaa: ["164.312(e)(1)"],
    soc2: ["CC6.7"],
    remediation:
        'Attach a TopicPolicy with a Deny for Principal "*" on sns:Publish and sns:Subscribe under {Bool: {"aws:SecureTransport": "false"}}.',
    resourceTypes: [SNS.topic],
    *check(stack) {
        const policies = stack.ofType(SNS.topicPolicy);
        for (const topic of stack.ofType(SNS.topic)) {
            const documents = [
                topic.props<TopicInputs>().policy,
                ...policies.filter((p) => refersTo(p, "arn", topic, ["arn", "id"])).map((p) => p.props<TopicPolicyInputs>().policy),
            ].filter((document) => document !== undefined && document !== null);
            const enforced = documents.some((document) => {
                const statements = statementsOf(document);
                return isUnknown(statements) || (statements?.some(deniesInsecureTransport) ?? false);
            });
            if (!enforced) {
                yield { resource: topic, message: "No topic policy denies requests made without TLS (aws:SecureTransport = false)." };
            }
        }
    },
});

export const snsSubscriptionNoHttp = resourceRule<TopicSubscriptionInputs>({
    name: "sns-subscription-no-http",
    description: "SNS never delivers notifications over plain HTTP.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(e)(1)"],
    soc2: ["CC6.7"],
    remediation: 'Use protocol "https" (or email, sqs, lambda) for the subscription.',
    resourceTypes: [SNS.subscription],
    *check(subscription) {
        if (subscription.protocol === "http") {
            yield "The subscription delivers messages over plain HTTP.";
        }
    },
});

export const snsTopicPolicyNoPublic = resourceRule<TopicInputs & TopicPolicyInputs>({
    name: "sns-topic-policy-no-public",
    description: "SNS topic policies allow nothing to everyone without a narrowing condition.",
    severity: "critical",
    category: "public-access",
    hipaa: ["164.312(a)(1)"],
    soc2: ["CC6.1"],
    remediation: "Allow only named principals (e.g. cloudwatch.amazonaws.com with aws:SourceAccount).",
    resourceTypes: [SNS.topic, SNS.topicPolicy],
    *check(inputs) {
        const statements = statementsOf(inputs.policy);
        if (Array.isArray(statements) && statements.some(isPublicAllow)) {
            yield 'The topic policy allows Principal "*" without a condition, so anyone could publish or subscribe.';
        }
    },
});

export const snsCriticalAlarmsReachAChannel = stackRule({
    name: "sns-critical-alarms-reach-a-channel",
    description: "A stack holding PHI has a critical alarm topic (tagged Severity critical) that at least one channel receives: a subscription or a chat channel.",
    severity: "high",
    category: "logging",
    hipaa: ["164.308(a)(6)(ii)"],
    soc2: ["CC7.3", "CC7.4"],
    remediation:
        "Tag the topic of critical alarms Severity=critical and route at least one channel to it (clinical-platform:alerts routing.critical: "
        + "an e-mail subscription, the Slack channel's Chatbot configuration, or PagerDuty).",
    resourceTypes: [SNS.topic, CLOUDWATCH.metricAlarm, CLOUDWATCH.compositeAlarm],
    *check(stack, context) {
        const topics = stack.ofType(SNS.topic);
        const tagged = [...topics, ...stack.ofType(CLOUDWATCH.metricAlarm, CLOUDWATCH.compositeAlarm)];
        const phi = tagged.find((resource) => tagOf(resource, "DataClassification") === "phi");
        if (phi === undefined) {
            context.notApplicable("No topic or alarm of the stack is classified as PHI.");
        }
        const critical = topics.filter((topic) => tagOf(topic, "Severity") === "critical");
        if (critical.length === 0) {
            yield { resource: phi, message: "This stack holds PHI but no SNS topic is tagged Severity critical, so critical alarms have no route to people." };
            return;
        }
        const subscriptions = stack.ofType(SNS.subscription);
        const chats = stack.ofType(CHATBOT.slackChannel, CHATBOT.teamsChannel);
        for (const topic of critical) {
            const subscribed = subscriptions.some((subscription) => refersTo(subscription, "topic", topic, ["arn", "id"]));
            const chatted = chats.some((chat) => refersTo(chat, "snsTopicArns", topic, ["arn", "id"]));
            if (!subscribed && !chatted) {
                yield { resource: topic, message: "No subscription or chat channel receives this critical alarm topic, so critical alarms of a PHI stack reach nobody." };
            }
        }
    },
});

export const snsPolicies: ClinicalPolicy[] = [
    snsTopicKmsEncryption,
    snsTopicSslPublishOnly,
    snsSubscriptionNoHttp,
    snsTopicPolicyNoPublic,
    snsCriticalAlarmsReachAChannel,
];
