/**
 * Where alarms go: the channels the platform can deliver to and the severities it routes. Kept free of
 * provider imports, so config validation (stacks/) can name them without loading the SDKs.
 */
export const ALERT_CHANNELS = ["email", "slack", "pagerduty"] as const;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];
export const ALERT_SEVERITIES = ["warning", "critical"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** The channels configured and which of them each severity reaches. */
export interface AlertRouting {
    readonly email: readonly string[];
    /** AWS Chatbot's Slack workspace and channel. */
    readonly slack?: { readonly teamId: string; readonly channelId: string };
    /** The secret holding the PagerDuty integration key; the key itself never reaches config or state. */
    readonly pagerduty?: { readonly integrationKeySecret: string };
    readonly routing: Readonly<Record<AlertSeverity, readonly AlertChannel[]>>;
}
