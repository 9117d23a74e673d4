/**
 * DynamoDB tables (inline global secondary indexes and replicas included). Inputs checked in the
 * @pulumi/aws 7.48.0 dynamodb/table.d.ts and appautoscaling/*.d.ts on 2026-12-01: billingMode
 * defaults to PROVISIONED, pointInTimeRecovery to off, and without serverSideEncryption the
 * table is encrypted under an AWS-owned key.
 */
import { type ClinicalPolicy, type Finding, resourceRule, stackRule } from "../lib/policy";
import { type StackResource, refersTo } from "../lib/stack";
import { APPAUTOSCALING, DYNAMODB } from "../lib/types";
import { type Maybe, elements, isKnown, isUnknown, presentOrPending } from "../lib/values";

/** Inputs of `aws.dynamodb.Table` the rules read. */
export interface TableInputs {
    name?: Maybe<string>;
    billingMode?: Maybe<string>;
    pointInTimeRecovery?: Maybe<{ enabled?: Maybe<boolean> }>;
    serverSideEncryption?: Maybe<{ enabled?: Maybe<boolean>; kmsKeyArn?: Maybe<string> }>;
    globalSecondaryIndexes?: Maybe<Maybe<{ name?: Maybe<string> }>[]>;
    replicas?: Maybe<Maybe<{ regionName?: Maybe<string>; pointInTimeRecovery?: Maybe<boolean>; kmsKeyArn?: Maybe<string> }>[]>;
}

/** Inputs of `aws.dynamodb.TableReplica` (a replica declared on its own, in its region's provider) the rules read. */
export interface TableReplicaInputs {
    pointInTimeRecovery?: Maybe<boolean>;
    kmsKeyArn?: Maybe<string>;
}

/** Inputs of `aws.appautoscaling.Target` and `aws.appautoscaling.Policy` the rules read. */
export interface ScalingInputs {
    serviceNamespace?: Maybe<string>;
    resourceId?: Maybe<string>;
    scalableDimension?: Maybe<string>;
}

const AWS_MANAGED_DYNAMODB_KEY = /(^|:)alias\/aws\/dynamodb$/;

export const dynamodbPitrEnabled = resourceRule<TableInputs & TableReplicaInputs>({
    name: "dynamodb-pitr-enabled",
    description: "DynamoDB tables, and each of their replicas, keep point-in-time recovery on.",
    severity: "high",
    category: "availability",
    hipaa: ["164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)", "164.312(c)(1)"],
    soc2: ["A1.2"],
    remediation: "Set pointInTimeRecovery { enabled: true }, and pointInTimeRecovery: true on every replica (inline or aws.dynamodb.TableReplica).",
    anchors: { awsConfig: ["DYNAMODB_PITR_ENABLED"], cdkNag: ["DynamoDBPITREnabled"] },
    resourceTypes: [DYNAMODB.table, DYNAMODB.tableReplica],
    *check(table, { type }) {
        if (type === DYNAMODB.tableReplica) {
            if ((table as TableReplicaInputs).pointInTimeRecovery !== true) {
                yield "pointInTimeRecovery is not true (the default is false), so an overwritten or deleted item in this replica cannot be restored.";
            }
            return;
        }
        const pitr = table.pointInTimeRecovery;
        if (!isKnown(pitr) || pitr.enabled !== true) {
            yield "pointInTimeRecovery.enabled is not true, so an overwritten or deleted item cannot be restored.";
        }
        for (const replica of elements(table.replicas).known) {
            if (isKnown(replica) && replica.pointInTimeRecovery !== true) {
                yield `The replica in ${String(replica.regionName ?? "another region")} does not set pointInTimeRecovery to true.`;
            }
        }
    },
});

export const dynamodbCustomerManagedKey = resourceRule<TableInputs & TableReplicaInputs>({
    name: "dynamodb-customer-managed-key",
    description: "DynamoDB tables, and each of their replicas, are encrypted with a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.1"],
    remediation: "Set serverSideEncryption { enabled: true, kmsKeyArn: <the data key> }, and kmsKeyArn on every replica (inline or aws.dynamodb.TableReplica: a key of its region).",
    resourceTypes: [DYNAMODB.table, DYNAMODB.tableReplica],
    *check(table, { type }) {
        if (type === DYNAMODB.tableReplica) {
            const replicaKey = table.kmsKeyArn;
            if (!presentOrPending(replicaKey)) {
                yield "kmsKeyArn is not set, so this replica is encrypted under the AWS-managed aws/dynamodb key.";
            } else if (isKnown(replicaKey) && AWS_MANAGED_DYNAMODB_KEY.test(replicaKey)) {
                yield "kmsKeyArn names the AWS-managed aws/dynamodb key, whose policy the account cannot restrict.";
            }
            return;
        }
        const encryption = table.serverSideEncryption;
        if (!isKnown(encryption) || encryption.enabled !== true) {
            yield "serverSideEncryption.enabled is not true, so the table is encrypted under an AWS-owned key the account cannot control or audit.";
            return;
        }
        const key = encryption.kmsKeyArn;
        if (!presentOrPending(key)) {
            yield "serverSideEncryption.kmsKeyArn is not set, so the table is encrypted under the AWS-managed aws/dynamodb key.";
        } else if (isKnown(key) && AWS_MANAGED_DYNAMODB_KEY.test(key)) {
            yield "serverSideEncryption.kmsKeyArn names the AWS-managed aws/dynamodb key, whose policy the account cannot restrict.";
        }
        for (const replica of elements(table.replicas).known) {
            if (isKnown(replica) && !presentOrPending(replica.kmsKeyArn)) {
                yield `The replica in ${String(replica.regionName ?? "another region")} sets no kmsKeyArn, so it is encrypted under the AWS-managed key.`;
            }
        }
    },
});

/** The capacity an autoscaling target or policy must cover: the table, or one of its indexes. */
interface Capacity {
    label: string;
    /** "table/<name>" or "table/<name>/index/<index>", when the table's name is known. */
    resourceId: string | undefined;
    dimension: "table" | "index";
    index: string | undefined;
}

export const dynamodbAutoscalingEnabled = stackRule({
    name: "dynamodb-autoscaling-enabled",
    description: "Provisioned DynamoDB tables and their global secondary indexes scale read and write capacity automatically.",
    severity: "medium",
    category: "availability",
    hipaa: ["164.308(a)(7)(ii)(C)"],
    soc2: ["A1.1"],
    remediation:
        'Use billingMode "PAY_PER_REQUEST", or give the table and each index an aws.appautoscaling.Target and a target-tracking '
        + "aws.appautoscaling.Policy for ReadCapacityUnits and for WriteCapacityUnits.",
    anchors: { awsConfig: ["DYNAMODB_AUTOSCALING_ENABLED"], cdkNag: ["DynamoDBAutoScalingEnabled"] },
    resourceTypes: [DYNAMODB.table],
    *check(stack) {
        const targets = stack.ofType(APPAUTOSCALING.target).filter(isDynamoDbScaling);
        const policies = stack.ofType(APPAUTOSCALING.policy).filter(isDynamoDbScaling);
        for (const table of stack.ofType(DYNAMODB.table)) {
            yield* autoscalingFindings(table, targets, policies);
        }
    },
});

function isDynamoDbScaling(resource: StackResource): boolean {
    const namespace = resource.props<ScalingInputs>().serviceNamespace;
    return namespace === "dynamodb" || isUnknown(namespace);
}

function* autoscalingFindings(table: StackResource, targets: StackResource[], policies: StackResource[]): Iterable<Finding> {
    const inputs = table.props<TableInputs>();
    const mode = inputs.billingMode;
    // An unknown mode is judged as the default, PROVISIONED: it cannot be shown to be on demand.
    if (mode === "PAY_PER_REQUEST") {
        return;
    }
    const name = isKnown(inputs.name) && typeof inputs.name === "string" ? inputs.name : undefined;
    const capacities: Capacity[] = [{ label: "the table", resourceId: name && `table/${name}`, dimension: "table", index: undefined }];
    for (const index of elements(inputs.globalSecondaryIndexes).known) {
        const indexName = isKnown(index) && typeof index.name === "string" ? index.name : undefined;
        capacities.push({ label: `index ${indexName ?? "(unnamed)"}`, resourceId: name && indexName && `table/${name}/index/${indexName}`, dimension: "index", index: indexName });
    }
    const mine = (scaling: StackResource) => refersTo(scaling, "resourceId", table, ["name", "id"]) || matchesTable(scaling, name);
    const tableTargets = targets.filter(mine);
    const tablePolicies = policies.filter((policy) => mine(policy) || tableTargets.some((target) => policy.dependencies.includes(target.urn)));
    for (const capacity of capacities) {
        for (const unit of ["Read", "Write"] as const) {
            const dimension = `dynamodb:${capacity.dimension}:${unit}CapacityUnits`;
            if (!tableTargets.some((target) => covers(target, capacity, dimension))) {
                yield { resource: table, message: `No autoscaling target scales ${unit.toLowerCase()} capacity of ${capacity.label}, so a provisioned table throttles under load.` };
            } else if (!tablePolicies.some((policy) => covers(policy, capacity, dimension))) {
                yield { resource: table, message: `No autoscaling policy acts on the ${unit.toLowerCase()} capacity target of ${capacity.label}, so it never scales.` };
            }
        }
    }
}

function matchesTable(scaling: StackResource, tableName: string | undefined): boolean {
    const id = scaling.props<ScalingInputs>().resourceId;
    return tableName !== undefined && typeof id === "string" && (id === `table/${tableName}` || id.startsWith(`table/${tableName}/index/`));
}

/** Whether a target or policy acts on this capacity; an id still unknown in preview counts for any index of the table. */
function covers(scaling: StackResource, capacity: Capacity, dimension: string): boolean {
    const inputs = scaling.props<ScalingInputs>();
    if (inputs.scalableDimension !== dimension && !isUnknown(inputs.scalableDimension)) {
        return false;
    }
    const id = inputs.resourceId;
    if (!isKnown(id) || typeof id !== "string" || capacity.resourceId === undefined) {
        return true;
    }
    return id === capacity.resourceId;
}

export const dynamodbPolicies: ClinicalPolicy[] = [dynamodbPitrEnabled, dynamodbCustomerManagedKey, dynamodbAutoscalingEnabled];
