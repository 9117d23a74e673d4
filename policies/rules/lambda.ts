/**
 * Lambda functions: their configuration encrypted under the platform's keys, bounded concurrency,
 * failed asynchronous events kept, logs in a group the stack manages, network interfaces in the
 * stack's VPC, and invoke permissions that never open a function to everyone. Whether a runtime is still supported is a deploy check
 * (infra/checks/lambda-runtime.ts), not a rule here.
 */
import { type ClinicalPolicy, resourceRule, stackRule } from "../lib/policy";
import { type StackResource, refersTo } from "../lib/stack";
import { CLOUDWATCH, LAMBDA } from "../lib/types";
import { type Maybe, elements, isKnown, isUnknown, presentOrPending } from "../lib/values";

/** Inputs of `aws.lambda.Function` the rules read. */
export interface FunctionInputs {
    name?: Maybe<string>;
    kmsKeyArn?: Maybe<string>;
    environment?: Maybe<{ variables?: Maybe<Record<string, Maybe<string>>> }>;
    reservedConcurrentExecutions?: Maybe<number>;
    deadLetterConfig?: Maybe<{ targetArn?: Maybe<string> }>;
    loggingConfig?: Maybe<{ logGroup?: Maybe<string> }>;
    vpcConfig?: Maybe<{ subnetIds?: Maybe<Maybe<string>[]>; securityGroupIds?: Maybe<Maybe<string>[]> }>;
}

/** Inputs of `aws.lambda.Permission` the rules read. */
export interface PermissionInputs {
    function?: Maybe<string>;
    principal?: Maybe<string>;
    sourceArn?: Maybe<string>;
    sourceAccount?: Maybe<string>;
    principalOrgId?: Maybe<string>;
}

/** Inputs of `aws.lambda.FunctionEventInvokeConfig` the rules read. */
export interface EventInvokeConfigInputs {
    functionName?: Maybe<string>;
    destinationConfig?: Maybe<{ onFailure?: Maybe<{ destination?: Maybe<string> }> }>;
}

/** Inputs of `aws.cloudwatch.LogGroup` the rules read. */
interface NamedLogGroupInputs {
    name?: Maybe<string>;
}

/**
 * Services that invoke functions asynchronously, so an event that fails is lost unless the
 * function has a dead-letter queue or an on-failure destination (Lambda Developer Guide,
 * "Invoking a Lambda function asynchronously" and the Lambda operator guide's invocation modes,
 * read 2026-12-01). Secrets Manager rotation and load balancers invoke synchronously and see the error.
 */
const ASYNCHRONOUS_INVOKERS = /^(events|sns|s3|ses|logs(\.[a-z0-9-]+)?|cloudformation|codecommit|config|iot)\.amazonaws\.com$/;
const FUNCTION_IDENTIFIERS = ["name", "arn", "id"];

export const lambdaEnvironmentCustomerManagedKey = resourceRule<FunctionInputs>({
    name: "lambda-environment-cmk",
    description: "Lambda functions with environment variables encrypt them with a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)"],
    soc2: ["CC6.1"],
    remediation: "Set kmsKeyArn to the platform's secrets key (and grant the function's role kms:Decrypt on it).",
    resourceTypes: [LAMBDA.function],
    *check(fn, context) {
        const variables = isKnown(fn.environment) ? fn.environment.variables : fn.environment;
        const hasVariables = isUnknown(variables) || (isKnown(variables) && Object.keys(variables).length > 0);
        if (!hasVariables) {
            context.notApplicable("The function has no environment variables to encrypt.");
        }
        if (!presentOrPending(fn.kmsKeyArn)) {
            yield "kmsKeyArn is not set, so the environment variables are encrypted only with the AWS-managed aws/lambda key.";
        }
    },
});

export const lambdaReservedConcurrency = resourceRule<FunctionInputs>({
    name: "lambda-reserved-concurrency",
    description: "Lambda functions reserve a bounded concurrency: they cannot starve the account's other functions nor be starved by them.",
    severity: "medium",
    category: "availability",
    hipaa: ["164.308(a)(7)(ii)(C)"],
    soc2: ["A1.1"],
    remediation: "Set reservedConcurrentExecutions to the most concurrent invocations the function needs (at least 1).",
    anchors: { cdkNag: ["LambdaConcurrency"] },
    resourceTypes: [LAMBDA.function],
    *check(fn) {
        const reserved = fn.reservedConcurrentExecutions;
        if (!isKnown(reserved) || reserved < 0) {
            yield "reservedConcurrentExecutions is not set, so the function shares the account's unreserved pool.";
        } else if (reserved === 0) {
            yield "reservedConcurrentExecutions is 0, so every invocation is throttled.";
        }
    },
});

/**
 * cdk-nag's `LambdaDLQ` asks every function for a dead-letter queue. This rule asks it of the
 * functions where one means something: a dead-letter queue (or the on-failure destination that
 * supersedes it) only ever receives events of asynchronous invocations (Lambda Developer Guide,
 * "Capturing records of Lambda asynchronous invocations", read 2026-12-01). A synchronous caller
 * (Secrets Manager rotation, a load balancer, API Gateway) gets the error back and retries or
 * reports it itself, so a queue on its function stays empty forever and only teaches reviewers
 * that the finding is noise. Either form of keeping failures is accepted, since an on-failure
 * destination records more (the request, the response and the error) than a dead-letter queue.
 */
export const lambdaFailureDestination = stackRule({
    name: "lambda-failure-destination",
    description: "Functions that AWS services invoke asynchronously keep failed events in a dead-letter queue or an on-failure destination.",
    severity: "medium",
    category: "logging",
    hipaa: ["164.308(a)(1)(ii)(D)", "164.312(b)"],
    soc2: ["CC7.2"],
    remediation: "Add a FunctionEventInvokeConfig with destinationConfig.onFailure (an encrypted SQS queue), or set deadLetterConfig.targetArn.",
    anchors: { cdkNag: ["LambdaDLQ"] },
    resourceTypes: [LAMBDA.function],
    *check(stack) {
        const permissions = stack.ofType(LAMBDA.permission);
        const invokeConfigs = stack.ofType(LAMBDA.eventInvokeConfig);
        for (const fn of stack.ofType(LAMBDA.function)) {
            const asynchronous = permissions.some((permission) => {
                const principal = permission.props<PermissionInputs>().principal;
                return isKnown(principal) && ASYNCHRONOUS_INVOKERS.test(principal) && refersTo(permission, "function", fn, FUNCTION_IDENTIFIERS);
            });
            if (!asynchronous) continue;
            const deadLetter = fn.props<FunctionInputs>().deadLetterConfig;
            const hasDeadLetter = isKnown(deadLetter) && presentOrPending(deadLetter.targetArn);
            const hasDestination = invokeConfigs.some((config) => {
                const onFailure = config.props<EventInvokeConfigInputs>().destinationConfig;
                const destination = isKnown(onFailure) && isKnown(onFailure.onFailure) ? onFailure.onFailure.destination : undefined;
                return presentOrPending(destination) && refersTo(config, "functionName", fn, FUNCTION_IDENTIFIERS);
            });
            if (!hasDeadLetter && !hasDestination) {
                yield { resource: fn, message: "An AWS service invokes this function asynchronously, and an event it fails on is dropped: it has no dead-letter queue and no on-failure destination." };
            }
        }
    },
});

export const lambdaNamedLogGroup = stackRule({
    name: "lambda-named-log-group",
    description: "Lambda functions log to a log group the stack manages (so its encryption and retention are set), not one Lambda creates on first use.",
    severity: "high",
    category: "logging",
    hipaa: ["164.312(b)"],
    soc2: ["CC7.2"],
    remediation: "Create an aws.cloudwatch.LogGroup (logs key, retention) and name it in loggingConfig.logGroup, or name it /aws/lambda/<function name>.",
    resourceTypes: [LAMBDA.function],
    *check(stack) {
        const groups = stack.ofType(CLOUDWATCH.logGroup);
        for (const fn of stack.ofType(LAMBDA.function)) {
            if (managesLogGroupOf(fn, groups)) continue;
            yield { resource: fn, message: "No log group of the stack receives this function's logs, so Lambda creates one unencrypted and kept forever." };
        }
    },
});

function managesLogGroupOf(fn: StackResource, groups: StackResource[]): boolean {
    const inputs = fn.props<FunctionInputs>();
    const named = isKnown(inputs.loggingConfig) ? inputs.loggingConfig.logGroup : undefined;
    if (groups.some((group) => refersTo(fn, "loggingConfig", group, ["name"]))) return true;
    const logGroupName = isKnown(named) ? named : isKnown(inputs.name) && !isUnknown(named) ? `/aws/lambda/${inputs.name}` : undefined;
    if (logGroupName === undefined) return isUnknown(named) || isUnknown(inputs.name);
    return groups.some((group) => group.props<NamedLogGroupInputs>().name === logGroupName);
}

export const lambdaPermissionNoPublic = resourceRule<PermissionInputs>({
    name: "lambda-permission-no-public",
    description: "Lambda invoke permissions never grant everyone (principal \"*\") without a source ARN, source account or organization.",
    severity: "critical",
    category: "public-access",
    hipaa: ["164.312(a)(1)"],
    soc2: ["CC6.1"],
    remediation: "Name the invoking service or account as principal, and set sourceArn (and sourceAccount) to the one resource that may invoke.",
    anchors: { awsConfig: ["LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED"], cdkNag: ["LambdaFunctionPublicAccessProhibited"] },
    resourceTypes: [LAMBDA.permission],
    *check(permission) {
        if (permission.principal !== "*") return;
        if ([permission.sourceArn, permission.sourceAccount, permission.principalOrgId].every((value) => !presentOrPending(value))) {
            yield 'The permission lets anyone ("*") invoke the function, with no sourceArn, sourceAccount or principalOrgId to narrow it.';
        }
    },
});

export const lambdaInsideVpc = resourceRule<FunctionInputs>({
    name: "lambda-inside-vpc",
    description: "Lambda functions run in the stack's VPC (subnets and security groups given), so their network reach is what the security groups and routes allow, and flow logs record it.",
    severity: "medium",
    category: "network",
    hipaa: ["164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.312(a)(1)", "164.312(e)(1)"],
    soc2: ["CC6.1", "CC6.6"],
    remediation: "Set vpcConfig with the private subnets and a security group that allows only the egress the function needs (e.g. HTTPS 443), and grant the role the network-interface actions of AWSLambdaVPCAccessExecutionRole.",
    anchors: { cdkNag: ["LambdaInsideVPC"] },
    resourceTypes: [LAMBDA.function],
    *check(fn) {
        const vpc = fn.vpcConfig;
        if (isUnknown(vpc)) return;
        const subnets = isKnown(vpc) ? elements(vpc.subnetIds) : { known: [], hasUnknown: false };
        const groups = isKnown(vpc) ? elements(vpc.securityGroupIds) : { known: [], hasUnknown: false };
        const given = (list: { known: string[]; hasUnknown: boolean }) => list.hasUnknown || list.known.some((id) => presentOrPending(id));
        if (!given(subnets)) {
            yield "vpcConfig.subnetIds is not set, so the function runs outside the VPC, beyond its security groups and flow logs.";
        } else if (!given(groups)) {
            yield "vpcConfig.securityGroupIds is empty, so nothing bounds the function's network reach in the VPC.";
        }
    },
});

export const lambdaPolicies: ClinicalPolicy[] = [
    lambdaEnvironmentCustomerManagedKey,
    lambdaReservedConcurrency,
    lambdaFailureDestination,
    lambdaNamedLogGroup,
    lambdaPermissionNoPublic,
    lambdaInsideVpc,
];
