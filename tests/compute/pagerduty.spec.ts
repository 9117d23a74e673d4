import { strict as assert } from "assert";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/** What the function sent: the body of each POST to PagerDuty. */
interface Sent {
    url: string;
    body: Record<string, unknown> & { payload?: Record<string, unknown> };
}

const CRITICAL = "arn:aws:sns:us-east-1:111122223333:clinical-platform-production-alarms-critical";
const WARNING = "arn:aws:sns:us-east-1:111122223333:clinical-platform-production-alarms-warning";
const KEY = "0123456789abcdef0123456789abcdef";

describe("the PagerDuty function", () => {
    const originalSend = SecretsManagerClient.prototype.send;
    const originalFetch = globalThis.fetch;
    let sent: Sent[];
    let secretReads: string[];
    let status: number;
    let handler: (event: { Records: Array<{ Sns: { TopicArn: string; Subject?: string | null; Message: string; MessageId: string } }> }) => Promise<void>;

    before(() => {
        process.env.INTEGRATION_KEY_SECRET = "clinical-platform/production/pagerduty-integration-key";
        SecretsManagerClient.prototype.send = (async (command: { input: { SecretId: string } }) => {
            secretReads.push(command.input.SecretId);
            return { SecretString: `${KEY}\n` };
        }) as unknown as typeof originalSend;
        globalThis.fetch = (async (url: string, init: { body: string }) => {
            sent.push({ url, body: JSON.parse(init.body) });
            return new Response("{}", { status });
        }) as unknown as typeof fetch;
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        handler = require("../../components/pagerduty/index.js").handler;
    });
    beforeEach(() => {
        sent = [];
        secretReads = [];
        status = 202;
    });
    after(() => {
        SecretsManagerClient.prototype.send = originalSend;
        globalThis.fetch = originalFetch;
        delete process.env.INTEGRATION_KEY_SECRET;
    });

    const record = (TopicArn: string, Message: unknown, Subject: string | null = null) =>
        ({ Sns: { TopicArn, Subject, Message: typeof Message === "string" ? Message : JSON.stringify(Message), MessageId: "m-1" } });

    it("triggers an incident keyed by the alarm's name when a critical alarm fires, with the key read from the named secret", async () => {
        await handler({ Records: [record(CRITICAL, { AlarmName: "clinical-platform-production-api-error-rate", NewStateValue: "ALARM", NewStateReason: "Threshold crossed" })] });
        assert.deepEqual(secretReads, ["clinical-platform/production/pagerduty-integration-key"]);
        assert.equal(sent.length, 1);
        assert.equal(sent[0].url, "https://events.pagerduty.com/v2/enqueue");
        const { routing_key, event_action, dedup_key, payload } = sent[0].body;
        assert.deepEqual([routing_key, event_action, dedup_key], [KEY, "trigger", "clinical-platform-production-api-error-rate"]);
        assert.equal(payload?.severity, "critical");
        assert.match(String(payload?.summary), /^clinical-platform-production-api-error-rate is ALARM: Threshold crossed$/);
    });

    it("resolves the incident when the alarm returns to OK, and pages warnings as warnings", async () => {
        await handler({ Records: [record(WARNING, { AlarmName: "clinical-platform-production-slo-availability-slow-burn", NewStateValue: "OK" })] });
        assert.deepEqual(sent[0].body, { routing_key: KEY, event_action: "resolve", dedup_key: "clinical-platform-production-slo-availability-slow-burn" });
        await handler({ Records: [record(WARNING, { AlarmName: "clinical-platform-production-node-cpu", NewStateValue: "ALARM", NewStateReason: "x" })] });
        assert.equal(sent[1].body.payload?.severity, "warning");
    });

    it("pages a GuardDuty finding by its id, and a failed deploy's custom notification by its title, with summaries within PagerDuty's 1024 characters", async () => {
        const finding = { "detail-type": "GuardDuty Finding", source: "aws.guardduty", detail: { id: "f-1", severity: 8, title: "x".repeat(2000), type: "Backdoor:EC2/C&CActivity.B" } };
        const deploy = { version: "1.0", source: "custom", content: { textType: "client-markdown", title: "clinical-platform production: deploy failed", description: "Run: https://github.com/r/1" } };
        await handler({ Records: [record(CRITICAL, finding), record(CRITICAL, deploy, "clinical-platform production: deploy failed")] });
        assert.equal(sent[0].body.dedup_key, "guardduty-f-1");
        assert.equal(String(sent[0].body.payload?.summary).length, 1024);
        assert.equal(sent[1].body.payload?.summary, "clinical-platform production: deploy failed: Run: https://github.com/r/1");
    });

    it("fails the invocation when PagerDuty refuses the event, so Lambda retries it", async () => {
        status = 400;
        await assert.rejects(handler({ Records: [record(CRITICAL, "plain text")] }), /PagerDuty answered 400/);
    });
});
