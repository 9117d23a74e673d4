/** Reading recorded registrations the way the compute specs need: display inputs, Kubernetes kinds, dependency closures. */
import { Document, isMap } from "yaml";
import { RecordedResource } from "../../infra/offline/types";
import { toDisplay } from "../../infra/offline/wire";
import { ofType, single } from "../harness/stacks";

// Recorded inputs are arbitrary JSON; specs walk them freely and let the assertions fail on a wrong shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const K8S = {
    namespace: "kubernetes:core/v1:Namespace",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    service: "kubernetes:core/v1:Service",
    deployment: "kubernetes:apps/v1:Deployment",
    disruptionBudget: "kubernetes:policy/v1:PodDisruptionBudget",
    targetGroupBinding: "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
    secretProviderClass: "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass",
    release: "kubernetes:helm.sh/v3:Release",
} as const;

/** Inputs as a reader of the preview sees them: secrets masked, unknowns marked. */
export function inputs(resource: RecordedResource): Json {
    return toDisplay(resource.inputs);
}

/** The one resource of `type` whose name is `name`, as display inputs. */
export function inputsOf(resources: RecordedResource[], type: string, name?: string): Json {
    return inputs(single(resources, type, name));
}

/** The resource's own URN and every URN it depends on, directly or through others. */
export function dependencyClosure(resources: RecordedResource[], start: RecordedResource): Set<string> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const visit = (urn: string) => {
        if (seen.has(urn)) return;
        seen.add(urn);
        const resource = byUrn.get(urn);
        if (!resource) return;
        for (const next of [...resource.dependencies, ...Object.values(resource.propertyDependencies).flat()]) visit(next);
    };
    visit(start.urn);
    return seen;
}

/** URN of the one resource of `type` named `name`. */
export function urnOf(resources: RecordedResource[], type: string, name: string): string {
    return single(resources, type, name).urn;
}

/** Whether the resource sits, at any depth, under the component named `ancestor`. */
export function isUnder(resources: RecordedResource[], resource: RecordedResource, ancestor: string): boolean {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    for (let parent = byUrn.get(resource.parent ?? ""); parent; parent = byUrn.get(parent.parent ?? "")) {
        if (parent.name === ancestor) return true;
    }
    return false;
}

/** Kubernetes objects of `type` in the slot's namespace. */
export function inSlot(resources: RecordedResource[], type: string, slot: string): RecordedResource[] {
    return ofType(resources, type).filter((r) => inputs(r).metadata?.namespace === `clinical-${slot}`);
}

/** Sets a slot's fields in a stack document's app block, keeping the rest. */
export function setSlot(document: Document, slot: string, fields: { image?: string; weight?: number }): void {
    const entry = document.getIn(["config", "clinical-platform:app", "slots", slot]);
    if (!isMap(entry)) throw new Error(`no slots.${slot} in the stack file`);
    for (const [key, value] of Object.entries(fields)) entry.set(key, value);
}
