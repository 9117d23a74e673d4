import { strict as assert } from "assert";
import { type AlarmEvent, type Clients, type ListenerAction, type RollbackConfig, configFrom, createHandler } from "../../components/auto-rollback-function";

const LISTENER = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/api/50dc6c495c0c9188/f2f7dc8efc522ab2";
const OTHER_LISTENER = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/api/50dc6c495c0c9188/0467ef3c8400ae65";
const BLUE = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/api-blue/73e2d6bc24d8a067";
const GREEN = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/api-green/2453ed029918f21f";
const TOKEN_SECRET = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:clinical-platform/production/auto-rollback-github-token-AbCdEf";
const TOPIC = "arn:aws:sns:eu-west-1:111122223333:clinical-platform-production-alarms";
const FUNCTION = "arn:aws:lambda:eu-west-1:111122223333:function:clinical-platform-production-auto-rollback";

const ENV = {
    LISTENER_ARN: LISTENER,
    STABLE_SLOT: "blue",
    STABLE_TARGET_GROUP_ARN: BLUE,
    CANDIDATE_SLOT: "green",
    CANDIDATE_TARGET_GROUP_ARN: GREEN,
    ALARM_NAMES: "clinical-platform-production-green-error-rate,clinical-platform-production-green-latency-p95",
    STACK: "production",
    REPOSITORY: "example-org/clinical-platform",
    TOKEN_SECRET_ARN: TOKEN_SECRET,
    ALARM_TOPIC_ARN: TOPIC,
    BREAK_GLASS: "true",
};

/**
 * A "CloudWatch Alarm State Change" event as CloudWatch sends it to EventBridge (CloudWatch User
 * Guide, "Alarm events and EventBridge"; the state's timestamp carries its offset without a colon).
 */
function alarmEvent(alarmName: string, value = "ALARM"): AlarmEvent {
    return {
        id: "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
        source: "aws.cloudwatch",
        "detail-type": "CloudWatch Alarm State Change",
        time: "2026-12-01T17:04:40Z",
        detail: {
            alarmName,
            state: { value, reason: "Threshold Crossed", timestamp: "2026-12-01T17:04:40.985+0000" },
        },
    };
}

/** ELBv2 as the function sees it: listeners with forward actions; ModifyListener replaces the default actions. */
class FakeLoadBalancer {
    readonly listeners = new Map<string, ListenerAction[]>();
    readonly modified: Array<{ ListenerArn: string; DefaultActions: ListenerAction[] }> = [];
    failModify = false;

    constructor(blue: number, green: number) {
        this.listeners.set(LISTENER, [forward(blue, green)]);
        this.listeners.set(OTHER_LISTENER, [forward(0, 100)]);
    }

    weights(arn = LISTENER): number[] {
        return (this.listeners.get(arn)?.[0].ForwardConfig?.TargetGroups ?? []).map((group) => group.Weight ?? 1);
    }

    get api(): Clients["elb"] {
        return {
            describeListeners: async ({ ListenerArns }) => ({
                Listeners: ListenerArns.filter((arn) => this.listeners.has(arn)).map((arn) => ({ ListenerArn: arn, DefaultActions: structuredClone(this.listeners.get(arn)) })),
            }),
            modifyListener: async (input) => {
                if (this.failModify) throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
                if (!this.listeners.has(input.ListenerArn)) throw Object.assign(new Error("listener not found"), { name: "ListenerNotFoundException" });
                this.modified.push(structuredClone(input));
                this.listeners.set(input.ListenerArn, structuredClone(input.DefaultActions));
                return {};
            },
        };
    }
}

function forward(blue: number, green: number): ListenerAction {
    return {
        Type: "forward",
        ForwardConfig: {
            TargetGroups: [{ TargetGroupArn: BLUE, Weight: blue }, { TargetGroupArn: GREEN, Weight: green }],
            TargetGroupStickinessConfig: { Enabled: false },
        },
    };
}

interface Request { url: string; method: string; headers: Record<string, string>; body: unknown }

class Fakes {
    readonly elb: FakeLoadBalancer;
    readonly requests: Request[] = [];
    readonly published: Array<{ TopicArn: string; Subject: string; Message: string }> = [];
    readonly secretReads: string[] = [];
    readonly logs: Array<Record<string, unknown>> = [];
    /** Order of calls across clients: the switch must come before anything of GitHub's. */
    readonly order: string[] = [];
    token: string | undefined = "github_pat_fake";
    githubStatus = 204;

    constructor(blue = 90, green = 10) {
        this.elb = new FakeLoadBalancer(blue, green);
    }

    get clients(): Clients {
        const elb = this.elb.api;
        return {
            elb: {
                describeListeners: (input) => { this.order.push("describeListeners"); return elb.describeListeners(input); },
                modifyListener: (input) => { this.order.push("modifyListener"); return elb.modifyListener(input); },
            },
            secrets: {
                getSecretValue: async ({ SecretId }) => {
                    this.order.push("getSecretValue");
                    this.secretReads.push(SecretId);
                    if (this.token === undefined) throw Object.assign(new Error("Secrets Manager can't find the specified secret value for staging label: AWSCURRENT"), { name: "ResourceNotFoundException" });
                    return { SecretString: this.token };
                },
            },
            sns: { publish: async (input) => { this.order.push("publish"); this.published.push(input); return {}; } },
            fetch: async (url, init) => {
                this.order.push("fetch");
                this.requests.push({ url, method: init.method, headers: init.headers, body: JSON.parse(init.body) });
                return { status: this.githubStatus, text: async () => (this.githubStatus === 204 ? "" : '{"message":"Bad credentials"}') };
            },
            log: (record) => this.logs.push(record),
        };
    }
}

const production: RollbackConfig = configFrom(ENV);
const handle = (fakes: Fakes, config = production) => createHandler(fakes.clients, config);

describe("the automatic rollback function", () => {
    it("switches the weighted listener to 100 % stable and 0 % candidate in one call, stickiness off, before anything else", async () => {
        const fakes = new Fakes(75, 25);
        const outcome = await handle(fakes)(alarmEvent("clinical-platform-production-green-error-rate"), { invokedFunctionArn: FUNCTION });
        assert.equal(fakes.elb.modified.length, 1);
        assert.deepEqual(fakes.elb.modified[0], {
            ListenerArn: LISTENER,
            DefaultActions: [{
                Type: "forward",
                ForwardConfig: {
                    TargetGroups: [{ TargetGroupArn: BLUE, Weight: 100 }, { TargetGroupArn: GREEN, Weight: 0 }],
                    TargetGroupStickinessConfig: { Enabled: false },
                },
            }],
        });
        assert.deepEqual(fakes.elb.weights(), [100, 0]);
        assert.deepEqual(outcome, { action: "switched", before: { blue: 75, green: 25 }, after: { blue: 100, green: 0 } });
        assert.deepEqual(fakes.order.slice(0, 2), ["describeListeners", "modifyListener"], "the switch waits for nothing of GitHub's");
    });

    it("changes only the configured listener", async () => {
        const fakes = new Fakes(50, 50);
        await handle(fakes)(alarmEvent("clinical-platform-production-green-latency-p95"));
        assert.deepEqual(fakes.elb.modified.map((m) => m.ListenerArn), [LISTENER]);
        assert.deepEqual(fakes.elb.weights(OTHER_LISTENER), [0, 100]);
    });

    it("logs who switched, for which alarm, and the weights before and after", async () => {
        const fakes = new Fakes(90, 10);
        await handle(fakes)(alarmEvent("clinical-platform-production-green-error-rate"), { invokedFunctionArn: FUNCTION });
        const record = fakes.logs.find((r) => r.outcome === "switched");
        assert.ok(record);
        assert.deepEqual(
            [record.who, record.alarm, record.listener, record.before, record.after, record.since],
            [FUNCTION, "clinical-platform-production-green-error-rate", LISTENER, { blue: 90, green: 10 }, { blue: 100, green: 0 }, "2026-12-01T17:04:40.985Z"],
        );
    });

    it("dispatches the traffic workflow on main with the agreed rollback inputs, break-glass with an auto- incident in production", async () => {
        const fakes = new Fakes();
        await handle(fakes)(alarmEvent("clinical-platform-production-green-error-rate"));
        assert.deepEqual(fakes.secretReads, [TOKEN_SECRET]);
        assert.equal(fakes.requests.length, 1);
        const [request] = fakes.requests;
        assert.equal(request.method, "POST");
        assert.equal(request.url, "https://api.github.com/repos/example-org/clinical-platform/actions/workflows/traffic.yml/dispatches");
        assert.equal(request.headers.Authorization, "Bearer github_pat_fake");
        assert.equal(request.headers.Accept, "application/vnd.github+json");
        assert.equal(request.headers["X-GitHub-Api-Version"], "2022-11-28");
        assert.deepEqual(request.body, {
            ref: "main",
            inputs: {
                stack: "production",
                action: "rollback",
                argument: "",
                reason: "automatic rollback: clinical-platform-production-green-error-rate in ALARM since 2026-12-01T17:04:40Z",
                incident: "auto-clinical-platform-production-green-error-rate-20261201T1704Z",
                break_glass: "true",
            },
        });
        assert.deepEqual(fakes.published, [], "nobody needs to be told when the stack file catches up by itself");
    });

    it("dispatches without break-glass or incident where the stack is not production", async () => {
        const fakes = new Fakes();
        const staging = configFrom({ ...ENV, STACK: "staging", BREAK_GLASS: "false", ALARM_NAMES: "clinical-platform-staging-green-error-rate" });
        await handle(fakes, staging)(alarmEvent("clinical-platform-staging-green-error-rate"));
        const inputs = (fakes.requests[0].body as { inputs: Record<string, string> }).inputs;
        assert.deepEqual([inputs.stack, inputs.action, inputs.incident, inputs.break_glass], ["staging", "rollback", "", "false"]);
    });

    it("is idempotent: a second event finds the stable slot at 100, changes nothing, dispatches nothing, and logs", async () => {
        const fakes = new Fakes();
        const handler = handle(fakes);
        await handler(alarmEvent("clinical-platform-production-green-error-rate"));
        const second = await handler(alarmEvent("clinical-platform-production-green-latency-p95"));
        assert.deepEqual(second, { action: "already-stable", before: { blue: 100, green: 0 } });
        assert.equal(fakes.elb.modified.length, 1);
        assert.equal(fakes.requests.length, 1);
        assert.ok(fakes.logs.some((r) => r.outcome === "already-stable" && r.alarm === "clinical-platform-production-green-latency-p95"));
    });

    it("keeps the listener switched when GitHub refuses, tells the alarm topic the stack file must catch up, and fails", async () => {
        const fakes = new Fakes(90, 10);
        fakes.githubStatus = 401;
        await assert.rejects(handle(fakes)(alarmEvent("clinical-platform-production-green-error-rate")), /stack file must catch up: GitHub refused the workflow dispatch: HTTP 401/);
        assert.deepEqual(fakes.elb.weights(), [100, 0]);
        assert.equal(fakes.published.length, 1);
        const [message] = fakes.published;
        assert.equal(message.TopicArn, TOPIC);
        assert.match(message.Subject, /stack file must catch up/);
        assert.ok(message.Subject.length <= 100);
        assert.match(message.Message, /Run traffic rollback now \(stack=production, action=rollback/);
        assert.match(message.Message, /incident auto-clinical-platform-production-green-error-rate-20261201T1704Z/);
    });

    it("keeps the listener switched when the token secret has no value yet, and says so on the alarm topic", async () => {
        const fakes = new Fakes(90, 10);
        fakes.token = undefined;
        await assert.rejects(handle(fakes)(alarmEvent("clinical-platform-production-green-error-rate")), /stack file must catch up/);
        assert.deepEqual(fakes.elb.weights(), [100, 0]);
        assert.deepEqual(fakes.requests, []);
        assert.equal(fakes.published.length, 1);
    });

    it("tells the alarm topic to roll back by hand, and fails, when the switch itself fails", async () => {
        const fakes = new Fakes(90, 10);
        fakes.elb.failModify = true;
        await assert.rejects(handle(fakes)(alarmEvent("clinical-platform-production-green-error-rate")), /Rate exceeded/);
        assert.deepEqual(fakes.elb.weights(), [90, 10]);
        assert.deepEqual(fakes.requests, [], "the stack file must not claim a rollback that did not happen");
        assert.match(fakes.published[0].Subject, /FAILED, traffic unchanged/);
    });

    for (const [title, event] of [
        ["the stable slot's alarm", alarmEvent("clinical-platform-production-blue-error-rate")],
        ["another alarm of the candidate", alarmEvent("clinical-platform-production-green-container-cpu")],
        ["the candidate's alarm returning to OK", alarmEvent("clinical-platform-production-green-error-rate", "OK")],
        ["an event from another source", { ...alarmEvent("clinical-platform-production-green-error-rate"), source: "aws.monitoring" }],
    ] as const) {
        it(`ignores ${title}: no call to the load balancer, GitHub or the topic`, async () => {
            const fakes = new Fakes(90, 10);
            const outcome = await handle(fakes)(event);
            assert.deepEqual(outcome, { action: "ignored" });
            assert.deepEqual(fakes.order, []);
            assert.ok(fakes.logs.some((r) => r.outcome === "ignored"));
        });
    }

    it("refuses a configuration with a missing or malformed variable, naming each", () => {
        assert.throws(
            () => configFrom({ ...ENV, LISTENER_ARN: undefined, REPOSITORY: "not a repository", BREAK_GLASS: "yes" }),
            (error: Error) => ["LISTENER_ARN is not set", "REPOSITORY must be owner/name", 'BREAK_GLASS must be "true" or "false"'].every((part) => error.message.includes(part)),
        );
    });
});
