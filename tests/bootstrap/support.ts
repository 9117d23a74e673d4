/** Evaluates bootstrap stacks in-process, once per stack file and mode, as the offline preview does. */
import { writeFileSync } from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { BootstrapPreview, runBootstrapPreview } from "../../bootstrap/offline";
import type { RecordedResource } from "../../infra/offline/types";
import { scratchDir } from "../harness/scratch";
import { single } from "../harness/stacks";

export { ofType, single } from "../harness/stacks";

/** An account shared by two platform stacks, as the specs' own settings (not the committed files). */
export const ACCOUNT = "210987654321";
export const REPOSITORY = "acme-health/clinical-platform";
export const SHARED_ACCOUNT = {
    "aws:region": "eu-west-1",
    "aws:allowedAccountIds": [ACCOUNT],
    "clinical-platform-bootstrap:repository": REPOSITORY,
    "clinical-platform-bootstrap:stacks": {
        staging: { environment: "staging", region: "eu-west-1", ownsAccountResources: true },
        production: { environment: "production-eu", region: "eu-central-1", drRegion: "eu-west-1" },
    },
};

/** Writes `config` as a bootstrap stack file and returns its path. */
export function stackFile(stack: string, config: Record<string, unknown>): string {
    const file = path.join(scratchDir("bootstrap-stack-"), `Pulumi.${stack}.yaml`);
    writeFileSync(file, stringify({ config }));
    return file;
}

const cache = new Map<string, Promise<BootstrapPreview>>();

export function previewOf(config: Record<string, unknown>, options: { stack?: string; firstDeployment?: boolean } = {}): Promise<BootstrapPreview> {
    const stack = options.stack ?? "shared";
    const key = `${stack}:${options.firstDeployment === true}:${JSON.stringify(config)}`;
    if (!cache.has(key)) cache.set(key, runBootstrapPreview({ stack, configFile: stackFile(stack, config), firstDeployment: options.firstDeployment }));
    return cache.get(key) as Promise<BootstrapPreview>;
}

export interface Statement {
    Sid: string;
    Effect: string;
    Action?: string[];
    NotAction?: string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export function documentOf(resource: RecordedResource, input = "policy"): { Statement: Statement[] } {
    return JSON.parse(resource.inputs[input] as string);
}

/** Every statement of every managed policy attached to the role, after checking each attachment. */
export function grantsOf(resources: RecordedResource[], roleName: string): Array<Statement & { policy: string }> {
    const role = single(resources, "aws:iam/role:Role", roleName);
    return resources
        .filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.propertyDependencies.role?.includes(role.urn))
        .flatMap((attachment) => {
            const policy = resources.find((r) => r.type === "aws:iam/policy:Policy" && attachment.propertyDependencies.policyArn?.includes(r.urn));
            return policy ? documentOf(policy).Statement.map((s) => ({ ...s, policy: policy.name })) : [];
        });
}

export const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
