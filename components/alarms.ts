/**
 * Alarms, each of a severity whose topic routes it to people (components/alert-routes.ts). Load
 * balancer error rate and p95 latency for the whole service and again per slot, so a bad green shows
 * while it carries a sliver of traffic; node and container CPU and memory from Container Insights;
 * database CPU, free storage and connections; and the SLO burn-rate alarms (components/slo-alarms.ts).
 * Every alarm notifies on entering ALARM, on returning to OK and on INSUFFICIENT_DATA, and says how it
 * treats missing data: traffic metrics that vanish mean no traffic (not breaching); capacity and
 * database metrics that vanish mean the reporter is gone (breaching).
 *
 * Severity: critical pages (where routing says so) and is for what users feel now or will feel within
 * minutes; warning is for what needs a look within working hours.
 */
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import type { AlertRouting, AlertSeverity } from "./alerting";
import { AlertRoutes } from "./alert-routes";
import type { FunctionNetwork } from "./function-network";
import { burnRateAlarms, failureRate } from "./slo-alarms";
import { PlatformContext } from "./context";

const GIB = 1024 ** 3;

/** When each alarm fires: thresholds and the windows they are judged over (the environment profiles set them). */
export interface AlarmThresholds {
    /** 5xx responses as a share of requests, in percent, over errorRateWindowMinutes. */
    readonly errorRatePercent: number;
    readonly errorRateWindowMinutes: number;
    /** p95 target response time, over latencyWindowMinutes. */
    readonly latencyP95Milliseconds: number;
    readonly latencyWindowMinutes: number;
    /** Pod CPU and memory use, as a share of their limits. */
    readonly cpuPercent: number;
    readonly memoryPercent: number;
    readonly databaseCpuPercent: number;
    /** Alarm when free database storage falls below this share of allocated storage. */
    readonly databaseFreeStoragePercent: number;
    readonly databaseConnections: number;
}

export interface AlarmsArgs {
    /** Prefix of the topic and alarm names, e.g. clinical-platform-production. */
    namePrefix: string;
    /** The stack's region (the topics', and where the PagerDuty secret is read). */
    region: string;
    /** The alert channels and which of them each severity reaches. */
    alerts: AlertRouting;
    /** This stack owns the region's GuardDuty detector and so routes its findings (AlertRoutesArgs). */
    routeGuardDutyFindings: boolean;
    /** The VPC whose private subnets the PagerDuty function runs in (AlertRoutesArgs). */
    network: FunctionNetwork;
    /** The stack's shared inputs (components/context.ts); its logs key also encrypts the topics (its policy lets CloudWatch and EventBridge publish). */
    context: PlatformContext;
    /** Key of the PagerDuty integration-key secret. */
    secretsKeyArn: pulumi.Input<string>;
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
}

export type MissingData = "notBreaching" | "breaching";
export type AlarmSpec = Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "insufficientDataActions" | "treatMissingData" | "tags"> & { treatMissingData: MissingData };

/**
 * Names of the alarms that judge one slot's release from its own requests: 5xx and failed
 * connections as a share of requests, and p95 latency. The release tooling watches the candidate's
 * (canary holds, automatic rollback); each is `<namePrefix>-<slot>-<what>`.
 */
export function slotReleaseAlarmNames(namePrefix: string, slot: string): { errorRate: string; latencyP95: string } {
    return { errorRate: `${namePrefix}-${slot}-error-rate`, latencyP95: `${namePrefix}-${slot}-latency-p95` };
}

export class Alarms extends pulumi.ComponentResource {
    /** The topic of each severity. */
    readonly topicArns: Record<AlertSeverity, pulumi.Output<string>>;
    /** The critical topic: failed deploys publish there, and GuardDuty's high-severity findings arrive there. */
    readonly criticalTopicArn: pulumi.Output<string>;

    constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:alarms:Alarms", name, {}, opts);
        const parent = { parent: this };
        const routes = new AlertRoutes(`${name}-routes`, {
            namePrefix: args.namePrefix,
            region: args.region,
            alerts: args.alerts,
            secretsKeyArn: args.secretsKeyArn,
            routeGuardDutyFindings: args.routeGuardDutyFindings,
            network: args.network,
            context: args.context,
        }, parent);
        const notify = (severity: AlertSeverity) => ({
            actionsEnabled: true,
            alarmActions: [routes.topicArns[severity]],
            okActions: [routes.topicArns[severity]],
            insufficientDataActions: [routes.topicArns[severity]],
            tags: { Severity: severity },
        });

        const alarm = (suffix: string, severity: AlertSeverity, spec: AlarmSpec) => new aws.cloudwatch.MetricAlarm(`${name}-${suffix}`, {
            name: `${args.namePrefix}-${suffix}`,
            ...notify(severity),
            ...spec,
        }, parent);
        const t = args.thresholds;
        const loadBalancer = { LoadBalancer: args.loadBalancerArnSuffix };

        // Critical: 5xx above the threshold across the service are failures users see now.
        alarm("api-error-rate", "critical", errorRate("All API requests", loadBalancer, ["HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count"], t));
        // Warning: slow is not failing; the burn-rate and error-rate alarms page when slowness turns into errors.
        alarm("api-latency-p95", "warning", latency("All API requests", loadBalancer, t));
        for (const [slot, { targetGroupArnSuffix, namespace }] of Object.entries(args.slots)) {
            const targetGroup = { ...loadBalancer, TargetGroup: targetGroupArnSuffix };
            // Warning: the release tooling acts on a candidate's own alarms (canary hold, rollback); a slot
            // failing enough to hurt users trips api-error-rate, which is critical.
            // The load balancer's own 5xx have no target-group dimension; failed connections to the slot's pods stand in for them.
            alarm(`${slot}-error-rate`, "warning", errorRate(`Slot ${slot}`, targetGroup, ["HTTPCode_Target_5XX_Count", "TargetConnectionErrorCount"], t));
            alarm(`${slot}-latency-p95`, "warning", latency(`Slot ${slot}`, targetGroup, t));
            const pods = { ClusterName: args.clusterName, Namespace: namespace };
            // Warning: capacity; the autoscaler and elastic nodes act first, people look within hours.
            alarm(`${slot}-container-cpu`, "warning", containerInsights(`Slot ${slot} pods' CPU against their limit`, "pod_cpu_utilization_over_pod_limit", pods, t.cpuPercent, "notBreaching"));
            alarm(`${slot}-container-memory`, "warning", containerInsights(`Slot ${slot} pods' memory against their limit`, "pod_memory_utilization_over_pod_limit", pods, t.memoryPercent, "notBreaching"));
        }

        const cluster = { ClusterName: args.clusterName };
        // Warning: node capacity is elastic; a cluster that stops serving shows in the error-rate and burn-rate alarms.
        alarm("node-cpu", "warning", containerInsights("Cluster nodes' CPU", "node_cpu_utilization", cluster, t.cpuPercent, "breaching"));
        alarm("node-memory", "warning", containerInsights("Cluster nodes' memory", "node_memory_utilization", cluster, t.memoryPercent, "breaching"));

        // Critical, all three: the one database serves every request of both slots, so saturation, a full
        // disk or exhausted connections (and an instance that stops reporting) is an outage in minutes.
        const database = { DBInstanceIdentifier: args.databaseIdentifier };
        alarm("database-cpu", "critical", {
            alarmDescription: `Database CPU above ${t.databaseCpuPercent} % for 5 minutes`,
            namespace: "AWS/RDS", metricName: "CPUUtilization", dimensions: database, statistic: "Average",
            period: 60, evaluationPeriods: 5, datapointsToAlarm: 5,
            comparisonOperator: "GreaterThanThreshold", threshold: t.databaseCpuPercent,
            treatMissingData: "breaching",
        });
        alarm("database-free-storage", "critical", {
            alarmDescription: `Database free storage below ${t.databaseFreeStoragePercent} % of the ${args.databaseAllocatedStorageGiB} GiB allocated`,
            namespace: "AWS/RDS", metricName: "FreeStorageSpace", dimensions: database, statistic: "Minimum",
            period: 300, evaluationPeriods: 1,
            comparisonOperator: "LessThanThreshold", threshold: freeStorageBytes(args.databaseAllocatedStorageGiB, t.databaseFreeStoragePercent),
            treatMissingData: "breaching",
        });
        alarm("database-connections", "critical", {
            alarmDescription: `More than ${t.databaseConnections} database connections for 5 minutes`,
            namespace: "AWS/RDS", metricName: "DatabaseConnections", dimensions: database, statistic: "Maximum",
            period: 60, evaluationPeriods: 5, datapointsToAlarm: 5,
            comparisonOperator: "GreaterThanThreshold", threshold: t.databaseConnections,
            treatMissingData: "breaching",
        });

        burnRateAlarms(this, name, { namePrefix: args.namePrefix, loadBalancer, notify });

        if (routes.pagerDutyFunctionName) {
            // Critical: a page that cannot be sent is lost once Lambda's retries are spent (a missing or
            // revoked key, PagerDuty refusing); the other critical channels hear of it.
            alarm("pagerduty-delivery", "critical", {
                alarmDescription: "The PagerDuty function failed to send a page (see its log; is the integration key in its secret?)",
                namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: routes.pagerDutyFunctionName }, statistic: "Sum",
                period: 300, evaluationPeriods: 1,
                comparisonOperator: "GreaterThanThreshold", threshold: 0,
                // No invocation, no error.
                treatMissingData: "notBreaching",
            });
        }

        this.topicArns = routes.topicArns;
        this.criticalTopicArn = routes.topicArns.critical;
        this.registerOutputs({ topicArns: this.topicArns, criticalTopicArn: this.criticalTopicArn });
    }
}

/** Bytes below which free storage alarms: `percent` of the allocated GiB. */
export function freeStorageBytes(allocatedGiB: number, percent: number): number {
    return Math.round(allocatedGiB * GIB * percent / 100);
}

/** 5xx (and the given failure counts) as a percentage of requests over the window, by metric math. */
function errorRate(scope: string, dimensions: Record<string, pulumi.Input<string>>, failureMetrics: string[], t: AlarmThresholds): AlarmSpec {
    return failureRate(dimensions, failureMetrics, t.errorRateWindowMinutes, t.errorRatePercent,
        `${scope}: 5xx responses above ${t.errorRatePercent} % of requests over ${t.errorRateWindowMinutes} minutes`);
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
