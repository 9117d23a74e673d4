/**
 * The audit trail of traffic changes: one JSON line per change, appended to a file kept with the
 * stack files, saying who changed what, when, and why.
 */
import { execFileSync } from "child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "fs";
import { userInfo } from "os";
import * as path from "path";
import { TrafficState, sameState } from "./plan";

/**
 * What became of the change: `written` to the stack file only (no --apply), `applied` by a
 * `pulumi up` that succeeded, `failed` when it did not, `not-applied` when it could not run,
 * `refused` when the candidate's smoke tests failed first (the stack file was not touched).
 */
export type Outcome = "written" | "applied" | "failed" | "not-applied" | "refused";

/** Outcomes that left the stack as it was. */
const NO_EFFECT: readonly Outcome[] = ["failed", "not-applied", "refused"];
/** Commands whose record makes the candidate stable: `promote`, and a canary's last step. */
const PROMOTES = ["promote", "canary: promote"];

/** The CI run that made the change, from the variables GitHub Actions sets in every job. */
export interface CiRun {
    /** `<server>/<repository>/actions/runs/<run id>`. */
    run: string;
    /** GITHUB_ACTOR: whose run it is. */
    actor: string;
    /** GITHUB_TRIGGERING_ACTOR: who started this attempt (differs from actor on a re-run). */
    triggeringActor: string;
}

export interface AuditRecord {
    /** ISO 8601, UTC. */
    time: string;
    stack: string;
    /** The command as typed, e.g. `shift 10`. */
    command: string;
    /** `Name <email>` from git, or the login name when git has none. */
    who: string;
    reason: string;
    before: TrafficState;
    after: TrafficState;
    /** The stack file changed, relative to the audit file's folder where possible. */
    file: string;
    outcome: Outcome;
    /** The incident the change answers, when one was named (required for break-glass). */
    incident?: string;
    /** True when it went through the break-glass path, without a second reviewer. */
    breakGlass?: boolean;
    /** A canary's rollback: the alarm (or unreadable alarms) that stopped it. */
    stoppedBy?: string;
    /** A refusal by the smoke tests: each failed check, `name: detail`. */
    smoke?: string[];
    /** Present when the change ran in GitHub Actions. */
    ci?: CiRun;
}

/** The run and identities GitHub Actions sets (GITHUB_ACTIONS=true), or undefined elsewhere. */
export function ciRunOf(env: NodeJS.ProcessEnv): CiRun | undefined {
    if (env.GITHUB_ACTIONS !== "true") return undefined;
    const server = env.GITHUB_SERVER_URL ?? "https://github.com";
    return {
        run: `${server}/${env.GITHUB_REPOSITORY ?? ""}/actions/runs/${env.GITHUB_RUN_ID ?? ""}`,
        actor: env.GITHUB_ACTOR ?? "",
        triggeringActor: env.GITHUB_TRIGGERING_ACTOR ?? env.GITHUB_ACTOR ?? "",
    };
}

/** The records of one stack, oldest first; an unreadable line is skipped, never fatal. */
export function readAudit(file: string, stack: string): AuditRecord[] {
    if (!existsSync(file)) return [];
    return readFileSync(file, "utf8").split("\n").flatMap((line) => {
        try {
            const record = JSON.parse(line) as AuditRecord;
            return record && record.stack === stack && record.after ? [record] : [];
        } catch {
            return [];
        }
    });
}

/**
 * The state before the promote that produced `current`, when the stack's latest change was that
 * promote: this is what "the previous release" is for a rollback. Any later change (a stage, a
 * rollback) breaks the link, and a named rollback is needed instead.
 */
export function beforeLastPromote(records: AuditRecord[], current: TrafficState): TrafficState | undefined {
    // A failed attempt that main never took (CI records it, but not its stack file) changed nothing.
    const tookEffect = (record: AuditRecord) => !NO_EFFECT.includes(record.outcome) || sameState(record.after, current);
    const last = records.filter((record) => !sameState(record.before, record.after) && tookEffect(record)).at(-1);
    return last && PROMOTES.includes(last.command) && sameState(last.after, current) ? last.before : undefined;
}

/** The audit file that goes with a stack file: `audit/traffic.jsonl` beside it. */
export function defaultAuditFile(stackFile: string): string {
    return path.join(path.dirname(stackFile), "audit", "traffic.jsonl");
}

/** Who is making the change: git's user.name and user.email, else $USER, else the login name. */
export function whoIsChanging(cwd: string, env: NodeJS.ProcessEnv): string {
    const git = (key: string): string => {
        try {
            return execFileSync("git", ["config", "--get", key], { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
        } catch {
            return "";
        }
    };
    const name = git("user.name");
    const email = git("user.email");
    if (name && email) return `${name} <${email}>`;
    if (name || email) return name || email;
    return env.USER || env.USERNAME || userInfo().username;
}

export function appendAudit(file: string, record: AuditRecord): void {
    mkdirSync(path.dirname(file), { recursive: true });
    appendFileSync(file, `${JSON.stringify(record)}\n`, "utf8");
}

/**
 * True when the stack's latest record is this very command, not applied, and the file still holds
 * what it wrote: running it again means applying that again (a second `promote` would otherwise
 * promote the other slot back).
 */
export function isRetry(records: AuditRecord[], command: string, current: TrafficState): boolean {
    const last = records.at(-1);
    return last !== undefined && last.command === command && ["failed", "not-applied"].includes(last.outcome) && sameState(last.after, current);
}
