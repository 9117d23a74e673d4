/**
 * Evaluates this project's stacks in-process, as the offline preview does, with optional edits to
 * a stack's settings. Results are cached per (stack, edit) so specs can share one evaluation.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { Document, parseDocument } from "yaml";
import { PreviewResult, REPOSITORY_ROOT, runOfflinePreview } from "../../infra/offline/preview";
import { RecordedResource } from "../../infra/offline/types";

export type StackName = "dev" | "staging" | "production";
export const STACKS: readonly StackName[] = ["dev", "staging", "production"];

const cache = new Map<string, Promise<PreviewResult>>();

/**
 * The stack as committed, evaluated once per test run. The policy pack runs only when asked for:
 * most specs look at registrations, and the pack's start-up would dominate their time.
 */
export function previewOf(stack: StackName, options: { firstDeployment?: boolean; policy?: boolean } = {}): Promise<PreviewResult> {
    const key = `${stack}:${options.firstDeployment ? "first" : "existing"}:${options.policy ? "policy" : "bare"}`;
    if (!cache.has(key)) cache.set(key, runOfflinePreview({ stack, firstDeployment: options.firstDeployment, policy: options.policy ?? false, deployChecks: false }));
    return cache.get(key) as Promise<PreviewResult>;
}

/** A copy of the stack's settings file with `edit` applied to its YAML document; returns the copy's path. */
export function editedStackFile(stack: string, edit: (document: Document) => void, base: StackName = stack as StackName): string {
    const document = parseDocument(readFileSync(path.join(REPOSITORY_ROOT, `Pulumi.${base}.yaml`), "utf8"));
    edit(document);
    const file = path.join(mkdtempSync(path.join(tmpdir(), "clinical-stack-")), `Pulumi.${stack}.yaml`);
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
