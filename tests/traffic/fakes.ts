/**
 * Stand-ins for what the traffic command reaches outside itself during smoke tests and a canary:
 * the stack's outputs, the candidate's HTTP answers, the smoke command's shell, the candidate's
 * alarms and the clock. Each records what it was asked.
 */
import { AlarmReading } from "../../infra/traffic/canary";
import { HttpRequest, HttpResult, ShellResult, SmokeTools } from "../../infra/traffic/smoke";

export const TEST_URL = "https://app.clinical.example.com:8443";
export const LB_DNS = "internal-api-lb-4f2a.us-east-1.elb.amazonaws.com";

export class FakeSmoke {
    /** What `pulumi stack output --json` gives, or an error. */
    outputs: { outputs: Record<string, unknown> } | { error: string } = { outputs: { candidateTestUrl: TEST_URL, loadBalancerDnsName: LB_DNS } };
    /** The answer per path; 200 when a path is not listed. */
    answers: Record<string, HttpResult> = {};
    /** The smoke command's result. */
    shell: ShellResult = { exitCode: 0 };
    /** Milliseconds each request and the command take on the fake clock. */
    requestMs = 100;
    commandMs = 1000;
    clock = 0;
    readonly requests: HttpRequest[] = [];
    readonly commands: Array<{ command: string; env: NodeJS.ProcessEnv; timeoutMs: number }> = [];
    readonly stacksRead: string[] = [];

    tools(): SmokeTools {
        return {
            outputs: (stack) => {
                this.stacksRead.push(stack);
                return this.outputs;
            },
            get: (request) => {
                this.requests.push(request);
                this.clock += this.requestMs;
                return this.answers[new URL(request.url).pathname] ?? { status: 200 };
            },
            run: (command, env, timeoutMs) => {
                this.commands.push({ command, env, timeoutMs });
                this.clock += this.commandMs;
                return this.shell;
            },
            now: () => this.clock,
        };
    }

    /** True when nothing of the candidate was reached. */
    get untouched(): boolean {
        return this.requests.length === 0 && this.commands.length === 0;
    }
}

export class FakeAlarms {
    /** Milliseconds on the fake clock; only sleeping moves it. */
    clock = 0;
    readonly reads: Array<{ at: number; names: readonly string[] }> = [];
    readonly sleeps: number[] = [];
    /** The reading for the n-th call (0-based); every alarm OK by default. */
    script: (call: number, names: readonly string[]) => AlarmReading = (_call, names) => ({ states: Object.fromEntries(names.map((name) => [name, "OK"])) });

    tools(): { alarms(names: readonly string[]): AlarmReading; now(): number; sleep(ms: number): void } {
        return {
            alarms: (names) => {
                this.reads.push({ at: this.clock, names });
                return this.script(this.reads.length - 1, names);
            },
            now: () => this.clock,
            sleep: (ms) => {
                this.sleeps.push(ms);
                this.clock += ms;
            },
        };
    }
}

/** Every alarm OK, except `firing` from the `from`-th reading on. */
export function firingFrom(from: number, firing: string): (call: number, names: readonly string[]) => AlarmReading {
    return (call, names) => ({ states: Object.fromEntries(names.map((name) => [name, call >= from && name === firing ? "ALARM" : "OK"])) });
}
