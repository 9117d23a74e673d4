/**
 * Hands a written change to `pulumi up`, when the Pulumi CLI is there to run it, with the policy
 * pack and the stack's pack config, as every deploy runs.
 *
 * A change of the stable slot (promote, or a rollback to the other slot) is applied in two steps,
 * because a slot is sized by its role and one `pulumi up` would move the listener while the new
 * stable slot still runs the warm count:
 *   1. `pulumi up --target` the new stable slot's autoscaler and Deployment only, so its floor
 *      rises to the full count while the listener still sends traffic where it did;
 *   2. wait until that Deployment has the full count ready (`kubectl get deployment`);
 *   3. the whole `pulumi up`: the listener moves, then the old stable slot shrinks to warm.
 */
import { spawnSync } from "child_process";
import { POLICY_PACK_DIR, packConfigPath } from "../paths";

export type ApplyResult = { ran: true; exitCode: number } | { ran: false; reason: string };

export interface ApplyOptions {
    /** The edited stack file, when it is not the project's `Pulumi.<stack>.yaml`. */
    configFile?: string;
    /** The stack's name in the backend, when it is not the environment's (e.g. `org/clinical-platform/production`). */
    backendStack?: string;
    /** Approve without asking (CI, where the environment's reviewers approved before the job ran). */
    yes?: boolean;
    /** Two-step apply: the slot that becomes stable, and the ready pods it must have first. */
    raiseFirst?: { slot: string; replicas: number };
    /** Between readiness checks; the default waits 10 s. */
    pause?: () => void;
    /** Readiness checks before giving up; the default (60 × 10 s) waits up to 10 minutes. */
    attempts?: number;
}

/** The namespace and Deployment of a slot's API (components/blue-green). */
export const slotNamespace = (slot: string) => `clinical-${slot}`;
export const API_DEPLOYMENT = "clinical-api";

export function pulumiUp(stack: string, env: NodeJS.ProcessEnv, options: ApplyOptions = {}): ApplyResult {
    const probe = spawnSync("pulumi", ["version"], { env, encoding: "utf8" });
    if (probe.error) {
        const missing = (probe.error as NodeJS.ErrnoException).code === "ENOENT";
        return { ran: false, reason: missing ? "the Pulumi CLI is not installed (no `pulumi` on PATH)" : `the Pulumi CLI could not start: ${probe.error.message}` };
    }
    const name = options.backendStack ?? stack;
    const args = [
        "up", "--stack", name,
        "--policy-pack", POLICY_PACK_DIR,
        "--policy-pack-config", packConfigPath(stack),
        ...(options.configFile ? ["--config-file", options.configFile] : []),
        ...(options.yes ? ["--yes", "--non-interactive"] : []),
    ];
    if (options.raiseFirst) {
        const { slot, replicas } = options.raiseFirst;
        const targets = slotScalingUrns(name, slot, env);
        if (!targets.ok) return { ran: true, exitCode: targets.exitCode };
        if (targets.urns.length > 0) {
            const raise = spawnSync("pulumi", [...args, ...targets.urns.flatMap((urn) => ["--target", urn])], { env, stdio: "inherit" });
            if (raise.status !== 0) return { ran: true, exitCode: raise.status ?? 1 };
            if (!waitForReady(slot, replicas, env, options)) return { ran: true, exitCode: 1 };
        }
        // No such resources yet (a stack never deployed): nothing runs, so nothing to raise first.
    }
    const run = spawnSync("pulumi", args, { env, stdio: "inherit" });
    return { ran: true, exitCode: run.status ?? 1 };
}

/** The URNs of a slot's autoscaler and Deployment, read from the stack's state. */
function slotScalingUrns(stack: string, slot: string, env: NodeJS.ProcessEnv): { ok: true; urns: string[] } | { ok: false; exitCode: number } {
    const exported = spawnSync("pulumi", ["stack", "export", "--stack", stack], { env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    if (exported.status !== 0) {
        process.stderr.write(exported.stderr ?? "");
        return { ok: false, exitCode: exported.status ?? 1 };
    }
    const types = ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "kubernetes:apps/v1:Deployment"];
    let resources: Array<{ urn: string; type: string }>;
    try {
        resources = (JSON.parse(exported.stdout) as { deployment?: { resources?: Array<{ urn: string; type: string }> } }).deployment?.resources ?? [];
    } catch (error) {
        process.stderr.write(`pulumi stack export gave no readable state (${(error as Error).message}); the listener was not moved\n`);
        return { ok: false, exitCode: 1 };
    }
    const urns = resources.filter((r) => types.includes(r.type) && r.urn.endsWith(`-${slot}`)).map((r) => r.urn);
    return { ok: true, urns };
}

function waitForReady(slot: string, replicas: number, env: NodeJS.ProcessEnv, options: ApplyOptions): boolean {
    const pause = options.pause ?? (() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000));
    const attempts = options.attempts ?? 60;
    for (let attempt = 1; attempt <= attempts; attempt++) {
        const got = spawnSync("kubectl", ["-n", slotNamespace(slot), "get", "deployment", API_DEPLOYMENT, "-o", "jsonpath={.status.readyReplicas}"], { env, encoding: "utf8" });
        const ready = Number(got.stdout?.trim() || "0");
        if (got.status === 0 && ready >= replicas) return true;
        if (attempt < attempts) pause();
    }
    process.stderr.write(`slot ${slot} did not reach ${replicas} ready pods; the listener was not moved\n`);
    return false;
}
