/**
 * Hands a written change to `pulumi up`, when the Pulumi CLI is there to run it, with the policy
 * pack and the stack's pack config, as every deploy runs.
 */
import { spawnSync } from "child_process";
import { POLICY_PACK_DIR, packConfigPath } from "../paths";

export type ApplyResult = { ran: true; exitCode: number } | { ran: false; reason: string };

export function pulumiUp(stack: string, configFile: string | undefined, env: NodeJS.ProcessEnv): ApplyResult {
    const probe = spawnSync("pulumi", ["version"], { env, encoding: "utf8" });
    if (probe.error) {
        const missing = (probe.error as NodeJS.ErrnoException).code === "ENOENT";
        return { ran: false, reason: missing ? "the Pulumi CLI is not installed (no `pulumi` on PATH)" : `the Pulumi CLI could not start: ${probe.error.message}` };
    }
    const args = [
        "up", "--stack", stack,
        "--policy-pack", POLICY_PACK_DIR,
        "--policy-pack-config", packConfigPath(stack),
        ...(configFile ? ["--config-file", configFile] : []),
    ];
    const run = spawnSync("pulumi", args, { env, stdio: "inherit" });
    return { ran: true, exitCode: run.status ?? 1 };
}
