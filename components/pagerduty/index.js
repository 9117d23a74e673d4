// @ts-check
/**
 * Pages PagerDuty for what reaches the alarm topics it subscribes to: CloudWatch alarm state changes
 * (metric and composite), GuardDuty findings that EventBridge forwards, and AWS Chatbot custom
 * notifications (the deploy workflow's notice of a failed deploy); anything else is paged as its text. It reads the integration key from Secrets Manager when it sends, so the key lives in
 * the secret only: never in the stack file, the Pulumi state, an SNS subscription or this function's
 * configuration.
 *
 * Events API v2 (https://developer.pagerduty.com/docs/events-API-v2/trigger-events/, checked
 * 2026-12-01): POST https://events.pagerduty.com/v2/enqueue with routing_key, event_action
 * (trigger | acknowledge | resolve), dedup_key (at most 255 characters) and, to trigger, a payload
 * with summary (at most 1024 characters), source and severity (critical | error | warning | info).
 * An alarm's name is its dedup key, so its return to OK resolves the incident its ALARM opened.
 *
 * Plain JavaScript under `// @ts-check`, like the rotation function: the file Lambda runs is the file
 * reviewed. The SDK client comes with the Lambda Node.js runtime; fetch is Node's own.
 */
const { SecretsManagerClient, GetSecretValueCommand } = require("@aws-sdk/client-secrets-manager");

const ENDPOINT = "https://events.pagerduty.com/v2/enqueue";
const SUMMARY_LIMIT = 1024;
const DEDUP_LIMIT = 255;
/** How long a key read from the secret is reused: a key put in the secret is in use within this. */
const KEY_TTL_MS = 5 * 60 * 1000;

const secrets = new SecretsManagerClient({});
/** @type {{ value: string, readAt: number } | undefined} */
let cachedKey;

/** @typedef {"critical" | "error" | "warning" | "info"} PagerDutySeverity */
/**
 * @typedef {object} PagerDutyEvent
 * @property {"trigger" | "resolve"} event_action
 * @property {string} dedup_key
 * @property {{ summary: string, source: string, severity: PagerDutySeverity, custom_details?: unknown }} [payload]
 */
/**
 * @typedef {object} SnsRecord
 * @property {{ TopicArn: string, Subject?: string | null, Message: string, MessageId: string }} Sns
 */

/** @param {{ Records: SnsRecord[] }} event */
exports.handler = async (event) => {
    const routingKey = await integrationKey();
    for (const record of event.Records) {
        await send(routingKey, toPagerDuty(record));
    }
};

async function integrationKey() {
    if (cachedKey && Date.now() - cachedKey.readAt < KEY_TTL_MS) return cachedKey.value;
    const secretId = process.env.INTEGRATION_KEY_SECRET;
    if (!secretId) throw new Error("INTEGRATION_KEY_SECRET is not set");
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    const value = SecretString?.trim();
    if (!value) throw new Error(`the secret ${secretId} holds no integration key yet (docs/runbooks/alarms.md)`);
    cachedKey = { value, readAt: Date.now() };
    return value;
}

/**
 * @param {SnsRecord} record
 * @returns {PagerDutyEvent}
 */
function toPagerDuty(record) {
    const { TopicArn, Subject, Message, MessageId } = record.Sns;
    const severity = /-critical$/.test(TopicArn) ? "critical" : "warning";
    const source = TopicArn.split(":").slice(-1)[0];
    /** @type {Record<string, unknown> | undefined} */
    let parsed;
    try {
        const value = JSON.parse(Message);
        if (value && typeof value === "object") parsed = value;
    } catch {
        parsed = undefined;
    }
    if (parsed && typeof parsed.AlarmName === "string" && typeof parsed.NewStateValue === "string") {
        const alarm = parsed.AlarmName;
        if (parsed.NewStateValue === "OK") return { event_action: "resolve", dedup_key: clip(alarm, DEDUP_LIMIT) };
        return trigger(alarm, `${alarm} is ${parsed.NewStateValue}: ${parsed.NewStateReason ?? parsed.AlarmDescription ?? ""}`, source, severity, parsed);
    }
    if (parsed && parsed["detail-type"] === "GuardDuty Finding" && parsed.detail && typeof parsed.detail === "object") {
        const finding = /** @type {Record<string, unknown>} */ (parsed.detail);
        return trigger(`guardduty-${String(finding.id)}`, `GuardDuty ${String(finding.severity)}: ${String(finding.title ?? finding.type)}`, source, severity, finding);
    }
    if (parsed && parsed.source === "custom" && parsed.content && typeof parsed.content === "object") {
        // An AWS Chatbot custom notification, such as the deploy workflow's notice of a failed deploy.
        const content = /** @type {Record<string, unknown>} */ (parsed.content);
        return trigger(`message-${MessageId}`, `${String(content.title ?? Subject ?? "")}: ${String(content.description ?? "")}`, source, severity, content);
    }
    return trigger(`message-${MessageId}`, Subject ? `${Subject}: ${Message}` : Message, source, severity, undefined);
}

/**
 * @param {string} dedupKey
 * @param {string} summary
 * @param {string} source
 * @param {PagerDutySeverity} severity
 * @param {unknown} details
 * @returns {PagerDutyEvent}
 */
function trigger(dedupKey, summary, source, severity, details) {
    return {
        event_action: "trigger",
        dedup_key: clip(dedupKey, DEDUP_LIMIT),
        payload: { summary: clip(summary, SUMMARY_LIMIT), source, severity, ...(details === undefined ? {} : { custom_details: details }) },
    };
}

/** @param {string} text @param {number} limit */
function clip(text, limit) {
    return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/**
 * Throws on anything but 202, so Lambda retries the asynchronous invocation SNS made.
 * @param {string} routingKey
 * @param {PagerDutyEvent} pagerDutyEvent
 */
async function send(routingKey, pagerDutyEvent) {
    const response = await fetch(ENDPOINT, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ routing_key: routingKey, ...pagerDutyEvent }),
    });
    if (response.status !== 202) {
        throw new Error(`PagerDuty answered ${response.status} for ${pagerDutyEvent.dedup_key}: ${await response.text()}`);
    }
}
