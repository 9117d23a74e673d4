/**
 * No workload an autoscaler scales sets its own replica count. Under server-side apply the field
 * manager that last set `spec.replicas` owns it; once the HorizontalPodAutoscaler moves the count,
 * the next update of the workload (a new image) conflicts with the autoscaler's ownership and fails.
 */
import type { RecordedResource } from "../offline/types";
import { DeployCheck, DeployCheckFailure, objectInput, shortUrn } from "./types";

const AUTOSCALER_TYPES = new Set(["kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "kubernetes:autoscaling/v1:HorizontalPodAutoscaler"]);

/** Workload kinds a scaleTargetRef names, by resource type. */
const WORKLOAD_KINDS: Record<string, string> = {
    "kubernetes:apps/v1:Deployment": "Deployment",
    "kubernetes:apps/v1:StatefulSet": "StatefulSet",
    "kubernetes:apps/v1:ReplicaSet": "ReplicaSet",
};

/** An object's namespace as the API server defaults it: `default` when the manifest names none. */
export function namespaceOf(resource: RecordedResource): string {
    const namespace = objectInput(resource.inputs.metadata)?.namespace;
    return typeof namespace === "string" && namespace !== "" ? namespace : "default";
}

export function metadataName(resource: RecordedResource): string | undefined {
    const name = objectInput(resource.inputs.metadata)?.name;
    return typeof name === "string" ? name : undefined;
}

/** The workloads each autoscaler of the plan targets, with the autoscaler's spec. */
export function autoscaledWorkloads(resources: RecordedResource[]): Array<{ workload: RecordedResource; autoscaler: RecordedResource }> {
    const found: Array<{ workload: RecordedResource; autoscaler: RecordedResource }> = [];
    for (const autoscaler of resources.filter((r) => AUTOSCALER_TYPES.has(r.type))) {
        const target = objectInput(objectInput(autoscaler.inputs.spec)?.scaleTargetRef);
        if (!target) continue;
        const workload = resources.find((r) => WORKLOAD_KINDS[r.type] === target.kind && metadataName(r) === target.name && namespaceOf(r) === namespaceOf(autoscaler));
        if (workload) found.push({ workload, autoscaler });
    }
    return found;
}

export const autoscaledReplicasCheck: DeployCheck = {
    name: "autoscaled-replicas",
    description: "No Deployment or StatefulSet that a HorizontalPodAutoscaler targets sets spec.replicas (the autoscaler owns the count under server-side apply).",
    source: "Kubernetes documentation, Horizontal Pod Autoscaling: \"Migrating Deployments and StatefulSets to horizontal autoscaling\" (checked 2026-12-01)",
    run({ plan }) {
        const failures: DeployCheckFailure[] = [];
        for (const { workload, autoscaler } of autoscaledWorkloads(plan.resources)) {
            const replicas = objectInput(workload.inputs.spec)?.replicas;
            if (replicas === undefined || replicas === null) continue;
            failures.push({
                check: this.name,
                urn: workload.urn,
                message: `${WORKLOAD_KINDS[workload.type]} ${namespaceOf(workload)}/${metadataName(workload)} sets spec.replicas = ${JSON.stringify(replicas)}, ` +
                    `but HorizontalPodAutoscaler ${shortUrn(autoscaler.urn)} scales it; leave spec.replicas unset so the autoscaler owns the count`,
            });
        }
        return failures;
    },
};
