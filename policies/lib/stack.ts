import type { PolicyResource } from "@pulumi/policy";
import { isKnown, plainProps } from "./values";

/**
 * One resource of the stack as stack rules see it: plain props (unknowns as `UNKNOWN`) and
 * its dependencies by URN. Props are copied on first use, since a stack rule usually reads
 * only the few resource types it correlates.
 */
export class StackResource {
    readonly type: string;
    readonly urn: string;
    readonly name: string;
    readonly parentUrn: string | undefined;
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    /**
     * The region of the explicit provider the resource is managed through (its `region` input), or
     * undefined for the stack's default provider, whose region is the stack's.
     */
    readonly providerRegion: string | undefined;
    private copied: Record<string, unknown> | undefined;

    constructor(private readonly source: PolicyResource) {
        this.type = source.type;
        this.urn = source.urn;
        this.name = source.name;
        this.parentUrn = source.parent?.urn;
        this.dependencies = source.dependencies.map((dependency) => dependency.urn);
        const byProperty: Record<string, string[]> = {};
        for (const [property, targets] of Object.entries(source.propertyDependencies)) {
            byProperty[property] = targets.map((target) => target.urn);
        }
        this.propertyDependencies = byProperty;
        const region = source.provider?.props?.region;
        this.providerRegion = typeof region === "string" && region !== "" ? region : undefined;
    }

    /** The resource's props, typed by the caller (as `asType` does in @pulumi/policy). */
    props<P>(): P {
        this.copied ??= plainProps(this.source.props);
        return this.copied as P;
    }
}

export class StackView {
    private readonly sources = new Map<string, PolicyResource[]>();
    private readonly wrapped = new Map<string, StackResource[]>();

    constructor(resources: readonly PolicyResource[]) {
        for (const resource of resources) {
            const list = this.sources.get(resource.type);
            if (list === undefined) {
                this.sources.set(resource.type, [resource]);
            } else {
                list.push(resource);
            }
        }
    }

    /** Resources of the given types; wrapped on first request, since a rule reads only a few types. */
    ofType(...types: readonly string[]): StackResource[] {
        return types.flatMap((type) => {
            let list = this.wrapped.get(type);
            if (list === undefined) {
                list = (this.sources.get(type) ?? []).map((source) => new StackResource(source));
                this.wrapped.set(type, list);
            }
            return list;
        });
    }

    has(types: readonly string[]): boolean {
        return types.some((type) => this.sources.has(type));
    }
}

/**
 * Whether `source` refers to `target` through the input at `path` (e.g. "bucket" or
 * "launchTemplate.id"). The engine's property dependencies decide first, because they hold
 * even when ids are still unknown; otherwise a known input value must equal one of the
 * target's known identifiers (its name, id or ARN as listed in `targetIdentifiers`).
 */
export function refersTo(
    source: StackResource,
    path: string,
    target: StackResource,
    targetIdentifiers: readonly string[],
): boolean {
    const [topLevel] = path.split(".");
    if (source.propertyDependencies[topLevel]?.includes(target.urn)) {
        return true;
    }
    const identifiers = new Set(
        targetIdentifiers
            .map((property) => readPath(target.props<Record<string, unknown>>(), property))
            .filter((value): value is string => typeof value === "string" && isKnown(value)),
    );
    if (identifiers.size === 0) {
        return false;
    }
    const value = readPath(source.props<Record<string, unknown>>(), path);
    const candidates = Array.isArray(value) ? value : [value];
    return candidates.some((candidate) => typeof candidate === "string" && identifiers.has(candidate));
}

function readPath(props: Record<string, unknown>, path: string): unknown {
    let current: unknown = props;
    for (const segment of path.split(".")) {
        if (current === null || typeof current !== "object" || Array.isArray(current)) {
            return undefined;
        }
        current = (current as Record<string, unknown>)[segment];
    }
    return current;
}
