/**
 * Compares two preview documents of one stack: which resources were added or removed, and for each
 * resource present in both, which input paths, options or dependencies changed. Inputs are compared
 * in their display form, so secrets are compared by digest and never shown.
 */
import { PreviewDocument } from "./preview";

export interface InputChange {
    path: string;
    before: unknown;
    after: unknown;
}

export interface ResourceChange {
    urn: string;
    type: string;
    name: string;
    inputs: InputChange[];
    options: InputChange[];
    dependenciesChanged: boolean;
}

export interface StackDiff {
    stack: string;
    added: Array<{ urn: string; type: string; name: string }>;
    removed: Array<{ urn: string; type: string; name: string }>;
    changed: ResourceChange[];
}

export const REPLACEMENT_NOTE =
    "Whether a change updates a resource in place or replaces it is decided by the provider at `pulumi up`; " +
    "`pulumi preview --diff` against the real stack shows it.";

export class DiffInputError extends Error {}

/** Checks that `value` is a saved preview document of `stack`. */
export function asPreviewDocument(value: unknown, stack: string, source: string): PreviewDocument {
    const document = value as Partial<PreviewDocument> | null;
    if (typeof document !== "object" || document === null || !Array.isArray(document.resources) || typeof document.stack !== "string") {
        throw new DiffInputError(`${source} is not a saved preview (expected the output of npm run preview -- --stack ${stack} --json)`);
    }
    if (document.stack !== stack) {
        throw new DiffInputError(`${source} is a preview of stack ${document.stack}, not ${stack}`);
    }
    return document as PreviewDocument;
}

export function diffPreviews(before: PreviewDocument, after: PreviewDocument): StackDiff {
    const old = new Map(before.resources.map((r) => [r.urn, r]));
    const current = new Map(after.resources.map((r) => [r.urn, r]));
    const brief = ({ urn, type, name }: { urn: string; type: string; name: string }) => ({ urn, type, name });
    const changed: ResourceChange[] = [];
    for (const [urn, resource] of current) {
        const previous = old.get(urn);
        if (!previous) continue;
        const inputs = changedPaths(previous.inputs, resource.inputs, "");
        const options = changedPaths(previous.options, resource.options, "");
        const dependenciesChanged = !sameJson(previous.dependencies, resource.dependencies)
            || !sameJson(previous.propertyDependencies, resource.propertyDependencies) || previous.parent !== resource.parent;
        if (inputs.length > 0 || options.length > 0 || dependenciesChanged) {
            changed.push({ ...brief(resource), inputs, options, dependenciesChanged });
        }
    }
    return {
        stack: after.stack,
        added: [...current.values()].filter((r) => !old.has(r.urn)).map(brief),
        removed: [...old.values()].filter((r) => !current.has(r.urn)).map(brief),
        changed,
    };
}

function changedPaths(before: unknown, after: unknown, path: string): InputChange[] {
    if (sameJson(before, after)) return [];
    if (Array.isArray(before) && Array.isArray(after)) {
        const length = Math.max(before.length, after.length);
        return Array.from({ length }, (_, i) => changedPaths(before[i], after[i], `${path}[${i}]`)).flat();
    }
    if (isRecord(before) && isRecord(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
        return keys.flatMap((key) => changedPaths(before[key], after[key], path ? `${path}.${key}` : key));
    }
    return [{ path: path || "(value)", before, after }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sameJson(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

export function formatDiff(diff: StackDiff, source: string): string {
    const lines = [`Changes in ${diff.stack} since ${source}: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`];
    const show = (value: unknown) => (value === undefined ? "(absent)" : JSON.stringify(value));
    for (const r of diff.added) lines.push(`  + ${r.type}  ${r.name}`);
    for (const r of diff.removed) lines.push(`  - ${r.type}  ${r.name}`);
    for (const r of diff.changed) {
        lines.push(`  ~ ${r.type}  ${r.name}`);
        for (const c of r.inputs) lines.push(`      ${c.path}: ${show(c.before)} → ${show(c.after)}`);
        for (const c of r.options) lines.push(`      option ${c.path}: ${show(c.before)} → ${show(c.after)}`);
        if (r.dependenciesChanged) lines.push("      dependencies changed");
    }
    lines.push("", REPLACEMENT_NOTE);
    return lines.join("\n");
}
