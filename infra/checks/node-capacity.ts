/**
 * The node capacity the cluster can reach holds every workload at its ceiling. Pods that find no
 * node stay Pending exactly when load peaks, so the arithmetic is judged before deploying.
 *
 * Karpenter / EKS Auto Mode NodePools: Karpenter stops launching once its nodes' whole capacity
 * would pass spec.limits, however badly the pods pack them, so the limits are judged against the
 * WORST packing the pool's requirements allow. From the requirements (instance-category In [...],
 * instance-cpu Gt N; without a size requirement, the smallest node Auto Mode launches) this check
 * takes each category's smallest node (doubling the size until one pod fits, as every c/m/r family
 * has large, xlarge, 2xlarge...), subtracts the per-node reservation stated below, and finds how many
 * pods of each shape fit it. Then, per pod shape:
 *
 *   needed = Σ shapes: (pods − 1) × max over categories (node ÷ pods per node) + the largest such node
 *          + SYSTEM_ALLOWANCE × (1 + SYSTEM_PACKING)
 *
 * since the scheduler fills a node before another is launched: every node but the newest is full.
 *
 * EKS managed node groups (no NodePool): nodes it can reach × the instance type's vCPU and memory,
 * against (Σ ceiling replicas × the pod's requests + SYSTEM_ALLOWANCE) × (1 + NODE_OVERHEAD). A node
 * group reaches maxSize only when something scales it (a Cluster Autoscaler in the plan); otherwise it
 * stays at desiredSize. A workload's ceiling is its autoscaler's maxReplicas, or its own spec.replicas.
 */
import instanceData from "./data/instance-types.json";
import type { RecordedResource } from "../offline/types";
import { autoscaledWorkloads, metadataName, namespaceOf } from "./autoscaled-replicas";
import { DeployCheck, DeployCheckFailure, isUnknown, objectInput } from "./types";

/** Cluster-wide pods that are not workloads of the plan (controllers, CoreDNS, metrics server), stated not measured. */
export const SYSTEM_ALLOWANCE = { cpuMillicores: 2000, memoryMiB: 4096 };
/** Share lost per node before pods get it, for fixed node groups: reservations, DaemonSets, packing loss. Stated. */
export const NODE_OVERHEAD = 0.25;
/** Slack for the system pods' own packing on NodePool nodes. Stated. */
export const SYSTEM_PACKING = 0.25;

/**
 * What a NodePool node loses before app pods get it (checked 2026-12-01):
 * - kube-reserved as Karpenter computes it (aws/karpenter-provider-aws pkg/providers/instancetype/types.go):
 *   CPU 6 % / 1 % / 0.5 % / 0.5 % of cores one to four and 0.25 % of each further core; memory
 *   11 MiB per pod + 255 MiB at the 110 pods Auto Mode allows at most (EKS User Guide, "Choose an
 *   optimal Amazon EC2 node instance type", Considerations for EKS Auto Mode);
 * - the kubelet's hard eviction threshold, 100 MiB, and Karpenter's default VM memory overhead, 7.5 %;
 * - DaemonSet requests per node: CloudWatch agent 250m/128Mi and Fluent Bit 50m/25Mi
 *   (amazon-cloudwatch-observability chart 6.4.0), Secrets Store CSI driver 70m/140Mi (chart 1.6.0:
 *   driver, registrar, liveness probe) and its AWS provider 50m/100Mi (chart 3.1.1).
 */
export const NODE_RESERVATION = { podsPerNode: 110, evictionMiB: 100, vmOverhead: 0.075, daemonSetMillicores: 420, daemonSetMiB: 393 };

const CATEGORY_DATA = instanceData.categories;
const GIB_PER_VCPU = CATEGORY_DATA.memoryGiBPerVcpu as Record<string, number>;
const CATEGORY_KEYS = ["eks.amazonaws.com/instance-category", "karpenter.k8s.aws/instance-category"];
const CPU_KEYS = ["eks.amazonaws.com/instance-cpu", "karpenter.k8s.aws/instance-cpu"];

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

/** What pods may use of a node of `vcpu` vCPUs and `memoryMiB`, after the stated reservation. */
export function allocatable(vcpu: number, nodeMemoryMiB: number): Amount {
    let reservedCpu = 0;
    for (const [from, to, share] of [[0, 1, 0.06], [1, 2, 0.01], [2, 4, 0.005], [4, Infinity, 0.0025]]) {
        reservedCpu += Math.floor(Math.max(0, Math.min(vcpu, to) - from) * 1000 * share);
    }
    const r = NODE_RESERVATION;
    return {
        cpuMillicores: vcpu * 1000 - reservedCpu - r.daemonSetMillicores,
        memoryMiB: nodeMemoryMiB - Math.ceil(nodeMemoryMiB * r.vmOverhead) - (11 * r.podsPerNode + 255) - r.evictionMiB - r.daemonSetMiB,
    };
}

interface Packing { category: string; node: Amount; pods: number }

/** The smallest node of the category that holds one pod of this shape, and how many it holds. */
export function packing(category: string, minVcpu: number, pod: Amount): Packing {
    for (let vcpu = minVcpu; vcpu <= 1024; vcpu *= 2) {
        const node = { cpuMillicores: vcpu * 1000, memoryMiB: vcpu * GIB_PER_VCPU[category] * 1024 };
        const room = allocatable(vcpu, node.memoryMiB);
        const pods = Math.min(Math.floor(room.cpuMillicores / Math.max(pod.cpuMillicores, 1)), Math.floor(room.memoryMiB / Math.max(pod.memoryMiB, 1)));
        if (pods >= 1) return { category, node, pods };
    }
    throw new Error(`no ${category} node of up to 1024 vCPU holds a pod of ${describe(pod)}`);
}

/** The values of the first requirement of the pool with one of `keys` and `operator`. */
function requirementValues(pool: RecordedResource, keys: string[], operator: string): string[] | undefined {
    const spec = objectInput(objectInput(objectInput(pool.inputs.spec)?.template)?.spec);
    const requirements = (spec?.requirements as Array<Record<string, unknown>> | undefined) ?? [];
    const found = requirements.find((r) => keys.includes(String(r.key)) && r.operator === operator);
    return found ? ((found.values as unknown[]) ?? []).map(String) : undefined;
}

/** The categories and the smallest vCPU count a NodePool allows, or why they cannot be judged. */
function poolShape(pool: RecordedResource): { categories: string[]; minVcpu: number; said: string } | string {
    const categories = requirementValues(pool, CATEGORY_KEYS, "In");
    if (!categories || categories.length === 0) {
        return `NodePool ${metadataName(pool)} sets no instance-category In requirement, so any instance family may be launched and the worst packing cannot be judged; list the categories`;
    }
    const unknown = categories.filter((c) => GIB_PER_VCPU[c] === undefined);
    if (unknown.length > 0) {
        return `NodePool ${metadataName(pool)} allows instance categories ${JSON.stringify(unknown)}, which infra/checks/data/instance-types.json gives no memory per vCPU for; add them`;
    }
    const greater = requirementValues(pool, CPU_KEYS, "Gt")?.map(Number).filter(Number.isFinite) ?? [];
    const listed = requirementValues(pool, CPU_KEYS, "In")?.map(Number).filter(Number.isFinite) ?? [];
    const bounds = [CATEGORY_DATA.smallestVcpu, ...greater.map((n) => Math.floor(n) + 1), ...(listed.length > 0 ? [Math.min(...listed)] : [])];
    const minVcpu = Math.max(...bounds);
    const said = greater.length > 0 || listed.length > 0 ? `instance-cpu from ${minVcpu}` : `no minimum instance-cpu, so nodes from ${minVcpu} vCPU`;
    return { categories, minVcpu, said: `categories ${categories.join(", ")}, ${said}` };
}

export const nodeCapacityCheck: DeployCheck = {
    name: "node-capacity",
    description: "The node capacity the cluster can reach holds every workload at its autoscaler's ceiling: NodePool limits under the worst packing their "
        + `requirements allow plus ${SYSTEM_ALLOWANCE.cpuMillicores / 1000} vCPU / ${SYSTEM_ALLOWANCE.memoryMiB / 1024} GiB for system pods and ${SYSTEM_PACKING * 100} % for their packing; `
        + `fixed node groups with ${NODE_OVERHEAD * 100} % node overhead.`,
    source: `infra/checks/data/instance-types.json, from ${instanceData.source}, checked ${instanceData.checked}; categories from ${CATEGORY_DATA.source}, checked ${CATEGORY_DATA.checked}; `
        + "node reservation from Karpenter's kube-reserved formula and the DaemonSets' chart values (NODE_RESERVATION); NodePool requirements and limits as the plan sets them",
    run({ plan }) {
        const failures: DeployCheckFailure[] = [];
        const { resources } = plan;
        const ceilings = new Map(autoscaledWorkloads(resources).map(({ workload, autoscaler }) => [workload.urn, objectInput(autoscaler.inputs.spec)?.maxReplicas]));
        const workloads = resources.filter((r) => WORKLOAD_TYPES.has(r.type));
        if (workloads.length === 0) return [];
        let demand: Amount = { ...SYSTEM_ALLOWANCE };
        const parts: string[] = [];
        const shapes = new Map<string, { pod: Amount; pods: number }>();
        for (const workload of workloads) {
            const replicas = ceilings.get(workload.urn) ?? objectInput(workload.inputs.spec)?.replicas ?? 1;
            if (typeof replicas !== "number") continue;
            const pod = podRequests(workload);
            demand = { cpuMillicores: demand.cpuMillicores + replicas * pod.cpuMillicores, memoryMiB: demand.memoryMiB + replicas * pod.memoryMiB };
            parts.push(`${namespaceOf(workload)}/${metadataName(workload)} ${replicas} × ${describe(pod)}`);
            const key = `${pod.cpuMillicores}/${pod.memoryMiB}`;
            shapes.set(key, { pod, pods: (shapes.get(key)?.pods ?? 0) + replicas });
        }

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
        const pools = resources.filter((r) => r.type === NODE_POOL);
        const categories = new Set<string>();
        let minVcpu = Infinity;
        for (const pool of pools) {
            const limits = objectInput(objectInput(pool.inputs.spec)?.limits);
            if (!limits || limits.cpu === undefined || limits.memory === undefined || isUnknown(limits.cpu) || isUnknown(limits.memory)) {
                failures.push({ check: "node-capacity", urn: pool.urn, message: `NodePool ${metadataName(pool)} sets spec.limits = ${JSON.stringify(limits ?? null)}; without cpu and memory limits its capacity is unbounded and cannot be judged` });
                continue;
            }
            const shape = poolShape(pool);
            if (typeof shape === "string") {
                failures.push({ check: "node-capacity", urn: pool.urn, message: shape });
                continue;
            }
            shape.categories.forEach((c) => categories.add(c));
            minVcpu = Math.min(minVcpu, shape.minVcpu);
            reach = { cpuMillicores: reach.cpuMillicores + cpuMillicores(limits.cpu), memoryMiB: reach.memoryMiB + memoryMiB(limits.memory) };
            sources.push(`NodePool ${metadataName(pool)}: ${shape.said}; spec.limits cpu ${limits.cpu}, memory ${limits.memory}`);
        }
        if (failures.length > 0) return failures;

        let needed: Amount;
        let how: string;
        if (categories.size > 0) {
            // Worst packing: every node but the newest full, each pod taking up as much of a node as any allowed category leaves it.
            needed = { cpuMillicores: SYSTEM_ALLOWANCE.cpuMillicores * (1 + SYSTEM_PACKING), memoryMiB: SYSTEM_ALLOWANCE.memoryMiB * (1 + SYSTEM_PACKING) };
            const packed: string[] = [];
            for (const { pod, pods } of shapes.values()) {
                if (pods < 1 || (pod.cpuMillicores === 0 && pod.memoryMiB === 0)) continue;
                const fits = [...categories].map((category) => packing(category, minVcpu, pod));
                const perPod = (of: keyof Amount) => Math.max(...fits.map((f) => f.node[of] / f.pods));
                const newest = (of: keyof Amount) => Math.max(...fits.map((f) => f.node[of]));
                needed = {
                    cpuMillicores: needed.cpuMillicores + (pods - 1) * perPod("cpuMillicores") + newest("cpuMillicores"),
                    memoryMiB: needed.memoryMiB + (pods - 1) * perPod("memoryMiB") + newest("memoryMiB"),
                };
                packed.push(`${pods} pods of ${describe(pod)}: ${fits.map((f) => `${f.pods} per ${f.category} node of ${describe(f.node)}`).join(", ")}`);
            }
            how = `under the worst packing the NodePool allows (${packed.join("; ")}), every node but the newest full, plus system pods and their packing`;
        } else {
            needed = { cpuMillicores: demand.cpuMillicores * (1 + NODE_OVERHEAD), memoryMiB: demand.memoryMiB * (1 + NODE_OVERHEAD) };
            how = "plus system pods and node overhead";
        }
        const short = [needed.cpuMillicores > reach.cpuMillicores ? "CPU" : "", needed.memoryMiB > reach.memoryMiB ? "memory" : ""].filter(Boolean);
        if (short.length > 0) {
            failures.push({
                check: "node-capacity",
                urn: "",
                message: `not enough ${short.join(" and ")}: the workloads at their ceilings (${parts.join("; ")}) ${how} need ${describe(needed)}, ` +
                    `but the cluster can reach only ${describe(reach)} (${sources.join("; ") || "no node group or NodePool"})`,
            });
        }
        return failures;
    },
};
