/**
 * Alarms into one encrypted SNS topic with e-mail subscriptions. Load balancer error rate and p95
 * latency for the whole service and again per slot, so a bad green shows while it carries a
 * sliver of traffic; node and container CPU and memory from Container Insights; database CPU, free
 * storage and connections. Every alarm notifies on entering and on leaving ALARM, and says how it
 * treats missing data: traffic metrics that vanish mean no traffic (not breaching); capacity and
 * database metrics that vanish mean the reporter is gone (breaching).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "./iam";
import type { AlarmProfile } from "../stacks/profiles";

const GIB = 1024 ** 3;

/** Thresholds and windows, as the environment profiles define them. */
export type AlarmThresholds = Readonly<AlarmProfile>;

export interface AlarmsArgs {
    /** Prefix of the topic and alarm names, e.g. clinical-platform-production. */
    namePrefix: string;
    /** Addresses subscribed to the topic; each must confirm its subscription. */
    alertEmails: readonly string[];
    /** Key for the topic; its policy lets CloudWatch publish. */
    logsKeyArn: pulumi.Input<string>;
    /** The load balancer's `app/…` suffix, the CloudWatch dimension. */
    loadBalancerArnSuffix: pulumi.Input<string>;
    /** Per slot: its target group's ARN suffix and its namespace. */
    slots: Readonly<Record<string, { targetGroupArnSuffix: pulumi.Input<string>; namespace: string }>>;
    /** EKS cluster name, the Container Insights dimension. */
    clusterName: pulumi.Input<string>;
    /** RDS instance identifier, the RDS dimension. */
    databaseIdentifier: pulumi.Input<string>;
    /** Allocated storage; the free-storage threshold is a share of it. */
    databaseAllocatedStorageGiB: number;
    /** The profile's thresholds and windows. */
    thresholds: AlarmThresholds;
    /** Tags for every taggable resource. */
    tags: Record<string, string>;
}

type MissingData = "notBreaching" | "breaching";
type AlarmSpec = Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "treatMissingData" | "tags"> & { treatMissingData: MissingData };

/**
 * Names of the alarms that judge one slot's release from its own requests: 5xx and failed
 * connections as a share of requests, and p95 latency. The release tooling watches the candidate's
 * (canary holds, automatic rollback); each is `<namePrefix>-<slot>-<what>`.
 */
export function slotReleaseAlarmNames(namePrefix: string, slot: string): { errorRate: string; latencyP95: string } {
    return { errorRate: `${namePrefix}-${slot}-error-rate`, latencyP95: `${namePrefix}-${slot}-latency-p95` };
}

export class Alarms extends pulumi.ComponentResource {
    readonly topicArn: pulumi.Output<string>;

    constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:alarms:Alarms", name, {}, opts);
        const parent = { parent: this };
        const account = aws.getCallerIdentityOutput({}, parent).accountId;

        const topic = new aws.sns.Topic(name, {
            name: `${args.namePrefix}-alarms`,
            displayName: `${args.namePrefix} alarms`,
            kmsMasterKeyId: args.logsKeyArn,
            tags: args.tags,
        }, parent);
        new aws.sns.TopicPolicy(name, {
            arn: topic.arn,
            policy: policyDocument([
                {
                    Sid: "CloudWatchPublishesFromThisAccount",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: "sns:Publish",
                    Resource: topic.arn,
                    Condition: { StringEquals: { "aws:SourceAccount": account } },
                },
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "sns:Publish",
                    Resource: topic.arn,
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ]),
        }, parent);
        for (const email of args.alertEmails) {
            new aws.sns.TopicSubscription(`${name}-${email}`, { topic: topic.arn, protocol: "email", endpoint: email }, parent);
        }

        const alarm = (suffix: string, spec: AlarmSpec) => new aws.cloudwatch.MetricAlarm(`${name}-${suffix}`, {
            name: `${args.namePrefix}-${suffix}`,
            actionsEnabled: true,
            alarmActions: [topic.arn],
            okActions: [topic.arn],
            tags: args.tags,
            ...spec,
        }, parent);
        const t = args.thresholds;
        const loadBalancer = { LoadBalancer: args.loadBalancerArnSuffix };

        alarm("api-error-rate", errorRate("All API requests", loadBalancer, ["HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count"], t));
        alarm("api-latency-p95", latency("All API requests", loadBalancer, t));
        for (const [slot, { targetGroupArnSuffix, namespace }] of Object.entries(args.slots)) {
            const targetGroup = { ...loadBalancer, TargetGroup: targetGroupArnSuffix };
            // The load balancer's own 5xx have no target-group dimension; failed connections to the slot's pods stand in for them.
            alarm(`${slot}-error-rate`, errorRate(`Slot ${slot}`, targetGroup, ["HTTPCode_Target_5XX_Count", "TargetConnectionErrorCount"], t));
            alarm(`${slot}-latency-p95`, latency(`Slot ${slot}`, targetGroup, t));
            const pods = { ClusterName: args.clusterName, Namespace: namespace };
            alarm(`${slot}-container-cpu`, containerInsights(`Slot ${slot} pods' CPU against their limit`, "pod_cpu_utilization_over_pod_limit", pods, t.cpuPercent, "notBreaching"));
            alarm(`${slot}-container-memory`, containerInsights(`Slot ${slot} pods' memory against their limit`, "pod_memory_utilization_over_pod_limit", pods, t.memoryPercent, "notBreaching"));
        }

        const cluster = { ClusterName: args.clusterName };
        alarm("node-cpu", containerInsights("Cluster nodes' CPU", "node_cpu_utilization", cluster, t.cpuPercent, "breaching"));
        alarm("node-memory", containerInsights("Cluster nodes' memory", "node_memory_utilization", cluster, t.memoryPercent, "breaching"));

        const database = { DBInstanceIdentifier: args.databaseIdentifier };
        alarm("database-cpu", {
            alarmDescription: `Database CPU above ${t.databaseCpuPercent} % for 5 minutes`,
            namespace: "AWS/RDS", metricName: "CPUUtilization", dimensions: database, statistic: "Average",
            period: 60, evaluationPeriods: 5, datapointsToAlarm: 5,
            comparisonOperator: "GreaterThanThreshold", threshold: t.databaseCpuPercent,
            treatMissingData: "breaching",
        });
        alarm("database-free-storage", {
            alarmDescription: `Database free storage below ${t.databaseFreeStoragePercent} % of the ${args.databaseAllocatedStorageGiB} GiB allocated`,
            namespace: "AWS/RDS", metricName: "FreeStorageSpace", dimensions: database, statistic: "Minimum",
            period: 300, evaluationPeriods: 1,
            comparisonOperator: "LessThanThreshold", threshold: freeStorageBytes(args.databaseAllocatedStorageGiB, t.databaseFreeStoragePercent),
            treatMissingData: "breaching",
        });
        alarm("database-connections", {
            alarmDescription: `More than ${t.databaseConnections} database connections for 5 minutes`,
            namespace: "AWS/RDS", metricName: "DatabaseConnections", dimensions: database, statistic: "Maximum",
            period: 60, evaluationPeriods: 5, datapointsToAlarm: 5,
            comparisonOperator: "GreaterThanThreshold", threshold: t.databaseConnections,
            treatMissingData: "breaching",
        });

        this.topicArn = topic.arn;
        this.registerOutputs({ topicArn: this.topicArn });
    }
}

/** Bytes below which free storage alarms: `percent` of the allocated GiB. */
export function freeStorageBytes(allocatedGiB: number, percent: number): number {
    return Math.round(allocatedGiB * GIB * percent / 100);
}

/** 5xx (and the given failure counts) as a percentage of requests over the window, by metric math. */
function errorRate(scope: string, dimensions: Record<string, pulumi.Input<string>>, failureMetrics: string[], t: AlarmThresholds): AlarmSpec {
    const period = t.errorRateWindowMinutes * 60;
    const sum = (id: string, metricName: string) => ({
        id,
        returnData: false,
        metric: { namespace: "AWS/ApplicationELB", metricName, dimensions, period, stat: "Sum" },
    });
    const failureIds = failureMetrics.map((_, index) => `failures${index}`);
    return {
        alarmDescription: `${scope}: 5xx responses above ${t.errorRatePercent} % of requests over ${t.errorRateWindowMinutes} minutes`,
        metricQueries: [
            sum("requests", "RequestCount"),
            ...failureMetrics.map((metric, index) => sum(failureIds[index], metric)),
            {
                id: "errorRate",
                label: "Error rate (%)",
                returnData: true,
                expression: `IF(requests > 0, 100 * (${failureIds.map((id) => `FILL(${id}, 0)`).join(" + ")}) / requests, 0)`,
            },
        ],
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.errorRatePercent,
        treatMissingData: "notBreaching",
    };
}

function latency(scope: string, dimensions: Record<string, pulumi.Input<string>>, t: AlarmThresholds): AlarmSpec {
    return {
        alarmDescription: `${scope}: p95 target response time above ${t.latencyP95Milliseconds} ms over ${t.latencyWindowMinutes} minute(s)`,
        namespace: "AWS/ApplicationELB",
        metricName: "TargetResponseTime",
        dimensions,
        extendedStatistic: "p95",
        period: t.latencyWindowMinutes * 60,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        // The metric is in seconds.
        threshold: t.latencyP95Milliseconds / 1000,
        treatMissingData: "notBreaching",
    };
}

function containerInsights(subject: string, metricName: string, dimensions: Record<string, pulumi.Input<string>>, percent: number, missing: MissingData): AlarmSpec {
    return {
        alarmDescription: `${subject} above ${percent} % for 5 minutes`,
        namespace: "ContainerInsights",
        metricName,
        dimensions,
        statistic: "Average",
        period: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        comparisonOperator: "GreaterThanThreshold",
        threshold: percent,
        treatMissingData: missing,
    };
}
