/**
 * The smoke tests of a release, run on the stack's CI runner before the candidate slot takes any
 * traffic: the three health endpoints of the candidate, then the stack's smoke command, all through
 * the test route (the load balancer's test listener, which forwards everything to the candidate
 * and admits the runner alone). Real users never reach that route, so a failure here costs them
 * nothing.
 *
 * The route's address is `https://<domain>:<test port>` (stack output candidateTestUrl), but the
 * domain resolves to CloudFront, which reaches port 443 only. So every request connects to the load
 * balancer (stack output loadBalancerDnsName) and verifies the certificate against the domain: Node
 * checks the server's identity against `servername` before the host (lib/_tls_wrap.js,
 * onConnectSecure; checked 2026-12-01), and curl does the same with `--connect-to`.
 *
 * What touches the network or a process is passed in (SmokeTools), so specs run with fakes.
 */
import { spawnSync } from "child_process";
import { HEALTH_PATHS } from "../../components/blue-green/workload";

/** Where the candidate answers, read from the stack's outputs. */
export interface TestRoute {
    /** `https://<domain>:<test port>`, the stack output candidateTestUrl. */
    url: string;
    /** DNS name of the internal load balancer, the stack output loadBalancerDnsName. */
    loadBalancer: string;
}

export interface HttpRequest {
    /** The URL as the application sees it (its host names the certificate to verify). */
    url: string;
    /** The host the connection is made to instead of the URL's host, on the URL's port. */
    connectHost: string;
    timeoutMs: number;
}
export type HttpResult = { status: number } | { error: string };
/** One GET; resolves no name of the URL, verifies TLS against the URL's host. */
export type HttpGet = (request: HttpRequest) => HttpResult;

export type ShellResult = { exitCode: number } | { timedOut: true } | { error: string };
/** Runs a bash command with this environment, stopping it after timeoutMs. */
export type RunShell = (command: string, env: NodeJS.ProcessEnv, timeoutMs: number) => ShellResult;

/** The stack's outputs (`pulumi stack output --json`), or why they could not be read. */
export type ReadOutputs = (backendStack: string, env: NodeJS.ProcessEnv) => { outputs: Record<string, unknown> } | { error: string };

export interface SmokeTools {
    get: HttpGet;
    run: RunShell;
    outputs: ReadOutputs;
    /** Milliseconds since some fixed point; the time budget is measured with it. */
    now: () => number;
}

export interface SmokeSettings {
    /** The smoke command (bash), run after the health endpoints; none runs the health checks only. */
    command?: string;
    /** How long all of it may take. */
    timeoutMinutes: number;
    /** The environment the command inherits (CANDIDATE_URL and CANDIDATE_CONNECT_TO are added). */
    env: NodeJS.ProcessEnv;
}

export interface SmokeCheck {
    name: string;
    passed: boolean;
    detail: string;
}

export interface SmokeReport {
    passed: boolean;
    checks: SmokeCheck[];
}

/** One health request never waits longer than this, whatever is left of the budget. */
const REQUEST_TIMEOUT_MS = 15_000;

/** The route from the stack's outputs, or the sentence saying what is missing. */
export function testRouteOf(outputs: Record<string, unknown>): TestRoute | string {
    const { candidateTestUrl: url, loadBalancerDnsName: loadBalancer } = outputs;
    if (typeof url !== "string" || !/^https:\/\/[^/:]+:\d+$/.test(url)) {
        return `the stack output candidateTestUrl is ${url === undefined ? "missing" : JSON.stringify(url)}; expected https://<domain>:<port> (run pulumi up once so the test listener exists)`;
    }
    if (typeof loadBalancer !== "string" || loadBalancer === "") {
        return "the stack output loadBalancerDnsName is missing (run pulumi up once so the load balancer exists)";
    }
    return { url, loadBalancer };
}

/** curl's `--connect-to` value: the URL's host and port, to the load balancer on the same port. */
export function connectToOf(route: TestRoute): string {
    const { hostname, port } = new URL(route.url);
    return `${hostname}:${port}:${route.loadBalancer}:${port}`;
}

/**
 * GETs each health endpoint of the candidate (200 expected), then runs the smoke command, within
 * `timeoutMinutes` in all. Stops at the first failure: a candidate that is not ready is not tested further.
 */
export function runSmoke(route: TestRoute, settings: SmokeSettings, tools: SmokeTools): SmokeReport {
    const deadline = tools.now() + settings.timeoutMinutes * 60_000;
    const checks: SmokeCheck[] = [];
    const done = (): SmokeReport => ({ passed: checks.every((check) => check.passed), checks });
    for (const path of [HEALTH_PATHS.startup, HEALTH_PATHS.liveness, HEALTH_PATHS.readiness]) {
        const left = deadline - tools.now();
        if (left <= 0) {
            checks.push({ name: `GET ${path}`, passed: false, detail: `not run: the ${settings.timeoutMinutes}-minute smoke budget is spent` });
            return done();
        }
        const result = tools.get({ url: `${route.url}${path}`, connectHost: route.loadBalancer, timeoutMs: Math.min(left, REQUEST_TIMEOUT_MS) });
        const passed = "status" in result && result.status === 200;
        checks.push({ name: `GET ${path}`, passed, detail: "status" in result ? `HTTP ${result.status}` : result.error });
        if (!passed) return done();
    }
    if (settings.command === undefined) return done();
    const left = deadline - tools.now();
    if (left <= 0) {
        checks.push({ name: "smoke command", passed: false, detail: `not run: the ${settings.timeoutMinutes}-minute smoke budget is spent` });
        return done();
    }
    const env = { ...settings.env, CANDIDATE_URL: route.url, CANDIDATE_CONNECT_TO: connectToOf(route) };
    const result = tools.run(settings.command, env, left);
    if ("exitCode" in result) {
        checks.push({ name: "smoke command", passed: result.exitCode === 0, detail: `exit ${result.exitCode}` });
    } else if ("timedOut" in result) {
        checks.push({ name: "smoke command", passed: false, detail: `stopped: still running when the ${settings.timeoutMinutes}-minute smoke budget ran out` });
    } else {
        checks.push({ name: "smoke command", passed: false, detail: result.error });
    }
    return done();
}

/** Reads the route from the stack's outputs, then runs the tests; a route that cannot be read fails them. */
export function smokeCandidate(backendStack: string, settings: SmokeSettings, tools: SmokeTools): SmokeReport & { route?: TestRoute } {
    const read = tools.outputs(backendStack, settings.env);
    const route = "outputs" in read ? testRouteOf(read.outputs) : `pulumi stack output failed: ${read.error}`;
    if (typeof route === "string") return { passed: false, checks: [{ name: "test route", passed: false, detail: route }] };
    return { ...runSmoke(route, settings, tools), route };
}

/** One line per check, as the command prints them. */
export function describeSmoke(report: SmokeReport): string[] {
    return report.checks.map((check) => `  ${check.passed ? "ok  " : "FAIL"} ${check.name}: ${check.detail}`);
}

// The request runs in a child Node process so the command stays synchronous, like its `pulumi up`.
const GET_SCRIPT = `
const https = require("https");
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; }).on("end", () => {
    const { url, connectHost, timeoutMs } = JSON.parse(input);
    const target = new URL(url);
    const request = https.request({
        host: connectHost, port: Number(target.port || 443), path: target.pathname + target.search, method: "GET",
        servername: target.hostname, headers: { host: target.host }, timeout: timeoutMs, agent: false,
    }, (response) => {
        response.resume();
        response.on("end", () => process.stdout.write(JSON.stringify({ status: response.statusCode })));
    });
    request.on("timeout", () => request.destroy(new Error("no answer within " + timeoutMs + " ms")));
    request.on("error", (error) => process.stdout.write(JSON.stringify({ error: error.message })));
    request.end();
});
`;

export const processSmokeTools = (env: NodeJS.ProcessEnv): SmokeTools => ({
    get: (request) => {
        const child = spawnSync(process.execPath, ["-e", GET_SCRIPT], { input: JSON.stringify(request), encoding: "utf8", env, timeout: request.timeoutMs + 5_000 });
        try {
            return JSON.parse(child.stdout) as HttpResult;
        } catch {
            return { error: child.error?.message ?? (child.stderr.trim() || "no answer") };
        }
    },
    run: (command, commandEnv, timeoutMs) => {
        const child = spawnSync("bash", ["-c", command], { env: commandEnv, stdio: "inherit", timeout: timeoutMs, killSignal: "SIGTERM" });
        if (child.error && (child.error as NodeJS.ErrnoException).code === "ETIMEDOUT") return { timedOut: true };
        if (child.error) return { error: `bash could not start: ${child.error.message}` };
        return { exitCode: child.status ?? 1 };
    },
    outputs: (backendStack, outputsEnv) => {
        const child = spawnSync("pulumi", ["stack", "output", "--stack", backendStack, "--json"], { env: outputsEnv, encoding: "utf8" });
        if (child.error) return { error: (child.error as NodeJS.ErrnoException).code === "ENOENT" ? "the Pulumi CLI is not installed (no `pulumi` on PATH)" : child.error.message };
        if (child.status !== 0) return { error: child.stderr.trim() || `exit ${child.status}` };
        try {
            return { outputs: JSON.parse(child.stdout) as Record<string, unknown> };
        } catch (error) {
            return { error: `unreadable JSON (${(error as Error).message})` };
        }
    },
    now: () => Date.now(),
});
