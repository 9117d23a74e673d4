/** Where the repository keeps what the operator commands read: stack files and the policy pack. */
import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";

export const REPOSITORY_ROOT = path.resolve(__dirname, "..");
export const POLICY_PACK_DIR = path.join(REPOSITORY_ROOT, "policies");

/**
 * The program's directory, Pulumi.yaml's `main`. The CLI runs plugins there, an executable policy
 * pack among them (`getPwdMain` in pkg/engine/project.go, read at v3.259.0 on 2026-12-01), so a
 * relative `--policy-pack` path to a file is looked up from where the CLI runs but executed from here.
 */
export const PROGRAM_DIR = path.resolve(REPOSITORY_ROOT, (parse(readFileSync(path.join(REPOSITORY_ROOT, "Pulumi.yaml"), "utf8")) as { main?: string }).main ?? ".");

/** The committed settings of a stack, `Pulumi.<stack>.yaml`. */
export function stackFileOf(stack: string): string {
    return path.join(REPOSITORY_ROOT, `Pulumi.${stack}.yaml`);
}

/** The policy pack's config for a stack, as `--policy-pack-config` takes it. */
export function packConfigPath(stack: string): string {
    return path.join(POLICY_PACK_DIR, "config", `${stack}.json`);
}
