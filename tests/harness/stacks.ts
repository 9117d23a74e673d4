/**
 * Evaluates this project's stacks in-process, as the offline preview does, with optional edits to
 * a stack's settings. Results are cached per (stack, edit) so specs can share one evaluation.
 *
 * The traffic block of a committed `Pulumi.<stack>.yaml` is operational state: the traffic
 * workflow changes it on main at every canary step. So every stack evaluated here gets the
 * spec-owned block SPEC_TRAFFIC in place of the committed one, and a shift on main never turns a
 * spec red.
 */
import { readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { Document, Scalar, isMap, parseDocument } from "yaml";
import { startPolicyPackInProcess } from "../../infra/analyzer/in-process";
import { PACK_SESSION_OPTIONS } from "../../infra/offline/pack-metadata";
import { POLICY_PACK_DIR, PreviewResult, REPOSITORY_ROOT, analyze, runOfflinePreview } from "../../infra/offline/preview";
import { PROJECT } from "../../stacks";
import { RecordedResource } from "../../infra/offline/types";
import { ENVIRONMENTS, type Environment } from "../../stacks";
import { scratchDir } from "./scratch";

export type StackName = Environment;
export const STACKS: readonly StackName[] = ENVIRONMENTS;

const cache = new Map<string, Promise<PreviewResult>>();

export interface SpecTraffic {
    stableSlot: "blue" | "green";
    slots: Record<"blue" | "green", { image?: string; weight: number }>;
}

/** The split and images the specs assume, whatever main holds: dev has never staged green. */
export const SPEC_TRAFFIC: Readonly<Record<StackName, SpecTraffic>> = {
    dev: { stableSlot: "blue", slots: { blue: { image: "registry.example.com/clinical-api:1.5.0-rc.1", weight: 100 }, green: { weight: 0 } } },
    staging: { stableSlot: "blue", slots: { blue: { image: "registry.example.com/clinical-api:1.4.2", weight: 100 }, green: { image: "registry.example.com/clinical-api:1.5.0", weight: 0 } } },
    production: { stableSlot: "blue", slots: { blue: { image: "registry.example.com/clinical-api:1.4.2", weight: 100 }, green: { image: "registry.example.com/clinical-api:1.5.0", weight: 0 } } },
};

/** Replaces the `clinical-platform:app` traffic block of a stack document, keeping its comments and one-line slots. */
export function setTraffic(document: Document, traffic: SpecTraffic): void {
    const app = document.getIn(["config", "clinical-platform:app"]);
    if (!isMap(app)) throw new Error("the stack file has no clinical-platform:app block");
    app.set("stableSlot", traffic.stableSlot);
    for (const [slot, { image, weight }] of Object.entries(traffic.slots)) {
        const node = document.createNode(image === undefined ? { weight } : { image, weight }, { flow: true });
        if (image !== undefined) (node.get("image", true) as Scalar).type = "QUOTE_DOUBLE";
        app.setIn(["slots", slot], node);
    }
}

/** The committed settings of `base` with the spec-owned traffic block, as a YAML document. */
function specDocument(base: StackName, traffic: SpecTraffic = SPEC_TRAFFIC[base], committed = path.join(REPOSITORY_ROOT, `Pulumi.${base}.yaml`)): Document {
    const document = parseDocument(readFileSync(committed, "utf8"));
    setTraffic(document, traffic);
    return document;
}

/**
 * A copy of the stack's settings with a traffic block the spec owns (SPEC_TRAFFIC unless given);
 * returns its path. `committed` stands in for the repository's file (to prove the independence).
 */
export function specStackFile(stack: StackName, traffic?: SpecTraffic, committed?: string): string {
    const file = path.join(scratchDir("clinical-stack-"), `Pulumi.${stack}.yaml`);
    writeFileSync(file, specDocument(stack, traffic, committed).toString());
    return file;
}

/**
 * The stack as committed but with the spec-owned traffic block, evaluated once per test run. The
 * policy pack runs only when asked for: most specs look at registrations, and the pack's start-up
 * would dominate their time.
 */
export function previewOf(stack: StackName, options: { firstDeployment?: boolean; policy?: boolean } = {}): Promise<PreviewResult> {
    const key = `${stack}:${options.firstDeployment ? "first" : "existing"}:${options.policy ? "policy" : "bare"}`;
    if (!cache.has(key)) {
        // With the pack, the stack's one evaluation is analyzed in-process, as the preview does by default.
        const result = options.policy
            ? previewOf(stack, { firstDeployment: options.firstDeployment }).then(async (bare) => {
                const session = await startPolicyPackInProcess({ packDir: POLICY_PACK_DIR, project: PROJECT, stack, dryRun: true, stackTags: { "pulumi:project": PROJECT, "pulumi:runtime": "nodejs" }, ...PACK_SESSION_OPTIONS });
                const policy = await analyze(session, stack, bare.resources);
                return { ...bare, document: { ...bare.document, policy } };
            })
            : runOfflinePreview({ stack, configFile: specStackFile(stack), firstDeployment: options.firstDeployment, policy: false, deployChecks: false });
        cache.set(key, result);
    }
    return cache.get(key) as Promise<PreviewResult>;
}

/** A copy of the stack's settings (spec-owned traffic block) with `edit` applied to its YAML document; returns the copy's path. */
export function editedStackFile(stack: string, edit: (document: Document) => void, base: StackName = stack as StackName): string {
    const document = specDocument(base);
    edit(document);
    const file = path.join(scratchDir("clinical-stack-"), `Pulumi.${stack}.yaml`);
    writeFileSync(file, document.toString());
    return file;
}

/** Evaluates the stack with `edit` applied to a copy of its settings. */
export function previewWithEdit(stack: StackName, edit: (document: Document) => void): Promise<PreviewResult> {
    return runOfflinePreview({ stack, configFile: editedStackFile(stack, edit), policy: false, deployChecks: false });
}

export function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}

export function single(resources: RecordedResource[], type: string, name?: string): RecordedResource {
    const matches = ofType(resources, type).filter((r) => name === undefined || r.name === name);
    if (matches.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${matches.length}`);
    return matches[0];
}

/** Parses a JSON policy document registered as an input. */
export function policyOf(resource: RecordedResource, property = "policy"): { Statement: Array<Record<string, unknown>> } {
    return JSON.parse(resource.inputs[property] as string);
}

/** The statements granted to a role through its own managed policy, after checking the attachment. */
export function grantOf(resources: RecordedResource[], name: string, roleName = name): { Statement: Array<Record<string, unknown>> } {
    const policy = single(resources, "aws:iam/policy:Policy", name);
    const attachment = single(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", `${name}-grant`);
    const role = single(resources, "aws:iam/role:Role", roleName);
    if (!attachment.propertyDependencies.policyArn?.includes(policy.urn) || !attachment.propertyDependencies.role?.includes(role.urn)) {
        throw new Error(`policy ${name} is not attached to role ${roleName}`);
    }
    return policyOf(policy);
}
