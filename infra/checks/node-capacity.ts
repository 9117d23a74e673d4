/**
 * The node capacity the cluster can reach holds every workload at its ceiling. Pods that find no
 * node stay Pending exactly when load peaks, so the arithmetic is judged before deploying:
 *
 *   needed = (Σ workloads: ceiling replicas × the pod's requests + SYSTEM_ALLOWANCE) × (1 + NODE_OVERHEAD)
 *   reach  = Σ EKS managed node groups: nodes it can reach × the instance type's vCPU and memory
 *          + Σ Karpenter / EKS Auto Mode NodePools: spec.limits.cpu and spec.limits.memory
 *
 * A workload's ceiling is its autoscaler's maxReplicas, or its own spec.replicas. A managed node
 * group reaches maxSize only when something scales it (a Cluster Autoscaler in the plan); otherwise
 * it stays at desiredSize.
 */
import instanceData from "./data/instance-types.json";
import type { RecordedResource } from "../offline/types";
import { autoscaledWorkloads, metadataName, namespaceOf } from "./autoscaled-replicas";
import { DeployCheck, DeployCheckFailure, isUnknown, objectInput } from "./types";

/** Cluster-wide pods that are not workloads of the plan (controllers, CoreDNS, metrics server), stated not measured. */
export const SYSTEM_ALLOWANCE = { cpuMillicores: 2000, memoryMiB: 4096 };
/** Share lost per node before pods get it: kubelet and system reservations, DaemonSets, packing loss. Stated. */
export const NODE_OVERHEAD = 0.25;

const INSTANCES = instanceData.instanceTypes as Record<string, { vcpu: number; memoryGiB: number }>;
const WORKLOAD_TYPES = new Set(["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"]);
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";

/** A Kubernetes CPU quantity (`1000m`, `2`, `0.5`) in millicores. */
export function cpuMillicores(quantity: unknown): number {
    const text = String(quantity);
    const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(text);
    if (!match) throw new Error(`not a Kubernetes CPU quantity: ${JSON.stringify(quantity)}`);
    return match[2] === "m" ? Number(match[1]) : Number(match[1]) * 1000;
}

const MEMORY_UNITS: Record<string, number> = {
    "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
};

/** A Kubernetes memory quantity (`4Gi`, `512Mi`, `1G`, bytes) in MiB. */
export function memoryMiB(quantity: unknown): number {
    const match = /^(\d+(?:\.\d+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(quantity));
    if (!match) throw new Error(`not a Kubernetes memory quantity: ${JSON.stringify(quantity)}`);
    return (Number(match[1]) * MEMORY_UNITS[match[2] ?? ""]) / 1024 ** 2;
}

interface Amount { cpuMillicores: number; memoryMiB: number }

/** Requests of one pod: each container's requests (limits when it states none, as the API server defaults them). */
function podRequests(workload: RecordedResource): Amount {
    const pod = objectInput(objectInput(objectInput(workload.inputs.spec)?.template)?.spec);
    const containers = (pod?.containers as Array<Record<string, unknown>> | undefined) ?? [];
    return containers.reduce<Amount>((sum, container) => {
        const resources = objectInput(container.resources);
        const requests = { ...objectInput(resources?.limits), ...objectInput(resources?.requests) };
        return {
            cpuMillicores: sum.cpuMillicores + (requests.cpu === undefined ? 0 : cpuMillicores(requests.cpu)),
            memoryMiB: sum.memoryMiB + (requests.memory === undefined ? 0 : memoryMiB(requests.memory)),
        };
    }, { cpuMillicores: 0, memoryMiB: 0 });
}

function describe(amount: Amount): string {
    return `${(amount.cpuMillicores / 1000).toFixed(1)} vCPU and ${(amount.memoryMiB / 1024).toFixed(1)} GiB`;
}

export const nodeCapacityCheck: DeployCheck = {
    name: "node-capacity",
    description: `The node capacity the cluster can reach holds every workload at its autoscaler's ceiling, plus ${SYSTEM_ALLOWANCE.cpuMillicores / 1000} vCPU / ${SYSTEM_ALLOWANCE.memoryMiB / 1024} GiB for system pods and ${NODE_OVERHEAD * 100} % node overhead.`,
    source: `infra/checks/data/instance-types.json, from ${instanceData.source}, checked ${instanceData.checked}; NodePool limits as the plan sets them`,
    run({ plan }) {
        const failures: DeployCheckFailure[] = [];
        const { resources } = plan;
        const ceilings = new Map(autoscaledWorkloads(resources).map(({ workload, autoscaler }) => [workload.urn, objectInput(autoscaler.inputs.spec)?.maxReplicas]));
        const workloads = resources.filter((r) => WORKLOAD_TYPES.has(r.type));
        if (workloads.length === 0) return [];
        let demand: Amount = { ...SYSTEM_ALLOWANCE };
        const parts: string[] = [];
        for (const workload of workloads) {
            const replicas = ceilings.get(workload.urn) ?? objectInput(workload.inputs.spec)?.replicas ?? 1;
            if (typeof replicas !== "number") continue;
            const pod = podRequests(workload);
            demand = { cpuMillicores: demand.cpuMillicores + replicas * pod.cpuMillicores, memoryMiB: demand.memoryMiB + replicas * pod.memoryMiB };
            parts.push(`${namespaceOf(workload)}/${metadataName(workload)} ${replicas} × ${describe(pod)}`);
        }
        const needed = { cpuMillicores: demand.cpuMillicores * (1 + NODE_OVERHEAD), memoryMiB: demand.memoryMiB * (1 + NODE_OVERHEAD) };

        let reach: Amount = { cpuMillicores: 0, memoryMiB: 0 };
        const sources: string[] = [];
        const scaled = resources.some((r) => r.type === "kubernetes:helm.sh/v3:Release" && /cluster-autoscaler/.test(String(r.inputs.chart ?? "")));
        for (const group of resources.filter((r) => r.type === NODE_GROUP)) {
            const scaling = objectInput(group.inputs.scalingConfig);
            const nodes = scaled ? scaling?.maxSize : scaling?.desiredSize;
            const types = (group.inputs.instanceTypes as string[] | undefined) ?? [];
            const instance = INSTANCES[types[0]];
            if (!instance) {
                failures.push({ check: "node-capacity", urn: group.urn, message: `node group ${group.name} sets instanceTypes = ${JSON.stringify(types)}, which infra/checks/data/instance-types.json does not list; add the type's vCPU and memory` });
                continue;
            }
            if (typeof nodes !== "number") continue;
            reach = { cpuMillicores: reach.cpuMillicores + nodes * instance.vcpu * 1000, memoryMiB: reach.memoryMiB + nodes * instance.memoryGiB * 1024 };
            sources.push(`node group ${group.name}: scalingConfig.${scaled ? "maxSize" : "desiredSize (nothing scales it)"} ${nodes} × ${types[0]}`);
        }
        for (const pool of resources.filter((r) => r.type === NODE_POOL)) {
            const limits = objectInput(objectInput(pool.inputs.spec)?.limits);
            if (!limits || limits.cpu === undefined || limits.memory === undefined || isUnknown(limits.cpu) || isUnknown(limits.memory)) {
                failures.push({ check: "node-capacity", urn: pool.urn, message: `NodePool ${metadataName(pool)} sets spec.limits = ${JSON.stringify(limits ?? null)}; without cpu and memory limits its capacity is unbounded and cannot be judged` });
                continue;
            }
            reach = { cpuMillicores: reach.cpuMillicores + cpuMillicores(limits.cpu), memoryMiB: reach.memoryMiB + memoryMiB(limits.memory) };
            sources.push(`NodePool ${metadataName(pool)}: spec.limits cpu ${limits.cpu}, memory ${limits.memory}`);
        }
        const short = [needed.cpuMillicores > reach.cpuMillicores ? "CPU" : "", needed.memoryMiB > reach.memoryMiB ? "memory" : ""].filter(Boolean);
        if (short.length > 0) {
            failures.push({
                check: "node-capacity",
                urn: "",
                message: `not enough ${short.join(" and ")}: the workloads at their ceilings (${parts.join("; ")}) plus system pods and node overhead need ${describe(needed)}, ` +
                    `but the cluster can reach only ${describe(reach)} (${sources.join("; ") || "no node group or NodePool"})`,
            });
        }
        return failures;
    },
};
