import { CLOUDWATCH, LAMBDA } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/lambda";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { type TestResource, UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const QUEUE = "aws:sqs/queue:Queue";
const logGroup = resource(CLOUDWATCH.logGroup, "rollback-logs", { name: "/aws/lambda/rollback", kmsKeyId: UNKNOWN, retentionInDays: 365 });
const fn = (name: string, inputs: Record<string, unknown> = {}, references: Record<string, TestResource | TestResource[]> = {}) =>
    resource(LAMBDA.function, name, {
        name,
        runtime: "nodejs24.x",
        kmsKeyArn: UNKNOWN,
        environment: { variables: { LISTENER_ARN: UNKNOWN } },
        reservedConcurrentExecutions: 1,
        loggingConfig: { logFormat: "JSON", logGroup: UNKNOWN },
        vpcConfig: { subnetIds: [UNKNOWN, UNKNOWN], securityGroupIds: [UNKNOWN] },
        ...inputs,
    }, references);
const rollback = fn("rollback", {}, { loggingConfig: logGroup });
const permission = (target: TestResource, principal: string, inputs: Record<string, unknown> = {}) =>
    resource(LAMBDA.permission, `${target.name}-invoke`, { function: UNKNOWN, action: "lambda:InvokeFunction", principal, ...inputs }, { function: target });
const queue = resource(QUEUE, "rollback-failures", { kmsMasterKeyId: UNKNOWN });
const onFailure = (target: TestResource) =>
    resource(LAMBDA.eventInvokeConfig, `${target.name}-async`, { functionName: UNKNOWN, maximumRetryAttempts: 0, destinationConfig: { onFailure: { destination: UNKNOWN } } }, {
        functionName: target,
        destinationConfig: queue,
    });

describe("Lambda policies", () => {
    describeResourcePolicy(rules.lambdaEnvironmentCustomerManagedKey, {
        accepts: {
            "environment variables under the secrets key": rollback,
        },
        notApplicable: {
            "a function without environment variables": fn("plain", { environment: undefined, kmsKeyArn: undefined }),
        },
        rejects: {
            "environment variables under the AWS-managed key": [fn("rollback", { kmsKeyArn: undefined }), /kmsKeyArn is not set/],
            "variables only known at update time, with no key": [fn("rollback", { kmsKeyArn: undefined, environment: { variables: UNKNOWN } }), /aws\/lambda key/],
        },
    });

    describeResourcePolicy(rules.lambdaReservedConcurrency, {
        accepts: {
            "one switch at a time": rollback,
        },
        rejects: {
            "a concurrency unknown in preview, which cannot be shown to be reserved": [
                fn("rollback", { reservedConcurrentExecutions: UNKNOWN }),
                /shares the account's unreserved pool/,
            ],
            "a function in the account's unreserved pool": [fn("rollback", { reservedConcurrentExecutions: undefined }), /shares the account's unreserved pool/],
            "a function reserved to zero": [fn("rollback", { reservedConcurrentExecutions: 0 }), /every invocation is throttled/],
        },
    });

    describeStackPolicy(rules.lambdaFailureDestination, {
        accepts: {
            "an EventBridge-invoked function with an on-failure queue": [rollback, permission(rollback, "events.amazonaws.com", { sourceArn: UNKNOWN }), queue, onFailure(rollback)],
            "an SNS-invoked function with a dead-letter queue": [
                fn("fanout", { deadLetterConfig: { targetArn: UNKNOWN } }, { deadLetterConfig: queue }),
                permission(fn("fanout"), "sns.amazonaws.com", { sourceArn: UNKNOWN }),
            ],
            "a rotation function, which Secrets Manager invokes synchronously and so needs no failure destination": [fn("rotation"), permission(fn("rotation"), "secretsmanager.amazonaws.com", { sourceAccount: "123456789012" })],
        },
        notApplicable: {
            "a stack without functions": [queue],
        },
        rejects: {
            "an EventBridge-invoked function whose failed events are dropped": {
                resources: [rollback, permission(rollback, "events.amazonaws.com", { sourceArn: UNKNOWN }), fn("other"), queue, onFailure(fn("other"))],
                offenders: ["rollback"],
                message: /no dead-letter queue and no on-failure destination/,
            },
            "an S3-invoked function whose invoke config keeps nothing on failure": {
                resources: [fn("thumbs"), permission(fn("thumbs"), "s3.amazonaws.com", { sourceArn: UNKNOWN }),
                    resource(LAMBDA.eventInvokeConfig, "thumbs-async", { functionName: "thumbs", maximumRetryAttempts: 2 })],
                offenders: ["thumbs"],
                message: /dropped/,
            },
        },
    });

    describeStackPolicy(rules.lambdaNamedLogGroup, {
        accepts: {
            "a function naming the stack's log group": [logGroup, rollback],
            "a function logging to the default group, which the stack creates by name": [logGroup, fn("rollback", { loggingConfig: undefined })],
        },
        notApplicable: {
            "a stack without functions": [logGroup],
        },
        rejects: {
            "a function whose group Lambda would create on first use": {
                resources: [logGroup, fn("orphan", { loggingConfig: undefined })],
                offenders: ["orphan"],
                message: /unencrypted and kept forever/,
            },
            "a function naming a group the stack does not manage": {
                resources: [logGroup, fn("rollback", { loggingConfig: { logGroup: "/aws/lambda/elsewhere" } })],
                offenders: ["rollback"],
                message: /No log group of the stack/,
            },
        },
    });

    describeResourcePolicy(rules.lambdaPermissionNoPublic, {
        accepts: {
            "EventBridge, for one rule": permission(rollback, "events.amazonaws.com", { sourceArn: UNKNOWN, sourceAccount: "123456789012" }),
            "everyone, narrowed to one source ARN": permission(rollback, "*", { sourceArn: "arn:aws:events:eu-west-1:123456789012:rule/x" }),
        },
        rejects: {
            "everyone, with nothing narrowing it": [permission(rollback, "*"), /lets anyone \("\*"\) invoke/],
        },
    });

    describeResourcePolicy(rules.lambdaInsideVpc, {
        accepts: {
            "a function in the private subnets, with its own security group": rollback,
            "subnets and groups given as known ids": fn("rollback", { vpcConfig: { subnetIds: ["subnet-0a1b2c3d"], securityGroupIds: ["sg-0a1b2c3d"] } }),
        },
        rejects: {
            "a function outside the VPC": [fn("rollback", { vpcConfig: undefined }), /subnetIds is not set, so the function runs outside the VPC/],
            "a VPC config with no subnets": [fn("rollback", { vpcConfig: { subnetIds: [], securityGroupIds: [UNKNOWN] } }), /subnetIds is not set/],
            "subnets without a security group": [fn("rollback", { vpcConfig: { subnetIds: [UNKNOWN], securityGroupIds: [] } }), /securityGroupIds is empty/],
            "empty subnet ids": [fn("rollback", { vpcConfig: { subnetIds: [""], securityGroupIds: ["sg-0a1b2c3d"] } }), /subnetIds is not set/],
        },
    });
});
