/**
 * `traffic canary`: the candidate takes the release's canary shares one after another, each held
 * while its release alarms stay out of ALARM, and the last step (100) is a promote. An alarm in
 * ALARM stops the walk and sends all traffic back to the stable slot.
 *
 * canaryPlan is pure. runCanary is the loop; applying a state, reading the alarms, the clock and
 * sleeping are passed in, so specs run it instantly with fakes.
 */
import { spawnSync } from "child_process";
import { TrafficRefusal, TrafficState, candidateSlot, plan } from "./plan";

export interface CanaryStep {
    /** The candidate's share at this step. */
    percent: number;
    /** The traffic block once the step is applied. */
    state: TrafficState;
    /** The last step: the candidate becomes the stable slot (raised to full size first). */
    promote: boolean;
}

/**
 * The steps still ahead from `state`: shares above the candidate's current one, then the promote.
 * A canary that stopped half-way (a failed apply) resumes where it stood.
 */
export function canaryPlan(state: TrafficState, steps: readonly number[]): CanaryStep[] {
    if (steps.length === 0 || steps.at(-1) !== 100 || steps.some((step, i) => i > 0 && step <= steps[i - 1])) {
        throw new TrafficRefusal(`canary: release.canarySteps must rise step by step and end at 100; got [${steps.join(", ")}]`);
    }
    const current = state.slots[candidateSlot(state)].weight;
    const shares = steps.slice(0, -1).filter((percent) => percent > current);
    const planned: CanaryStep[] = [];
    let at = state;
    for (const percent of shares) {
        at = plan(at, { name: "shift", percent });
        planned.push({ percent, state: at, promote: false });
    }
    planned.push({ percent: 100, state: plan(at, { name: "promote" }), promote: true });
    return planned;
}

/** State of each alarm by name, or why they could not be read. */
export type AlarmReading = { states: Record<string, string> } | { error: string };

export type StepOutcome = "applied" | "failed" | "not-applied";

export interface CanaryTools {
    /** Writes the state to the stack file, runs `pulumi up`, records it in the audit; returns the outcome. */
    apply(label: string, state: TrafficState, extra?: { stoppedBy?: string }): StepOutcome;
    /** Current state of the named CloudWatch alarms. */
    alarms(names: readonly string[]): AlarmReading;
    /** Milliseconds since some fixed point. */
    now(): number;
    sleep(milliseconds: number): void;
    log(line: string): void;
}

export interface CanarySettings {
    holdMinutes: number;
    /** Between two readings of the alarms during a hold. */
    pollSeconds: number;
    /** The candidate's release alarms. */
    alarmNames: readonly string[];
    /** The state the stack file held before the canary: where a rollback returns. */
    start: TrafficState;
}

export type CanaryResult =
    | { outcome: "promoted" }
    /** A step could not be applied; `lastApplied` is the state the stack had before it. */
    | { outcome: "not-applied"; step: CanaryStep; lastApplied: TrafficState }
    /** An alarm fired: all traffic went back to the stable slot (`rollbackApplied` says whether its apply succeeded). */
    | { outcome: "rolled-back"; step: CanaryStep; alarm: string; rollbackApplied: boolean };

/** Readings that fail in a row before the canary stops: it never goes on blind. */
export const UNREADABLE_LIMIT = 3;

/** Labels of the audit records a canary writes; the promote's is what a later `rollback` looks for. */
export const CANARY_COMMAND = {
    step: (percent: number) => `canary: shift ${percent}`,
    promote: "canary: promote",
    rollback: "canary: rollback",
} as const;

export function runCanary(steps: CanaryStep[], settings: CanarySettings, tools: CanaryTools): CanaryResult {
    let lastApplied = settings.start;
    for (const step of steps) {
        const label = step.promote ? CANARY_COMMAND.promote : CANARY_COMMAND.step(step.percent);
        tools.log(step.promote ? "Promoting the candidate (100 %)." : `Step: ${step.percent} % to the candidate.`);
        const outcome = tools.apply(label, step.state);
        if (outcome !== "applied") return { outcome: "not-applied", step, lastApplied };
        lastApplied = step.state;
        if (step.promote) return { outcome: "promoted" };
        const alarm = hold(settings, tools);
        if (alarm !== undefined) {
            tools.log(`Stopped at ${step.percent} %: ${alarm}. Sending all traffic back to the stable slot.`);
            const back = plan(step.state, { name: "rollback" });
            const rolled = tools.apply(CANARY_COMMAND.rollback, back, { stoppedBy: alarm });
            return { outcome: "rolled-back", step, alarm, rollbackApplied: rolled === "applied" };
        }
    }
    // canaryPlan always ends with the promote.
    throw new Error("canary: the plan had no promote step");
}

/** Holds the current step; returns what stopped it (an alarm in ALARM, or alarms that cannot be read), or undefined. */
function hold(settings: CanarySettings, tools: CanaryTools): string | undefined {
    const until = tools.now() + settings.holdMinutes * 60_000;
    let unreadable = 0;
    for (;;) {
        const reading = tools.alarms(settings.alarmNames);
        if ("error" in reading) {
            unreadable += 1;
            tools.log(`  alarms unreadable (${unreadable}/${UNREADABLE_LIMIT}): ${reading.error}`);
            if (unreadable >= UNREADABLE_LIMIT) return `alarms unreadable ${UNREADABLE_LIMIT} times in a row (${reading.error})`;
        } else {
            unreadable = 0;
            const firing = settings.alarmNames.filter((name) => reading.states[name] === "ALARM");
            if (firing.length > 0) return `${firing.join(", ")} in ALARM`;
            const missing = settings.alarmNames.filter((name) => !(name in reading.states));
            if (missing.length > 0) return `alarm ${missing.join(", ")} does not exist, so the candidate cannot be watched`;
        }
        const left = until - tools.now();
        if (left <= 0) return undefined;
        tools.sleep(Math.min(left, settings.pollSeconds * 1000));
    }
}

/** The real alarm reader: `aws cloudwatch describe-alarms` for exactly these names. */
export function cloudWatchAlarms(region: string, env: NodeJS.ProcessEnv): (names: readonly string[]) => AlarmReading {
    return (names) => {
        const child = spawnSync("aws", [
            "cloudwatch", "describe-alarms", "--region", region, "--alarm-types", "MetricAlarm",
            "--alarm-names", ...names,
            "--query", "MetricAlarms[].{name: AlarmName, state: StateValue}", "--output", "json",
        ], { env, encoding: "utf8" });
        if (child.error) return { error: (child.error as NodeJS.ErrnoException).code === "ENOENT" ? "the AWS CLI is not installed (no `aws` on PATH)" : child.error.message };
        if (child.status !== 0) return { error: child.stderr.trim() || `aws exited with ${child.status}` };
        try {
            const rows = JSON.parse(child.stdout) as Array<{ name: string; state: string }>;
            return { states: Object.fromEntries(rows.map((row) => [row.name, row.state])) };
        } catch (error) {
            return { error: `unreadable answer from describe-alarms (${(error as Error).message})` };
        }
    };
}

/** The real pause between readings; the command is synchronous, like its `pulumi up`. */
export function sleepSync(milliseconds: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}
