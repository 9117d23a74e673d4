/**
 * npx tsx infra/traffic.ts --stack <dev|staging|production> <command> [--reason "…"] [--apply [--yes] [--pulumi-stack NAME]]
 *                          [--incident REF [--break-glass]] [--config-file FILE] [--audit-file FILE]
 *
 *   status            the split, the stable slot and each slot's image
 *   stage <image>     put an image on the candidate (non-stable) slot, at weight 0
 *   shift <percent>   send that share of traffic to the candidate slot
 *   promote           all traffic to the candidate slot, which becomes the stable slot (with
 *                     --apply the candidate is raised to full size first, then the listener moves)
 *   rollback          during a canary: all traffic back to the stable slot; right after a promote:
 *                     back to the previous release (the promote's audit record says which it was)
 *   rollback <image>  all traffic to that release, from the slot holding it or staged onto the idle one
 *   smoke             the candidate's smoke tests alone, through the test route (changes nothing)
 *   canary            walk release.canarySteps with --apply: each share applied and held while the
 *                     candidate's release alarms stay out of ALARM, the last one a promote; an alarm
 *                     stops it and all traffic returns to the stable slot (without --apply: the plan)
 *
 * Every command but status and smoke needs --reason; each change is validated like the program
 * validates config, written into the stack file in place, and recorded in audit/traffic.jsonl beside
 * it with its outcome (written, applied, failed, not-applied, refused) and, in GitHub Actions, the run
 * and its actors. With --apply, a shift to a share above 0, a promote and a canary run the smoke tests
 * first and refuse the change when any fails (infra/traffic/smoke.ts).
 * --apply runs `pulumi up` even when the file already holds the change, so a failed apply converges.
 * Exit codes: 0 done or nothing to change; 1 smoke tests failed (`smoke`); 2 refused or bad usage
 * (the file is untouched); 3 written but not applied (`--apply` could not run `pulumi up`, or it
 * failed; a canary leaves the file at its last applied step); 4 a canary stopped by an alarm, all
 * traffic back on the stable slot.
 */
import { chmodSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { slotReleaseAlarmNames } from "../components/alarms";
import { ENVIRONMENTS, SLOT_NAMES, StackConfig } from "../stacks";
import { stackFileOf } from "./paths";
import { ApplyOptions, pulumiUp } from "./traffic/apply";
import { AuditRecord, Outcome, appendAudit, beforeLastPromote, ciRunOf, defaultAuditFile, isRetry, readAudit, whoIsChanging } from "./traffic/audit";
import { AlarmReading, StepOutcome, canaryPlan, cloudWatchAlarms, runCanary, sleepSync } from "./traffic/canary";
import { Command, TrafficRefusal, TrafficState, candidateSlot, describe, parsePercent, plan, sameState } from "./traffic/plan";
import { SmokeReport, SmokeTools, describeSmoke, processSmokeTools, smokeCandidate } from "./traffic/smoke";
import { StackDocument, readStackDocument, validateEdit, writeState } from "./traffic/stack-document";

export const EXIT = { done: 0, smokeFailed: 1, refused: 2, notApplied: 3, stopped: 4 } as const;
const USAGE = [
    `usage: npx tsx infra/traffic.ts --stack <${ENVIRONMENTS.join("|")}> <command> [--reason "why"] [--apply [--yes] [--pulumi-stack NAME]] [--incident REF [--break-glass]] [--config-file FILE] [--audit-file FILE]`,
    "commands: status | stage <image> | shift <percent> | promote | rollback [image] | smoke | canary",
].join("\n");
/** Between two readings of the candidate's alarms during a canary hold. */
const CANARY_POLL_SECONDS = 60;

export interface TrafficIo {
    out(line: string): void;
    err(line: string): void;
    env: NodeJS.ProcessEnv;
    now(): Date;
    /** Overrides of how --apply waits (tests pass a pause that returns at once). */
    apply?: Pick<ApplyOptions, "pause" | "attempts">;
    /** The smoke tests' stack outputs, HTTP and shell (tests pass fakes); the real ones by default. */
    smoke?: SmokeTools;
    /** The canary's alarm reader, clock and pause (tests pass fakes); CloudWatch and the wall clock by default. */
    canary?: { alarms(names: readonly string[]): AlarmReading; now(): number; sleep(milliseconds: number): void };
}

const processIo: TrafficIo = {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    env: process.env,
    now: () => new Date(),
};

export function main(argv: string[], io: TrafficIo = processIo): number {
    let values;
    let positionals: string[];
    try {
        ({ values, positionals } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                reason: { type: "string" },
                apply: { type: "boolean", default: false },
                "config-file": { type: "string" },
                "audit-file": { type: "string" },
                yes: { type: "boolean", default: false },
                "pulumi-stack": { type: "string" },
                incident: { type: "string" },
                "break-glass": { type: "boolean", default: false },
                help: { type: "boolean", default: false },
            },
            strict: true,
            allowPositionals: true,
        }));
    } catch (error) {
        io.err(`${(error as Error).message}\n${USAGE}`);
        return EXIT.refused;
    }
    if (values.help) {
        io.out(USAGE);
        return EXIT.done;
    }
    const stack = values.stack;
    if (!stack || !(ENVIRONMENTS as readonly string[]).includes(stack)) {
        io.err(`--stack: expected one of ${ENVIRONMENTS.join(", ")}; got ${stack === undefined ? "nothing" : JSON.stringify(stack)}\n${USAGE}`);
        return EXIT.refused;
    }
    const configFile = values["config-file"] ? path.resolve(values["config-file"]) : undefined;
    const file = configFile ?? stackFileOf(stack);

    try {
        const [verb, ...rest] = positionals;
        let text: string;
        try {
            text = readFileSync(file, "utf8");
        } catch (error) {
            throw new TrafficRefusal(`${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
        }
        const current = readStackDocument(text, file);
        if (verb === "status") {
            io.out(`Stack ${stack} (${path.relative(process.cwd(), file) || file})`);
            describe(current.state).forEach((line) => io.out(line));
            return EXIT.done;
        }
        const backendStack = values["pulumi-stack"] ?? stack;
        const smoke = (config: StackConfig): SmokeReport => {
            io.out(`Smoke tests of slot ${candidateSlot(current.state)} through its test route (stack ${backendStack}):`);
            const result = smokeCandidate(backendStack, {
                command: config.release.smokeCommand,
                timeoutMinutes: config.release.smokeTimeoutMinutes,
                env: io.env,
            }, io.smoke ?? processSmokeTools(io.env));
            describeSmoke(result).forEach((line) => io.out(line));
            return result;
        };
        if (verb === "smoke") {
            if (rest.length > 0) throw new TrafficRefusal(`smoke: expected no arguments; got ${rest.join(" ")}`);
            const passed = smoke(validateEdit(stack, text, file)).passed;
            io.out(passed ? "Smoke tests passed." : "Smoke tests failed.");
            return passed ? EXIT.done : EXIT.smokeFailed;
        }
        const command = verb === "canary" ? undefined : parseCommand(verb, rest);
        if (verb === "canary" && rest.length > 0) throw new TrafficRefusal(`canary: expected no arguments (the steps are release.canarySteps); got ${rest.join(" ")}`);
        const reason = values.reason?.trim();
        if (!reason) throw new TrafficRefusal(`--reason is required for ${verb}: say why traffic changes; it goes into the audit record`);
        const incident = values.incident?.trim() || undefined;
        if (values["break-glass"] && (command?.name !== "rollback" || !incident)) {
            throw new TrafficRefusal("--break-glass is only for rollback, and needs --incident naming the incident it answers");
        }

        const auditFile = values["audit-file"] ? path.resolve(values["audit-file"]) : defaultAuditFile(file);
        const auditBase = {
            stack,
            who: whoIsChanging(path.dirname(file), io.env),
            reason,
            file: path.relative(path.dirname(path.dirname(auditFile)), file) || file,
            ...(incident ? { incident } : {}),
            ...(values["break-glass"] ? { breakGlass: true } : {}),
            ...(ciRunOf(io.env) ? { ci: ciRunOf(io.env) } : {}),
        };
        const refuseAfterSmoke = (typed: string, after: TrafficState, result: SmokeReport): number => {
            appendAudit(auditFile, {
                time: io.now().toISOString(), ...auditBase, command: typed, before: ordered(current.state), after: ordered(after), outcome: "refused",
                smoke: result.checks.filter((check) => !check.passed).map((check) => `${check.name}: ${check.detail}`),
            } as AuditRecord);
            io.err(`Refused: the candidate's smoke tests failed, so it takes no traffic. ${file} is unchanged; the refusal is recorded in ${auditFile}.`);
            return EXIT.refused;
        };
        if (command === undefined) {
            return canary({
                io, stack, file, configFile, text, current, auditFile, auditBase, yes: values.yes,
                pulumiStack: values["pulumi-stack"], apply: values.apply, smoke, refuseAfterSmoke,
            });
        }
        const history = readAudit(auditFile, stack);
        if (command.name === "rollback" && command.image === undefined) {
            command.undo = beforeLastPromote(history, current.state);
        }
        const retry = isRetry(history, [verb, ...rest].join(" "), current.state);
        const next = retry ? current.state : plan(current.state, command);
        const unchanged = sameState(current.state, next);
        if (unchanged && !values.apply) {
            io.out(`Nothing to change: stack ${stack} is already there.`);
            describe(current.state).forEach((line) => io.out(line));
            return EXIT.done;
        }
        const edited = unchanged ? text : writeState(current, next);
        const config = validateEdit(stack, edited, file);
        const record = (outcome: Outcome): AuditRecord => ({
            time: io.now().toISOString(),
            ...auditBase,
            command: [verb, ...rest].join(" "),
            before: ordered(current.state),
            after: ordered(next),
            outcome,
        });
        // The candidate proves itself on the test route before it gets a share: a shift above 0, or
        // a promote (a re-run of a promote is not gated: the candidate may already be the stable slot).
        const gated = (command.name === "shift" && command.percent > 0) || (command.name === "promote" && !retry);
        if (values.apply && gated) {
            const result = smoke(config);
            if (!result.passed) return refuseAfterSmoke([verb, ...rest].join(" "), next, result);
        }

        if (!values.apply) {
            commit(file, edited, auditFile, record("written"));
            report(io, stack, [verb, ...rest], current.state, next, file, auditFile);
            io.out(`Run \`pulumi up --stack ${stack}\` to apply it (or repeat with --apply).`);
            return EXIT.done;
        }
        // With --apply the file is written first (pulumi up reads it), and the audit record, once
        // the outcome is known. The file already holding the change is no reason to skip pulumi up:
        // a previous apply may have failed, and running it again converges.
        if (unchanged) {
            io.out(`Stack ${stack} file already holds this; applying it again so the stack matches.`);
            describe(next).forEach((line) => io.out(`  ${line}`));
        } else {
            commit(file, edited, undefined, undefined);
            report(io, stack, [verb, ...rest], current.state, next, file, undefined);
        }
        const applied = pulumiUp(stack, io.env, {
            configFile,
            yes: values.yes,
            backendStack: values["pulumi-stack"],
            // A new stable slot is raised to full size before the listener moves. So is the stable
            // slot of a re-run, which may follow a promote whose first apply failed half-way.
            ...(next.stableSlot !== current.state.stableSlot || unchanged ? { raiseFirst: { slot: next.stableSlot, replicas: config.app.replicas } } : {}),
            ...io.apply,
        });
        const outcome: Outcome = !applied.ran ? "not-applied" : applied.exitCode === 0 ? "applied" : "failed";
        appendAudit(auditFile, record(outcome));
        if (!applied.ran) {
            io.err(`Not applied: ${applied.reason}. The change is written; run \`pulumi up --stack ${stack}\` where the CLI is installed, or repeat with --apply.`);
            return EXIT.notApplied;
        }
        if (applied.exitCode !== 0) {
            io.err(`pulumi up exited with ${applied.exitCode}; the stack file holds the change, so fix the cause and repeat with --apply (it applies again), or roll back.`);
            return EXIT.notApplied;
        }
        io.out(`Applied; recorded in ${auditFile}.`);
        return EXIT.done;
    } catch (error) {
        if (error instanceof TrafficRefusal) {
            io.err(`Refused: ${error.message}`);
            io.err(`${file} is unchanged.`);
            return EXIT.refused;
        }
        throw error;
    }
}

function parseCommand(verb: string | undefined, rest: string[]): Command {
    const expectArguments = (count: number, shape: string) => {
        if (rest.length !== count) throw new TrafficRefusal(`${shape}: expected ${count === 0 ? "no arguments" : `${count} argument`}; got ${rest.length === 0 ? "none" : rest.join(" ")}`);
    };
    switch (verb) {
        case "stage":
            expectArguments(1, "stage <image>");
            return { name: "stage", image: rest[0] };
        case "shift":
            expectArguments(1, "shift <percent>");
            return { name: "shift", percent: parsePercent(rest[0]) };
        case "promote":
            expectArguments(0, verb);
            return { name: verb };
        case "rollback":
            if (rest.length > 1) throw new TrafficRefusal(`rollback [image]: expected at most 1 argument; got ${rest.join(" ")}`);
            return rest.length === 1 ? { name: "rollback", image: rest[0] } : { name: "rollback" };
        default:
            throw new TrafficRefusal(`expected a command (status, stage, shift, promote, rollback, smoke, canary); got ${verb === undefined ? "none" : JSON.stringify(verb)}\n${USAGE}`);
    }
}

interface CanaryContext {
    io: TrafficIo;
    stack: string;
    file: string;
    configFile: string | undefined;
    /** The stack file as read, and its document. */
    text: string;
    current: StackDocument;
    auditFile: string;
    /** The audit fields every record of this run shares. */
    auditBase: Omit<AuditRecord, "time" | "command" | "before" | "after" | "outcome">;
    yes: boolean;
    /** The stack's name in the backend, when it is not the environment's. */
    pulumiStack: string | undefined;
    apply: boolean;
    smoke(config: StackConfig): SmokeReport;
    refuseAfterSmoke(typed: string, after: TrafficState, result: SmokeReport): number;
}

/**
 * `canary`: each step is written, applied and recorded on its own, so the stack file and the audit
 * trail say how far it got whatever happens. A step that cannot be applied puts the file back at
 * the last applied step (a re-run continues from there); an alarm applies a rollback.
 */
function canary(ctx: CanaryContext): number {
    const { io, stack, file, current } = ctx;
    const config = validateEdit(stack, ctx.text, file);
    const steps = canaryPlan(current.state, config.release.canarySteps);
    const candidate = candidateSlot(current.state);
    const names = slotReleaseAlarmNames(`${config.project}-${config.stack}`, candidate);
    const alarmNames = [names.errorRate, names.latencyP95];
    // Each write starts from the file as read: writeState compares with the state it was read with.
    const textOf = (state: TrafficState) => writeState(readStackDocument(ctx.text, file), state);
    // Every state the canary may write is validated first, so it never stops half-way on a refusal.
    for (const state of [...steps.map((step) => step.state), plan(steps[0].state, { name: "rollback" })]) validateEdit(stack, textOf(state), file);

    const hold = config.release.canaryHoldMinutes;
    const shares = steps.map((step) => (step.promote ? "promote" : `${step.percent} %`)).join(" → ");
    io.out(`Canary of slot ${candidate} (${current.state.slots[candidate].image}) on stack ${stack}: ${shares}.`);
    io.out(`Each share is held ${hold} minute(s) while ${alarmNames.join(" and ")} stay out of ALARM.`);
    if (!ctx.apply) {
        io.out("Nothing changed; repeat with --apply to run it (the smoke tests run first).");
        return EXIT.done;
    }
    const smoked = ctx.smoke(config);
    if (!smoked.passed) return ctx.refuseAfterSmoke("canary", steps[0].state, smoked);

    let lastState = current.state;
    let lastText = ctx.text;
    const applyStep = (label: string, state: TrafficState, extra?: { stoppedBy?: string }): StepOutcome => {
        const edited = textOf(state);
        commit(file, edited, undefined, undefined);
        const applied = pulumiUp(stack, io.env, {
            configFile: ctx.configFile,
            yes: ctx.yes,
            backendStack: ctx.pulumiStack,
            // The promote: the candidate is raised to full size before the listener moves, as `promote` does.
            ...(state.stableSlot !== lastState.stableSlot ? { raiseFirst: { slot: state.stableSlot, replicas: config.app.replicas } } : {}),
            ...io.apply,
        });
        const outcome: StepOutcome = !applied.ran ? "not-applied" : applied.exitCode === 0 ? "applied" : "failed";
        appendAudit(ctx.auditFile, {
            time: io.now().toISOString(), ...ctx.auditBase, command: label, before: ordered(lastState), after: ordered(state), outcome,
            ...(extra?.stoppedBy ? { stoppedBy: extra.stoppedBy } : {}),
        } as AuditRecord);
        if (!applied.ran) io.err(`Not applied: ${applied.reason}.`);
        else if (applied.exitCode !== 0) io.err(`pulumi up exited with ${applied.exitCode}.`);
        if (outcome === "applied") {
            lastState = state;
            lastText = edited;
        }
        return outcome;
    };
    const clock = ctx.io.canary ?? { alarms: cloudWatchAlarms(config.region, io.env), now: () => Date.now(), sleep: sleepSync };
    const result = runCanary(steps, { holdMinutes: hold, pollSeconds: CANARY_POLL_SECONDS, alarmNames, start: current.state }, {
        apply: applyStep,
        alarms: (list) => clock.alarms(list),
        now: () => clock.now(),
        sleep: (ms) => clock.sleep(ms),
        log: (line) => io.out(line),
    });
    switch (result.outcome) {
        case "promoted":
            io.out(`Promoted: slot ${candidate} is the stable slot with all traffic; recorded in ${ctx.auditFile}.`);
            return EXIT.done;
        case "not-applied":
            commit(file, lastText, undefined, undefined);
            io.err(`The ${result.step.promote ? "promote" : `${result.step.percent} % step`} could not be applied. ${file} is back at the last applied step (slot ${candidate} at ${lastState.slots[candidate].weight} %); fix the cause and repeat canary --apply to continue from there, or roll back.`);
            return EXIT.notApplied;
        case "rolled-back":
            if (!result.rollbackApplied) {
                io.err(`Stopped at ${result.step.percent} % (${result.alarm}), but the rollback could not be applied: ${file} holds it; repeat \`rollback --apply\` now.`);
                return EXIT.notApplied;
            }
            io.err(`Stopped at ${result.step.percent} %: ${result.alarm}. All traffic is back on slot ${current.state.stableSlot}; recorded in ${ctx.auditFile}.`);
            return EXIT.stopped;
    }
}

function report(io: TrafficIo, stack: string, typed: string[], before: TrafficState, after: TrafficState, file: string, auditFile: string | undefined): void {
    io.out(`Stack ${stack}, ${typed.join(" ")}. Before:`);
    describe(before).forEach((line) => io.out(`  ${line}`));
    io.out("After:");
    describe(after).forEach((line) => io.out(`  ${line}`));
    io.out(auditFile ? `Written to ${file}; recorded in ${auditFile}.` : `Written to ${file}; applying it.`);
}

/**
 * The stack file is replaced whole and only after the audit line (when given) is written, so
 * without --apply neither exists without the other; with --apply the record follows the outcome.
 */
function commit(file: string, text: string, auditFile: string | undefined, record: AuditRecord | undefined): void {
    const staged = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    writeFileSync(staged, text, "utf8");
    try {
        chmodSync(staged, statSync(file).mode);
        if (auditFile && record) appendAudit(auditFile, record);
    } catch (error) {
        rmSync(staged, { force: true });
        throw new TrafficRefusal(`the audit record could not be written to ${auditFile} (${(error as Error).message})`);
    }
    renameSync(staged, file);
}

/** The state with every slot's keys in one order, so audit lines compare line by line. */
function ordered(state: TrafficState): TrafficState {
    const slot = ({ image, weight, breakingMigration }: TrafficState["slots"]["blue"]) => ({
        ...(image === undefined ? {} : { image }),
        weight,
        ...(breakingMigration === undefined ? {} : { breakingMigration }),
    });
    return { stableSlot: state.stableSlot, slots: Object.fromEntries(SLOT_NAMES.map((name) => [name, slot(state.slots[name])])) as TrafficState["slots"] };
}

if (require.main === module) {
    // exitCode rather than exit(): output piped to CI is flushed before the process ends.
    process.exitCode = main(process.argv.slice(2));
}
