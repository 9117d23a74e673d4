/**
 * Application secrets (JWT signing key, internal API key): generated once, stored in Secrets
 * Manager under the secrets key, and rotated on a schedule by a function that may touch these
 * secrets only. Values never appear in outputs; workloads read them from Secrets Manager, both the
 * AWSCURRENT and the AWSPREVIOUS version, so a rotation never invalidates what was signed before it.
 */
import * as path from "path";
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { type FunctionNetwork, LAMBDA_VPC_STATEMENT, functionVpcConfig } from "./function-network";
import { assumableBy, grantToRole } from "./iam";
import { PlatformContext } from "./context";

export const APPLICATION_SECRETS = ["jwt-signing-key", "api-key"] as const;
/**
 * Runtime of the rotation function. Checked 2026-12-01 against the AWS Lambda runtimes page
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html, dates recorded in
 * infra/checks/data/lambda-runtimes.json): nodejs20.x is deprecated since 2026-04-30; nodejs24.x is
 * supported until its deprecation on 2028-04-30 (function create blocked from 2028-06-01). It is in
 * the `Runtime` enum of @pulumi/aws 7.48.0 (types/enums/lambda).
 */
export const ROTATION_RUNTIME: aws.lambda.Runtime = aws.lambda.Runtime.NodeJS24dX;
/** Labels that keep the two first writes of a secret from ever being unlabelled, and so deleted. */
export const SEED_LABELS = ["clinical-seed-1", "clinical-seed-2"] as const;
export type ApplicationSecret = (typeof APPLICATION_SECRETS)[number];

export interface SecretsArgs {
    /** Path prefix of every secret name, e.g. `clinical-platform/production`. */
    namePrefix: string;
    secretsKeyArn: pulumi.Input<string>;
    /** The stack's shared inputs (components/context.ts); its protection keeps the secrets if they leave the program. */
    context: PlatformContext;
    /** Days between rotations. */
    rotationDays: number;
    /** Days a deleted secret can still be restored. */
    recoveryWindowDays: number;
    /** The VPC whose private subnets the rotation function runs in. */
    network: FunctionNetwork;
}

export class Secrets extends pulumi.ComponentResource {
    /** Secret ARNs by name; the values stay in Secrets Manager. */
    readonly arns: Record<ApplicationSecret, pulumi.Output<string>>;

    constructor(name: string, args: SecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:secrets:Secrets", name, {}, opts);
        const parent = { parent: this };
        const secrets = APPLICATION_SECRETS.map((secretName) => {
            const secret = new aws.secretsmanager.Secret(`${name}-${secretName}`, {
                name: `${args.namePrefix}/${secretName}`,
                description: `Clinical application ${secretName.replace(/-/g, " ")}`,
                kmsKeyId: args.secretsKeyArn,
                recoveryWindowInDays: args.recoveryWindowDays,
            }, { parent: this, protect: args.context.protect, retainOnDelete: args.context.protect });
            const initial = new random.RandomPassword(`${name}-${secretName}`, { length: 64, special: false }, parent);
            // The value is written twice, so AWSPREVIOUS exists from the first deployment: pods mount
            // both labels, and a mount of a label that names no version fails. Secrets Manager moves
            // AWSPREVIOUS to the first write when the second takes AWSCURRENT. Rotation owns the
            // value after that, so later runs leave both alone. Each write also keeps a label of its
            // own: rotation strips AWS's labels from it, and a version with no label left may be
            // deleted by Secrets Manager (UpdateSecretVersionStage API reference), after which the
            // provider would forget it and the next update would write the first value back as current.
            const seed = new aws.secretsmanager.SecretVersion(`${name}-${secretName}-seed`, {
                secretId: secret.id,
                secretString: pulumi.secret(pulumi.jsonStringify({ value: initial.result })),
                versionStages: ["AWSCURRENT", SEED_LABELS[0]],
            }, { parent: this, ignoreChanges: ["secretString", "versionStages"] });
            const current = new aws.secretsmanager.SecretVersion(`${name}-${secretName}`, {
                secretId: secret.id,
                secretString: pulumi.secret(pulumi.jsonStringify({ value: initial.result })),
                versionStages: ["AWSCURRENT", SEED_LABELS[1]],
            }, { parent: this, ignoreChanges: ["secretString", "versionStages"], dependsOn: [seed] });
            return { secretName, secret, versions: [seed, current] };
        });
        const rotator = this.createRotator(name, args, secrets.map((s) => s.secret.arn));

        for (const { secretName, secret, versions } of secrets) {
            // The first rotation starts as soon as this exists: the values, the function's grant
            // and its invoke permission must be in place by then.
            new aws.secretsmanager.SecretRotation(`${name}-${secretName}`, {
                secretId: secret.id,
                rotationLambdaArn: rotator.function.arn,
                rotationRules: { automaticallyAfterDays: args.rotationDays },
            }, { parent: this, dependsOn: [...versions, ...rotator.ready] });
        }
        this.arns = Object.fromEntries(secrets.map(({ secretName, secret }) => [secretName, secret.arn])) as Record<ApplicationSecret, pulumi.Output<string>>;
        this.registerOutputs({ arns: this.arns });
    }

    /** The rotation function, and what must exist before Secrets Manager first invokes it. */
    private createRotator(name: string, args: SecretsArgs, secretArns: pulumi.Output<string>[]): { function: aws.lambda.Function; ready: pulumi.Resource[] } {
        const parent = { parent: this };
        const functionName = `${args.namePrefix.replace(/\//g, "-")}-secret-rotation`;
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-rotation`, {
            name: `/aws/lambda/${functionName}`,
            retentionInDays: args.context.logs.retentionDays,
            kmsKeyId: args.context.logs.keyArn,
        }, parent);
        const role = new aws.iam.Role(`${name}-rotation`, {
            assumeRolePolicy: assumableBy("lambda.amazonaws.com"),
            description: "Rotates the clinical application secrets",
        }, parent);
        const grant = grantToRole(this, `${name}-rotation`, role, [
                {
                    Sid: "RotateTheseSecretsOnly",
                    Effect: "Allow",
                    Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
                    Resource: secretArns,
                },
                { Sid: "GenerateValues", Effect: "Allow", Action: "secretsmanager:GetRandomPassword", Resource: "*" },
                { Sid: "UseSecretsKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: args.secretsKeyArn },
                { Sid: "PublishTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
                { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroup.arn}:*` },
                LAMBDA_VPC_STATEMENT,
            ]);
        const rotator = new aws.lambda.Function(`${name}-rotation`, {
            name: functionName,
            role: role.arn,
            runtime: ROTATION_RUNTIME,
            handler: "index.handler",
            code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.FileAsset(path.join(__dirname, "rotation", "index.js")) }),
            timeout: 30,
            memorySize: 128,
            // One rotation per secret at a time (Secrets Manager rotates each secret on its own
            // schedule); bounded so a loop of failed rotations cannot take the account's concurrency.
            reservedConcurrentExecutions: APPLICATION_SECRETS.length,
            kmsKeyArn: args.secretsKeyArn,
            environment: { variables: { SECRET_LENGTH: "64" } },
            loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
            tracingConfig: { mode: "Active" },
            // Secrets Manager's API is reached through the NAT gateway: the subnets have no interface endpoint for it.
            vpcConfig: functionVpcConfig(this, `${name}-rotation`, args.network, "HTTPS to the Secrets Manager and X-Ray APIs"),
        }, { parent: this, dependsOn: [logGroup, grant] });
        const permission = new aws.lambda.Permission(`${name}-rotation`, {
            function: rotator.name,
            action: "lambda:InvokeFunction",
            principal: "secretsmanager.amazonaws.com",
            sourceAccount: aws.getCallerIdentityOutput({}, parent).accountId,
        }, parent);
        return { function: rotator, ready: [grant, permission] };
    }
}
