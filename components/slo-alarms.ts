/**
 * Multi-window, multi-burn-rate alarms on the service's two objectives, as the Google SRE Workbook
 * sets them out ("Alerting on SLOs", https://sre.google/workbook/alerting-on-slos/, recommended
 * parameters for a 30-day objective; checked 2026-12-01): a fast burn of 14.4 times the error budget
 * over 1 hour confirmed over the last 5 minutes (2 % of the month's budget spent in an hour), critical;
 * a slow burn of 6 times over 6 hours confirmed over the last 30 minutes (5 % of the budget in six
 * hours), warning. The long window says the burn is significant, the short window that it is still
 * happening, so the alarm also resets within minutes of a fix.
 *
 * Each window is a metric-math alarm on the load balancer's counts (one period of the window's
 * length: 5 min, 30 min, 1 h and 6 h, all within CloudWatch's one-day limit on period × evaluation
 * periods), and a composite alarm fires when both windows of a pair are in ALARM. Only the composite
 * notifies; its two windows notify through it (CloudWatch composite alarms exist to cut that noise).
 */
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import type { AlertSeverity } from "./alerting";
import type { AlarmSpec } from "./alarms";

/** The service-level objectives of the product, per 30-day month, and the requests each counts as failed. */
export const SERVICE_LEVEL_OBJECTIVES = [
    {
        id: "availability",
        /** 99.9 % of requests a month are answered without a server error, whoever produced it. */
        objectivePercent: 99.9,
        description: "Availability (99.9 % of requests a month answered without a 5xx from the load balancer or the API)",
        failureMetrics: ["HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count"],
    },
    {
        id: "error-rate",
        /** At most 1 % of requests a month end in an error response of the API itself. */
        objectivePercent: 99,
        description: "Error rate (at most 1 % of requests a month answered with a 5xx by the API)",
        failureMetrics: ["HTTPCode_Target_5XX_Count"],
    },
] as const;

/** The workbook's two paging pairs of windows, and the severity each gets here. */
export const BURN_RATE_WINDOWS = [
    { speed: "fast", burnRate: 14.4, longMinutes: 60, shortMinutes: 5, severity: "critical" },
    { speed: "slow", burnRate: 6, longMinutes: 360, shortMinutes: 30, severity: "warning" },
] as const satisfies ReadonlyArray<{ speed: string; burnRate: number; longMinutes: number; shortMinutes: number; severity: AlertSeverity }>;

export interface BurnRateAlarmsArgs {
    namePrefix: string;
    /** The load balancer's CloudWatch dimension. */
    loadBalancer: Record<string, pulumi.Input<string>>;
    /** The actions and tags of an alarm of the given severity. */
    notify: (severity: AlertSeverity) => Pick<aws.cloudwatch.CompositeAlarmArgs, "actionsEnabled" | "alarmActions" | "okActions" | "insufficientDataActions" | "tags">;
}

/** Error-rate percentage above which a window burns the budget `burnRate` times too fast. */
export function burnRateThresholdPercent(objectivePercent: number, burnRate: number): number {
    // Rounded so that 14.4 × 0.1 is 1.44, not 1.4400000000000002.
    return Number((burnRate * (100 - objectivePercent)).toFixed(6));
}

function windowLabel(minutes: number): string {
    return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}

export function burnRateAlarms(parent: pulumi.Resource, name: string, args: BurnRateAlarmsArgs): void {
    for (const objective of SERVICE_LEVEL_OBJECTIVES) {
        for (const pair of BURN_RATE_WINDOWS) {
            const threshold = burnRateThresholdPercent(objective.objectivePercent, pair.burnRate);
            const suffix = `slo-${objective.id}-${pair.speed}-burn`;
            const composite = `${args.namePrefix}-${suffix}`;
            const windowAlarm = (minutes: number) => {
                const label = windowLabel(minutes);
                return new aws.cloudwatch.MetricAlarm(`${name}-${suffix}-${label}`, {
                    name: `${composite}-${label}`,
                    // No actions of its own: it notifies through the composite alarm that pairs it.
                    actionsEnabled: true,
                    alarmActions: [],
                    okActions: [],
                    insufficientDataActions: [],
                    tags: { NotifiesThrough: composite },
                    ...failureRate(args.loadBalancer, objective.failureMetrics, minutes, threshold,
                        `${objective.description}: failed requests above ${threshold} % over ${label} (${pair.burnRate}× the error budget); notifies through ${composite}`),
                }, { parent });
            };
            const long = windowAlarm(pair.longMinutes);
            const short = windowAlarm(pair.shortMinutes);
            new aws.cloudwatch.CompositeAlarm(`${name}-${suffix}`, {
                alarmName: composite,
                alarmDescription: `${objective.description}: the error budget burns ${pair.burnRate}× too fast over ${windowLabel(pair.longMinutes)} `
                    + `and still over the last ${windowLabel(pair.shortMinutes)}; at this rate the month's budget is gone in ${Math.round(30 * 24 / pair.burnRate)} hours`,
                alarmRule: pulumi.interpolate`ALARM("${long.name}") AND ALARM("${short.name}")`,
                ...args.notify(pair.severity),
            }, { parent });
        }
    }
}

/**
 * Failed requests (the given load-balancer counts) as a percentage of all requests over one window of
 * `minutes`, by metric math; above `threshold` the alarm fires. The threshold alarms use it too.
 */
export function failureRate(dimensions: Record<string, pulumi.Input<string>>, failureMetrics: readonly string[], minutes: number, threshold: number, description: string): AlarmSpec {
    const period = minutes * 60;
    const sum = (id: string, metricName: string) => ({
        id,
        returnData: false,
        metric: { namespace: "AWS/ApplicationELB", metricName, dimensions, period, stat: "Sum" },
    });
    const failureIds = failureMetrics.map((_, index) => `failures${index}`);
    return {
        alarmDescription: description,
        metricQueries: [
            sum("requests", "RequestCount"),
            ...failureMetrics.map((metric, index) => sum(failureIds[index], metric)),
            {
                id: "failureRate",
                label: "Failed requests (%)",
                returnData: true,
                expression: `IF(requests > 0, 100 * (${failureIds.map((id) => `FILL(${id}, 0)`).join(" + ")}) / requests, 0)`,
            },
        ],
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold,
        // No requests in a window is no failure.
        treatMissingData: "notBreaching",
    };
}
