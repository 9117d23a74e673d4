import { join } from "node:path";
import { type PolicyPackSession, startPolicyPack } from "../../../infra/analyzer";
import { PACK_SESSION_OPTIONS } from "../../../infra/offline/pack-metadata";
import { PROGRAM_DIR } from "../../../infra/paths";
import { ENVIRONMENTS, type Environment } from "../../../stacks";

export const PACK_DIR = join(__dirname, "..", "..", "..", "policies");
export const STACKS = ENVIRONMENTS;
export type StackName = Environment;

export const configFile = (stack: StackName) => join(PACK_DIR, "config", `${stack}.json`);

/**
 * The pack starts compiled (policies/bin, rebuilt first when the rules changed), so it is up in about
 * a second on a quiet machine; the margin is for a loaded one.
 */
export const PACK_START_TIMEOUT_MS = 120_000;

export function startPack(stack: StackName = "production"): Promise<PolicyPackSession> {
    return startPolicyPack({ packDir: PACK_DIR, programDir: PROGRAM_DIR, project: "clinical-platform", stack, dryRun: true, ...PACK_SESSION_OPTIONS });
}
