/**
 * Small hand-built plans for the deploy-check specs: a stack config with just what a check reads,
 * and resources in the wire format the engine hands to analyzers.
 */
import { specialSecretSig, specialSigKey } from "../../infra/sdk-adapter";
import type { DeployCheck, DeployCheckContext, DeployCheckFailure } from "../../infra/checks/types";
import type { RecordedResource } from "../../infra/offline/types";
import { resource as plainResource } from "./plans";
import type { StackConfig } from "../../stacks";
import { previewOf, StackName } from "../harness/stacks";

const STACK = "check";

/** A registered custom resource of `type` named `name` with these inputs. */
export function resource(type: string, name: string, inputs: Record<string, unknown>): RecordedResource {
    const registered = plainResource(type, name, inputs);
    return { ...registered, urn: registered.urn.replace("urn:pulumi:STACK::", `urn:pulumi:${STACK}::`) };
}

/** The context of a plan holding only `resources`, for a cluster of `clusterVersion`. */
export function planOf(resources: RecordedResource[], clusterVersion = "1.34"): DeployCheckContext {
    const config = { cluster: { version: clusterVersion } } as unknown as StackConfig;
    return { plan: { stack: STACK, config, resources }, neighbours: [] };
}

/** The context of a committed stack as the offline preview evaluates it. */
export async function committedPlan(stack: StackName, options: { firstDeployment?: boolean } = {}): Promise<DeployCheckContext> {
    const result = await previewOf(stack, options);
    return { plan: { stack, config: result.config, resources: result.resources }, neighbours: [] };
}

/** The failures of `check` on `context`, as messages. */
export function failuresOf(check: DeployCheck, context: DeployCheckContext): string[] {
    return check.run(context).map((failure: DeployCheckFailure) => {
        if (failure.check !== check.name) throw new Error(`failure reported under ${failure.check}, expected ${check.name}`);
        return failure.message;
    });
}

export { UNKNOWN } from "./plans";

/** `value` as a secret in the wire format. */
export function secret(value: unknown): Record<string, unknown> {
    return { [specialSigKey]: specialSecretSig, value };
}
