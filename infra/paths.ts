/** Where the repository keeps what the operator commands read: stack files and the policy pack. */
import * as path from "path";

export const REPOSITORY_ROOT = path.resolve(__dirname, "..");
export const POLICY_PACK_DIR = path.join(REPOSITORY_ROOT, "policies");

/** The committed settings of a stack, `Pulumi.<stack>.yaml`. */
export function stackFileOf(stack: string): string {
    return path.join(REPOSITORY_ROOT, `Pulumi.${stack}.yaml`);
}

/** The policy pack's config for a stack, as `--policy-pack-config` takes it. */
export function packConfigPath(stack: string): string {
    return path.join(POLICY_PACK_DIR, "config", `${stack}.json`);
}
