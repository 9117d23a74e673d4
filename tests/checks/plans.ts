/** Small plans built by hand for the deploy-check specs. */
import { unknownValue } from "../../infra/sdk-adapter";
import type { StackConfig } from "../../stacks";
import type { DeployCheck, DeployCheckFailure, StackPlan } from "../../infra/checks/types";
import type { RecordedResource } from "../../infra/offline/types";

/** A value the engine does not know until the update. */
export const UNKNOWN: string = unknownValue;

export interface PlanSettings {
    stack?: string;
    region?: string;
    account?: string;
    ownsAccountResources?: boolean;
    adminRoleArn?: string;
}

/** A plan with only the config fields the checks read. */
export function planOf(settings: PlanSettings, resources: RecordedResource[]): StackPlan {
    const stack = settings.stack ?? "staging";
    const account = settings.account ?? "111122223333";
    const config = {
        environment: stack,
        region: settings.region ?? "us-east-1",
        account: { id: account, ownsAccountResources: settings.ownsAccountResources ?? true },
        cluster: { adminRoleArn: settings.adminRoleArn ?? `arn:aws:iam::${account}:role/platform-admin` },
    } as unknown as StackConfig;
    return { stack, config, resources: resources.map((r) => ({ ...r, urn: r.urn.replace("urn:pulumi:STACK::", `urn:pulumi:${stack}::`) })) };
}

/** One registration, its URN built the engine's way for a child of the stack. */
export function resource(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<RecordedResource> = {}): RecordedResource {
    return {
        urn: `urn:pulumi:STACK::clinical-platform::${type}::${name}`,
        type,
        name,
        parent: null,
        inputs,
        options: { protect: false, retainOnDelete: false },
        dependencies: [],
        propertyDependencies: {},
        custom: true,
        ...extra,
    };
}

export function urnOf(stack: string, type: string, name: string): string {
    return `urn:pulumi:${stack}::clinical-platform::${type}::${name}`;
}

export function run(check: DeployCheck, plan: StackPlan, neighbours: StackPlan[] = [], today?: Date): DeployCheckFailure[] {
    return check.run({ plan, neighbours, today });
}
