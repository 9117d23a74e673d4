/**
 * The offline preview: validate a stack's config, run the real program against the engine mocks,
 * and assemble the document `npm run preview -- --json` prints.
 */
import * as path from "path";
import { PROJECT, StackConfig, loadStackConfig } from "../../stacks";
import { readStackFile } from "../../stacks/stack-file";
import { runProgram } from "../program";
import { evaluate } from "./engine";
import { RecordedResource } from "./types";
import { toDisplay } from "./wire";

export const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..");

export interface PreviewRequest {
    stack: string;
    /** Stack settings file; defaults to Pulumi.<stack>.yaml at the repository root. */
    configFile?: string;
    /** Preview as for a stack that does not exist yet (ids and ARNs unknown). */
    firstDeployment?: boolean;
}

export interface PolicyViolationEntry {
    policy: string;
    level: "mandatory" | "advisory" | "remediate";
    urn: string;
    message: string;
    hipaa: string[];
    soc2: string[];
    severity?: string;
    remediation?: string;
}

export interface PreviewDocument {
    stack: string;
    resources: Array<Omit<RecordedResource, "custom">>;
    policy: { pack: string; version: string; evaluated: boolean; violations: PolicyViolationEntry[] };
    traffic: { stableSlot: string; slots: Record<string, { image?: string; weight: number }> };
}

export interface PreviewResult {
    config: StackConfig;
    /** Registrations in the wire format, as the policy pack receives them. */
    resources: RecordedResource[];
    document: PreviewDocument;
}

export function stackFilePath(request: PreviewRequest): string {
    return path.resolve(request.configFile ?? path.join(REPOSITORY_ROOT, `Pulumi.${request.stack}.yaml`));
}

/** @throws StackConfigError or StackFileError when the stack cannot be evaluated as configured. */
export async function runOfflinePreview(request: PreviewRequest): Promise<PreviewResult> {
    const rawConfig = readStackFile(stackFilePath(request), PROJECT);
    const config = loadStackConfig(request.stack, rawConfig);
    const { resources } = await evaluate(runProgram, {
        project: PROJECT,
        stack: request.stack,
        config: rawConfig,
        region: config.region,
        firstDeployment: request.firstDeployment,
    });
    const pack = policyPackIdentity();
    return {
        config,
        resources,
        document: {
            stack: request.stack,
            resources: resources.map(({ custom: _custom, ...resource }) => ({ ...resource, inputs: toDisplay(resource.inputs) as Record<string, unknown> })),
            policy: { ...pack, evaluated: false, violations: [] },
            traffic: { stableSlot: config.app.stableSlot, slots: { ...config.app.slots } },
        },
    };
}

function policyPackIdentity(): { pack: string; version: string } {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const manifest = require(path.join(REPOSITORY_ROOT, "policies", "package.json")) as { name: string; version: string };
    return { pack: manifest.name, version: manifest.version };
}
