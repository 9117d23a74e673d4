import { startPolicyPack } from "./session";
import type { PolicyReport, RecordedResource } from "./types";

export type { PolicyPackSession } from "./session";
export { startPolicyPack } from "./session";
export type { NotApplicableEntry, PackPolicyInfo, PolicyPackStartOptions, PolicyReport, PolicyViolation, RecordedResource } from "./types";

/**
 * Runs the policy pack at `packDir` over recorded resources exactly as `pulumi preview
 * --policy-pack <packDir> --policy-pack-config <configFile>` would, and reports its verdict.
 * Callers that can overlap work should use `startPolicyPack` first: starting the pack costs
 * a few hundred milliseconds that other work can overlap.
 */
export async function runPolicyPack(opts: {
    packDir: string;
    project: string;
    stack: string;
    organization?: string;
    configFile: string;
    dryRun: boolean;
    resources: RecordedResource[];
}): Promise<PolicyReport> {
    const session = await startPolicyPack(opts);
    try {
        await session.configure(opts.configFile);
        const violations = await session.analyze(opts.resources);
        return { pack: session.pack, version: session.version, policyCount: session.policies.length, violations };
    } finally {
        await session.close();
    }
}
