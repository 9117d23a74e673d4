import { APPAUTOSCALING, DYNAMODB } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/dynamodb";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { type TestResource, UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const table = (inputs: Record<string, unknown> = {}) =>
    resource(DYNAMODB.table, "sessions", {
        name: "sessions",
        billingMode: "PAY_PER_REQUEST",
        hashKey: "id",
        attributes: [{ name: "id", type: "S" }],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN },
        ...inputs,
    });
const onDemand = table();
const provisioned = table({ billingMode: "PROVISIONED", readCapacity: 5, writeCapacity: 5 });
const withIndex = table({ billingMode: undefined, readCapacity: 5, writeCapacity: 5, globalSecondaryIndexes: [{ name: "by-user", projectionType: "ALL", readCapacity: 5, writeCapacity: 5 }] });
const replica = (inputs: Record<string, unknown> = {}) =>
    resource(DYNAMODB.tableReplica, "sessions-dr", { globalTableArn: UNKNOWN, pointInTimeRecovery: true, kmsKeyArn: UNKNOWN, ...inputs });
const other = resource("aws:rds/instance:Instance", "db", { engine: "postgres" });

/** A scalable target and its target-tracking policy, as the autoscaling docs build them (resourceId from the table's name). */
function scaling(subject: TestResource, unit: "Read" | "Write", index?: string): TestResource[] {
    const dimension = index === undefined ? `dynamodb:table:${unit}CapacityUnits` : `dynamodb:index:${unit}CapacityUnits`;
    const suffix = `${unit.toLowerCase()}${index === undefined ? "" : `-${index}`}`;
    const target = resource(APPAUTOSCALING.target, `${subject.name}-${suffix}`, {
        serviceNamespace: "dynamodb",
        resourceId: UNKNOWN,
        scalableDimension: dimension,
        minCapacity: 5,
        maxCapacity: 100,
    }, { resourceId: subject });
    const policy = resource(APPAUTOSCALING.policy, `${subject.name}-${suffix}`, {
        policyType: "TargetTrackingScaling",
        serviceNamespace: UNKNOWN,
        resourceId: UNKNOWN,
        scalableDimension: UNKNOWN,
        targetTrackingScalingPolicyConfiguration: { targetValue: 70, predefinedMetricSpecification: { predefinedMetricType: `DynamoDB${unit}CapacityUtilization` } },
    }, { resourceId: target, serviceNamespace: target, scalableDimension: target });
    return [target, policy];
}

describe("DynamoDB policies", () => {
    describeResourcePolicy(rules.dynamodbPitrEnabled, {
        accepts: {
            "a table with point-in-time recovery": onDemand,
            "a global table whose replica recovers too": table({ replicas: [{ regionName: "eu-central-1", pointInTimeRecovery: true, kmsKeyArn: UNKNOWN }] }),
            "a standalone replica with point-in-time recovery": replica(),
        },
        notApplicable: { "a database": other },
        rejects: {
            "no block": [table({ pointInTimeRecovery: undefined }), /pointInTimeRecovery.enabled is not true/],
            "switched off": [table({ pointInTimeRecovery: { enabled: false } }), /cannot be restored/],
            "unknown until the update": [table({ pointInTimeRecovery: { enabled: UNKNOWN } }), /cannot be restored/],
            "a replica without it": [table({ replicas: [{ regionName: "eu-central-1" }] }), /replica in eu-central-1/],
            "a standalone replica left at the default": [replica({ pointInTimeRecovery: undefined }), /in this replica cannot be restored/],
        },
    });

    describeResourcePolicy(rules.dynamodbCustomerManagedKey, {
        accepts: {
            "a table under the data key": onDemand,
            "a known key ARN, and a replica under its region's key": table({
                serverSideEncryption: { enabled: true, kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/data" },
                replicas: [{ regionName: "eu-central-1", pointInTimeRecovery: true, kmsKeyArn: UNKNOWN }],
            }),
            "a standalone replica under its region's key": replica(),
        },
        notApplicable: { "a database": other },
        rejects: {
            "the AWS-owned key (no block)": [table({ serverSideEncryption: undefined }), /AWS-owned key/],
            "the AWS-managed key (no ARN)": [table({ serverSideEncryption: { enabled: true } }), /kmsKeyArn is not set/],
            "an empty ARN": [table({ serverSideEncryption: { enabled: true, kmsKeyArn: "" } }), /kmsKeyArn is not set/],
            "the aws/dynamodb alias": [table({ serverSideEncryption: { enabled: true, kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/aws/dynamodb" } }), /names the AWS-managed/],
            "a replica without a key": [table({ replicas: [{ regionName: "eu-central-1", pointInTimeRecovery: true }] }), /replica in eu-central-1 sets no kmsKeyArn/],
            "a standalone replica without a key": [replica({ kmsKeyArn: undefined }), /this replica is encrypted under the AWS-managed/],
        },
    });

    describeStackPolicy(rules.dynamodbAutoscalingEnabled, {
        accepts: {
            "an on-demand table": [onDemand],
            "a provisioned table scaling reads and writes": [provisioned, ...scaling(provisioned, "Read"), ...scaling(provisioned, "Write")],
            "a provisioned table and its index, scaled by known resource ids": [
                withIndex,
                ...["Read", "Write"].flatMap((unit) => [
                    resource(APPAUTOSCALING.target, `t-${unit}`, { serviceNamespace: "dynamodb", resourceId: "table/sessions", scalableDimension: `dynamodb:table:${unit}CapacityUnits` }),
                    resource(APPAUTOSCALING.policy, `t-${unit}`, { serviceNamespace: "dynamodb", resourceId: "table/sessions", scalableDimension: `dynamodb:table:${unit}CapacityUnits` }),
                    resource(APPAUTOSCALING.target, `i-${unit}`, { serviceNamespace: "dynamodb", resourceId: "table/sessions/index/by-user", scalableDimension: `dynamodb:index:${unit}CapacityUnits` }),
                    resource(APPAUTOSCALING.policy, `i-${unit}`, { serviceNamespace: "dynamodb", resourceId: "table/sessions/index/by-user", scalableDimension: `dynamodb:index:${unit}CapacityUnits` }),
                ]),
            ],
        },
        notApplicable: { "a stack without tables": [other] },
        rejects: {
            "a provisioned table without autoscaling": { resources: [provisioned], offenders: ["sessions"], message: [/No autoscaling target scales read capacity of the table/, /No autoscaling target scales write capacity of the table/] },
            "a billing mode unknown until the update, judged as provisioned": { resources: [table({ billingMode: UNKNOWN })], offenders: ["sessions"], message: [/scales read capacity of the table/, /scales write capacity of the table/] },
            "a table scaling reads only": { resources: [provisioned, ...scaling(provisioned, "Read")], offenders: ["sessions"], message: /write capacity of the table/ },
            "targets without policies": {
                resources: [provisioned, scaling(provisioned, "Read")[0], scaling(provisioned, "Write")[0]],
                offenders: ["sessions"],
                message: [/No autoscaling policy acts on the read capacity target/, /No autoscaling policy acts on the write capacity target/],
            },
            "an index left unscaled (default billing mode: provisioned)": {
                resources: [
                    withIndex,
                    ...["Read", "Write"].flatMap((unit) => [
                        resource(APPAUTOSCALING.target, `t-${unit}`, { serviceNamespace: "dynamodb", resourceId: "table/sessions", scalableDimension: `dynamodb:table:${unit}CapacityUnits` }),
                        resource(APPAUTOSCALING.policy, `t-${unit}`, { serviceNamespace: "dynamodb", resourceId: "table/sessions", scalableDimension: `dynamodb:table:${unit}CapacityUnits` }),
                    ]),
                ],
                offenders: ["sessions"],
                message: [/read capacity of index by-user/, /write capacity of index by-user/],
            },
        },
    });
});
