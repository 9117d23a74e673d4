/**
 * Where alarms go: one KMS-encrypted SNS topic per severity (warning, critical) and, per the stack's
 * routing, the channels subscribed to each: e-mail addresses, a Slack channel through AWS Chatbot, and
 * PagerDuty through a small function that reads the integration key from Secrets Manager when it pages.
 * GuardDuty findings of high severity reach the critical topic through EventBridge, as failed deploys do
 * (the deploy workflow publishes to it).
 */
import * as path from "path";
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import type { AlertChannel, AlertRouting, AlertSeverity } from "./alerting";
import { failureQueue } from "./failure-queue";
import { type FunctionNetwork, LAMBDA_VPC_STATEMENT, functionVpcConfig } from "./function-network";
import { Statement, assumableBy, grantToRole, policyDocument } from "./iam";
import { ROTATION_RUNTIME } from "./secrets";
import { PlatformContext } from "./context";

export const SEVERITIES: readonly AlertSeverity[] = ["warning", "critical"];

/**
 * Regions that serve the AWS Chatbot API, from the Chatbot API Reference (checked 2026-12-01): us-east-2,
 * us-west-2, ap-southeast-1, eu-west-1. A configuration is global and takes topics of any region; a stack
 * elsewhere manages its configuration through us-east-2, where the Chatbot console also lives.
 */
export const CHATBOT_API_REGIONS = ["us-east-2", "us-west-2", "ap-southeast-1", "eu-west-1"] as const;

/**
 * GuardDuty findings of high or critical severity (7.0 and above). The event's shape is GuardDuty's
 * "GuardDuty Finding" event (source aws.guardduty, severity in detail.severity), and `numeric` is
 * EventBridge's content filter for number ranges ("Content filtering in Amazon EventBridge event
 * patterns", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html,
 * checked 2026-12-01).
 */
export const GUARDDUTY_HIGH_SEVERITY_PATTERN = {
    source: ["aws.guardduty"],
    "detail-type": ["GuardDuty Finding"],
    detail: { severity: [{ numeric: [">=", 7] }] },
};

/**
 * What AWS Chatbot may do with its role: read CloudWatch to render alarm notifications, nothing else.
 * These are the actions of the Chatbot Administrator Guide's "Notification permissions" policy
 * template (checked 2026-12-01). The same policy is the channel's guardrail, so no command typed in
 * the channel can reach further, whatever role a user brings.
 */
export const CHATBOT_ACTIONS = ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"];

export interface AlertRoutesArgs {
    /** Prefix of every name, e.g. clinical-platform-production. */
    namePrefix: string;
    /** The stack's region: the topics' and the PagerDuty secret's. */
    region: string;
    /** The channels and which of them each severity reaches, as validated config. */
    alerts: AlertRouting;
    /** The stack's shared inputs (components/context.ts); its logs key also encrypts the topics (its policy lets CloudWatch and EventBridge use it, components/keys.ts). */
    context: PlatformContext;
    /** Key the PagerDuty secret is under (the runbook creates it with this key). */
    secretsKeyArn: pulumi.Input<string>;
    /**
     * Route GuardDuty's high-severity findings of this account and region: true in the stack that
     * owns the region's GuardDuty detector (components/account), so a finding reaches one stack's
     * channels once, not every stack's that shares the account.
     */
    routeGuardDutyFindings: boolean;
    /** The VPC whose private subnets the PagerDuty function runs in. */
    network: FunctionNetwork;
}

export class AlertRoutes extends pulumi.ComponentResource {
    /** The topic of each severity. */
    readonly topicArns: Record<AlertSeverity, pulumi.Output<string>>;
    /** The PagerDuty function's name, when the routing pages. */
    readonly pagerDutyFunctionName?: pulumi.Output<string>;

    constructor(name: string, args: AlertRoutesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:alarms:AlertRoutes", name, {}, opts);
        const parent = { parent: this };
        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        const partition = aws.getPartitionOutput({}, parent).partition;
        const routedTo = (channel: AlertChannel) => SEVERITIES.filter((severity) => args.alerts.routing[severity].includes(channel));

        const topics = Object.fromEntries(SEVERITIES.map((severity) => [severity, new aws.sns.Topic(`${name}-${severity}`, {
            name: `${args.namePrefix}-alarms-${severity}`,
            displayName: `${args.namePrefix} ${severity} alarms`,
            kmsMasterKeyId: args.context.logs.keyArn,
            tags: { Severity: severity },
        }, parent)])) as Record<AlertSeverity, aws.sns.Topic>;

        const guardDuty = args.routeGuardDutyFindings ? new aws.cloudwatch.EventRule(`${name}-guardduty`, {
            name: `${args.namePrefix}-guardduty-high`,
            description: "GuardDuty findings of high or critical severity (7 and above), to the critical alarm topic",
            eventPattern: JSON.stringify(GUARDDUTY_HIGH_SEVERITY_PATTERN),
        }, parent) : undefined;
        if (guardDuty) new aws.cloudwatch.EventTarget(`${name}-guardduty`, { rule: guardDuty.name, arn: topics.critical.arn, targetId: "critical-alarm-topic" }, parent);

        for (const severity of SEVERITIES) {
            const topic = topics[severity];
            const statements: Statement[] = [{
                Sid: "CloudWatchPublishesFromThisAccount",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "sns:Publish",
                Resource: topic.arn,
                Condition: { StringEquals: { "aws:SourceAccount": account } },
            }];
            if (severity === "critical" && guardDuty) {
                statements.push({
                    Sid: "EventBridgePublishesGuardDutyFindings",
                    Effect: "Allow",
                    Principal: { Service: "events.amazonaws.com" },
                    Action: "sns:Publish",
                    Resource: topic.arn,
                    Condition: { ArnEquals: { "aws:SourceArn": guardDuty.arn } },
                });
            }
            statements.push({
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "sns:Publish",
                Resource: topic.arn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            });
            new aws.sns.TopicPolicy(`${name}-${severity}`, { arn: topic.arn, policy: policyDocument(statements) }, parent);
            if (args.alerts.routing[severity].includes("email")) {
                for (const email of args.alerts.email) {
                    new aws.sns.TopicSubscription(`${name}-${severity}-${email}`, { topic: topic.arn, protocol: "email", endpoint: email }, parent);
                }
            }
        }

        const slackTopics = routedTo("slack");
        if (args.alerts.slack && slackTopics.length > 0) this.slackChannel(name, args, args.alerts.slack, slackTopics.map((severity) => topics[severity].arn));

        const pagerDutyTopics = routedTo("pagerduty");
        if (args.alerts.pagerduty && pagerDutyTopics.length > 0) {
            this.pagerDutyFunctionName = this.pagerDuty(name, args, args.alerts.pagerduty.integrationKeySecret, pagerDutyTopics.map((severity) => [severity, topics[severity]]), account, partition);
        }

        this.topicArns = { warning: topics.warning.arn, critical: topics.critical.arn };
        this.registerOutputs({ topicArns: this.topicArns, ...(this.pagerDutyFunctionName ? { pagerDutyFunctionName: this.pagerDutyFunctionName } : {}) });
    }

    /** The Slack channel's AWS Chatbot configuration, with a role and guardrail that only read CloudWatch. */
    private slackChannel(name: string, args: AlertRoutesArgs, slack: { teamId: string; channelId: string }, topicArns: pulumi.Output<string>[]): void {
        const parent = { parent: this };
        const role = new aws.iam.Role(`${name}-chatbot`, {
            assumeRolePolicy: assumableBy("chatbot.amazonaws.com"),
            description: "AWS Chatbot renders the platform's alarm notifications in Slack",
        }, parent);
        const readAlarms = new aws.iam.Policy(`${name}-chatbot`, {
            description: "AWS Chatbot reads CloudWatch alarms and metrics, nothing else; also the channel's guardrail",
            policy: policyDocument([{ Sid: "ReadCloudWatch", Effect: "Allow", Action: CHATBOT_ACTIONS, Resource: "*" }]),
        }, parent);
        const grant = new aws.iam.RolePolicyAttachment(`${name}-chatbot-grant`, { role: role.name, policyArn: readAlarms.arn }, parent);
        new aws.chatbot.SlackChannelConfiguration(`${name}-slack`, {
            configurationName: `${args.namePrefix}-alarms`,
            region: (CHATBOT_API_REGIONS as readonly string[]).includes(args.region) ? args.region : "us-east-2",
            slackTeamId: slack.teamId,
            slackChannelId: slack.channelId,
            iamRoleArn: role.arn,
            // Without guardrails Chatbot applies AdministratorAccess (v7 SlackChannelConfiguration docs).
            guardrailPolicyArns: [readAlarms.arn],
            userAuthorizationRequired: true,
            loggingLevel: "ERROR",
            snsTopicArns: topicArns,
        }, { parent: this, dependsOn: [grant] });
    }

    /**
     * PagerDuty through a function subscribed to the routed topics. The integration key never passes
     * through Pulumi: the stack file names the secret, an operator puts the key in it, and the function
     * reads it when it pages. (Reading it at deploy time into an HTTPS subscription would put it in the
     * state and in the subscription's attributes, and every pull-request preview would need to read it.)
     */
    private pagerDuty(
        name: string,
        args: AlertRoutesArgs,
        secretName: string,
        topics: Array<[AlertSeverity, aws.sns.Topic]>,
        account: pulumi.Output<string>,
        partition: pulumi.Output<string>,
    ): pulumi.Output<string> {
        const parent = { parent: this };
        const functionName = `${args.namePrefix}-pagerduty`;
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-pagerduty`, {
            name: `/aws/lambda/${functionName}`,
            retentionInDays: args.context.logs.retentionDays,
            kmsKeyId: args.context.logs.keyArn,
        }, parent);
        const role = new aws.iam.Role(`${name}-pagerduty`, {
            assumeRolePolicy: assumableBy("lambda.amazonaws.com"),
            description: "Sends the platform's alarms to PagerDuty",
        }, parent);
        // Secrets Manager appends six random characters to a secret's name in its ARN.
        const secretArn = pulumi.interpolate`arn:${partition}:secretsmanager:${args.region}:${account}:secret:${secretName}-??????`;
        // A page that could not be sent is kept with its alarm; `pagerduty-delivery` already alarms on the errors.
        const failures = failureQueue(this, `${name}-pagerduty`, {
            functionName,
            alarmDescription: "PagerDuty deliveries that failed",
            keyArn: args.context.logs.keyArn,
        });
        const grant = grantToRole(this, `${name}-pagerduty`, role, [
            { Sid: "KeepFailedPages", Effect: "Allow", Action: "sqs:SendMessage", Resource: failures.arn },
            { Sid: "EncryptForQueue", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: args.context.logs.keyArn },
            { Sid: "ReadTheIntegrationKey", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn },
            { Sid: "UseSecretsKey", Effect: "Allow", Action: "kms:Decrypt", Resource: args.secretsKeyArn },
            { Sid: "PublishTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
            { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroup.arn}:*` },
            LAMBDA_VPC_STATEMENT,
        ]);
        const forwarder = new aws.lambda.Function(`${name}-pagerduty`, {
            name: functionName,
            role: role.arn,
            runtime: ROTATION_RUNTIME,
            handler: "index.handler",
            code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.FileAsset(path.join(__dirname, "pagerduty", "index.js")) }),
            timeout: 30,
            memorySize: 128,
            // Two pages at once at most (warning and critical can fire together); more wait in Lambda's
            // asynchronous queue, which retries throttled events (Lambda Developer Guide, asynchronous invocation).
            reservedConcurrentExecutions: 2,
            kmsKeyArn: args.secretsKeyArn,
            environment: { variables: { INTEGRATION_KEY_SECRET: secretName } },
            loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
            tracingConfig: { mode: "Active" },
            vpcConfig: functionVpcConfig(this, `${name}-pagerduty`, args.network, "HTTPS to the Secrets Manager API and to PagerDuty's Events API"),
        }, { parent: this, dependsOn: [logGroup, grant] });
        new aws.lambda.FunctionEventInvokeConfig(`${name}-pagerduty`, {
            functionName: forwarder.name,
            destinationConfig: { onFailure: { destination: failures.arn } },
        }, { parent: this, dependsOn: [grant] });
        for (const [severity, topic] of topics) {
            const permission = new aws.lambda.Permission(`${name}-pagerduty-${severity}`, {
                function: forwarder.name,
                action: "lambda:InvokeFunction",
                principal: "sns.amazonaws.com",
                sourceArn: topic.arn,
            }, parent);
            new aws.sns.TopicSubscription(`${name}-pagerduty-${severity}`, {
                topic: topic.arn,
                protocol: "lambda",
                endpoint: forwarder.arn,
            }, { parent: this, dependsOn: [permission] });
        }
        return forwarder.name;
    }
}
