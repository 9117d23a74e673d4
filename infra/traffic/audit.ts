/**
 * The audit trail of traffic changes: one JSON line per change, appended to a file kept with the
 * stack files, saying who changed what, when, and why.
 */
import { execFileSync } from "child_process";
import { appendFileSync, mkdirSync } from "fs";
import { userInfo } from "os";
import * as path from "path";
import { TrafficState } from "./plan";

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
