// @ts-check
/**
 * One cold start of the automatic rollback function, in a fresh Node.js process: loads the handler
 * file Lambda runs, builds it around fake clients (the only stand-ins), and handles one event.
 * Prints one JSON line of timings, each in milliseconds since this process started
 * (performance.now()). Run by bench/auto-rollback.ts; the event arrives as argv[2].
 */
const loadStart = performance.now();
const { configFrom, createHandler } = require("../components/auto-rollback-function/index.js");
const handlerLoaded = performance.now();
// Proxy for the SDK clients the entry point loads (ELBv2, Secrets Manager, SNS): only Secrets
// Manager's client is installed here, so its load time stands in for one of the three.
require("@aws-sdk/client-secrets-manager");
const sdkProxyLoaded = performance.now();

const event = JSON.parse(process.argv[2] ?? "{}");
/** @type {Record<string, number>} */
const marks = {};
/** @param {number} ms */
const wait = (ms) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());
const latency = Number(process.env.BENCH_API_LATENCY_MS ?? "0");

/** @type {import("../components/auto-rollback-function/index.js").ListenerAction[]} */
let actions = [{
    Type: "forward",
    ForwardConfig: {
        TargetGroups: [
            { TargetGroupArn: process.env.STABLE_TARGET_GROUP_ARN, Weight: 90 },
            { TargetGroupArn: process.env.CANDIDATE_TARGET_GROUP_ARN, Weight: 10 },
        ],
    },
}];

const handler = createHandler({
    elb: {
        describeListeners: async (input) => { await wait(latency); return { Listeners: [{ ListenerArn: input.ListenerArns[0], DefaultActions: actions }] }; },
        modifyListener: async (input) => { await wait(latency); actions = input.DefaultActions; marks.listenerChanged = performance.now(); return {}; },
    },
    secrets: { getSecretValue: async () => { await wait(latency); return { SecretString: "github_pat_bench" }; } },
    sns: { publish: async () => { await wait(latency); return {}; } },
    fetch: async () => { await wait(latency); marks.workflowDispatched = performance.now(); return { status: 204, text: async () => "" }; },
    log: () => undefined,
}, configFrom(process.env));

const invoked = performance.now();
handler(event, { invokedFunctionArn: "bench" }).then((outcome) => {
    process.stdout.write(`${JSON.stringify({
        outcome: outcome.action,
        loadStart,
        handlerLoaded,
        sdkProxyLoaded,
        invoked,
        listenerChanged: marks.listenerChanged,
        workflowDispatched: marks.workflowDispatched,
        done: performance.now(),
    })}\n`);
}, (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
});
