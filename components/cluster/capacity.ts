/**
 * How much node capacity the cluster may grow to: the NodePool's `limits`. EKS Auto Mode (Karpenter)
 * launches no node once the capacity of its nodes together would pass a limit, and it counts whole
 * nodes, not the pods on them. So the limits must hold the WORST packing the NodePool's requirements
 * allow, for both slots at their autoscaler ceilings mid-rollout, next to the cluster's own controllers:
 *
 *   per allowed category k, its smallest node: minInstanceCpu vCPU × the category's GiB per vCPU;
 *   allocatable_k = node − kube-reserved − eviction threshold − VM memory overhead − DaemonSet requests;
 *   fit_k         = min(⌊allocatable CPU ÷ pod CPU⌋, ⌊allocatable memory ÷ pod memory⌋)  (≥ 1, or refused);
 *   perPod        = max over k of node_k ÷ fit_k, separately for CPU and for memory;
 *   workload      = (pods − 1) × perPod + the largest smallest node;
 *   limits        = ⌈workload + system allowance × (1 + packing slack)⌉ in whole vCPU and GiB.
 *
 * Why (pods − 1) × perPod + one node: the scheduler fills a node before Karpenter launches another
 * (a node is launched only for a pod that fits nowhere), so every node but the newest holds as many
 * pods as fit, and a full node of category k costs fit_k × (node_k ÷ fit_k) ≤ its pods × perPod;
 * the newest holds at least one pod and costs at most one smallest node. A larger node of the same
 * category spreads the same fixed reservations over more pods, so it costs no more per pod.
 * Pure arithmetic, so a spec can prove the figures; nothing here touches the cloud.
 */

/** What one slot may grow to, as its autoscaler and Deployment allow. */
export interface SlotCeiling {
    /** Slots that can each reach the ceiling at once (blue and green). */
    slots: number;
    /** The autoscaler's maximum replica count per slot. */
    maxReplicas: number;
    /** Extra pods a rolling update starts above the replica count, as a percentage (the Deployment's maxSurge). */
    surgePercent: number;
    /** CPU request per pod, in Kubernetes units (`1000m`, `2`). */
    cpuRequest: string;
    /** Memory request per pod (`4Gi`, `512Mi`). */
    memoryRequest: string;
}

/** The nodes the NodePool's requirements allow. */
export interface NodeShape {
    /** EC2 instance categories (`eks.amazonaws.com/instance-category In`). */
    instanceCategories: readonly string[];
    /** The fewest vCPUs a node may have (`eks.amazonaws.com/instance-cpu Gt minInstanceCpu − 1`). */
    minInstanceCpu: number;
}

/**
 * GiB of memory per vCPU of each category's current x86 families, from AWS's "Amazon EC2 instance
 * type specifications": compute optimized (docs.aws.amazon.com/ec2/latest/instancetypes/co.html, e.g.
 * c7i.xlarge 4 vCPU 8 GiB), general purpose (gp.html, m7i.xlarge 4 vCPU 16 GiB), memory optimized
 * (mo.html, r7i.xlarge 4 vCPU 32 GiB); checked 2026-12-01. The previous-generation c4 and r4, which
 * Auto Mode also launches, have a little less memory per vCPU (3.75 and 30.5 GiB at xlarge), which
 * fits no more pods, so the figures here are the larger, safer ones.
 */
export const CATEGORY_GIB_PER_VCPU: Readonly<Record<string, number>> = { c: 2, m: 4, r: 8 };

/**
 * What every node loses before app pods get it, stated with its sources (checked 2026-12-01):
 * - kube-reserved, as Karpenter computes it for its launch decisions (aws/karpenter-provider-aws,
 *   pkg/providers/instancetype/types.go, kubeReservedResources): CPU 6 % of the first core, 1 % of
 *   the second, 0.5 % of the third and fourth, 0.25 % of the rest; memory 11 MiB × max pods + 255 MiB,
 *   with max pods at most 110 on Auto Mode (EKS User Guide "Choose an optimal Amazon EC2 node instance
 *   type", Considerations for EKS Auto Mode, and "Create a Node Class for Amazon EKS").
 * - the hard eviction threshold, memory.available 100 MiB (same file, evictionThreshold);
 * - VM memory overhead, 7.5 % of the instance's memory (Karpenter settings, VM_MEMORY_OVERHEAD_PERCENT default);
 * - the DaemonSets' requests on every node: CloudWatch agent 250m / 128Mi and Fluent Bit 50m / 25Mi
 *   (aws-observability/helm-charts, amazon-cloudwatch-observability 6.4.0 values.yaml, agent and
 *   containerLogs.fluentBit), Secrets Store CSI driver 70m / 140Mi (driver 50m/100Mi, registrar and
 *   liveness probe 10m/20Mi each, secrets-store-csi-driver chart 1.6.0 values.yaml) and its AWS provider
 *   50m / 100Mi (secrets-store-csi-driver-provider-aws chart 3.1.1 values.yaml). Auto Mode's own node
 *   agents (networking, DNS cache, Pod Identity) are system processes, inside the reservations.
 */
export const NODE_RESERVATION = {
    maxPods: 110,
    kubeReservedMemoryPerPodMiB: 11,
    kubeReservedMemoryBaseMiB: 255,
    evictionMemoryMiB: 100,
    vmMemoryOverheadPercent: 7.5,
    daemonSetCpuMillicores: 250 + 50 + 70 + 50,
    daemonSetMemoryMiB: 128 + 25 + 140 + 100,
};

/** Room for the cluster-wide controllers, which are not app pods. */
export interface CapacityAllowance {
    /** Metrics server, CloudWatch agent operator and cluster scraper, and room to spare. */
    systemCpuMillicores: number;
    systemMemoryMiB: number;
    /** Slack for the controllers' own pods packing nodes unevenly, as a percentage. */
    packingPercent: number;
}

/** Stated, not measured: 2 vCPU and 4 GiB cover the controllers' requests with room to spare; 25 % for their packing. */
export const DEFAULT_ALLOWANCE: CapacityAllowance = { systemCpuMillicores: 2000, systemMemoryMiB: 4096, packingPercent: 25 };

/** One category's smallest allowed node and how the app's pods pack it. */
export interface CategoryPacking {
    category: string;
    nodeCpuMillicores: number;
    nodeMemoryMiB: number;
    allocatableCpuMillicores: number;
    allocatableMemoryMiB: number;
    /** App pods the node holds: the lower of what its CPU and its memory allow. */
    podsPerNode: number;
}

export interface NodePoolLimits {
    /** Whole vCPUs, as the NodePool's `limits.cpu` takes them. */
    cpu: string;
    /** Whole GiB, as `limits.memory` (`149Gi`). */
    memory: string;
    /** The figures the limits were built from, for specs and the preview report. */
    breakdown: {
        podsAtCeiling: number;
        packing: CategoryPacking[];
        /** The most node capacity one pod can take up, over the allowed categories. */
        perPodCpuMillicores: number;
        perPodMemoryMiB: number;
        /** (pods − 1) × per pod + the largest smallest node. */
        workloadCpuMillicores: number;
        workloadMemoryMiB: number;
        /** The controllers' allowance with its packing slack. */
        systemCpuMillicores: number;
        systemMemoryMiB: number;
        cpuMillicores: number;
        memoryMiB: number;
    };
}

/** kube-reserved CPU for a node of `vcpus`, Karpenter's stepped percentages. */
export function kubeReservedCpuMillicores(vcpus: number): number {
    const steps = [{ upTo: 1000, share: 0.06 }, { upTo: 2000, share: 0.01 }, { upTo: 4000, share: 0.005 }, { upTo: Infinity, share: 0.0025 }];
    let from = 0;
    let reserved = 0;
    for (const step of steps) {
        const span = Math.min(vcpus * 1000, step.upTo) - from;
        if (span <= 0) break;
        reserved += Math.floor(span * step.share);
        from = step.upTo;
    }
    return reserved;
}

/** The smallest allowed node of one category, what pods may use of it, and how many app pods fit. */
export function packCategory(category: string, minInstanceCpu: number, podCpu: number, podMemory: number): CategoryPacking {
    const ratio = CATEGORY_GIB_PER_VCPU[category];
    if (ratio === undefined) throw new Error(`no memory-per-vCPU figure for instance category ${JSON.stringify(category)}; known: ${Object.keys(CATEGORY_GIB_PER_VCPU).join(", ")}`);
    const r = NODE_RESERVATION;
    const nodeCpuMillicores = minInstanceCpu * 1000;
    const nodeMemoryMiB = minInstanceCpu * ratio * 1024;
    const allocatableCpuMillicores = nodeCpuMillicores - kubeReservedCpuMillicores(minInstanceCpu) - r.daemonSetCpuMillicores;
    const allocatableMemoryMiB = nodeMemoryMiB - Math.ceil((nodeMemoryMiB * r.vmMemoryOverheadPercent) / 100)
        - (r.kubeReservedMemoryPerPodMiB * r.maxPods + r.kubeReservedMemoryBaseMiB) - r.evictionMemoryMiB - r.daemonSetMemoryMiB;
    const podsPerNode = Math.max(0, Math.min(Math.floor(allocatableCpuMillicores / podCpu), Math.floor(allocatableMemoryMiB / podMemory)));
    return { category, nodeCpuMillicores, nodeMemoryMiB, allocatableCpuMillicores, allocatableMemoryMiB, podsPerNode };
}

export function nodePoolLimits(ceiling: SlotCeiling, nodes: NodeShape, allowance: CapacityAllowance = DEFAULT_ALLOWANCE): NodePoolLimits {
    if (!Number.isInteger(ceiling.slots) || ceiling.slots < 1 || !Number.isInteger(ceiling.maxReplicas) || ceiling.maxReplicas < 1) {
        throw new Error(`slots and maxReplicas must be positive integers, got ${ceiling.slots} and ${ceiling.maxReplicas}`);
    }
    if (!Number.isInteger(nodes.minInstanceCpu) || nodes.minInstanceCpu < 2) {
        throw new Error(`minInstanceCpu must be a whole number of vCPUs of at least 2 (Auto Mode launches nothing smaller), got ${nodes.minInstanceCpu}`);
    }
    if (nodes.instanceCategories.length === 0) throw new Error("at least one instance category is needed to size the NodePool");
    const podCpu = cpuMillicores(ceiling.cpuRequest);
    const podMemory = memoryMiB(ceiling.memoryRequest);
    const surge = Math.ceil((ceiling.maxReplicas * ceiling.surgePercent) / 100);
    const podsAtCeiling = ceiling.slots * (ceiling.maxReplicas + surge);

    const packing = nodes.instanceCategories.map((category) => packCategory(category, nodes.minInstanceCpu, podCpu, podMemory));
    const tooSmall = packing.filter((p) => p.podsPerNode < 1);
    if (tooSmall.length > 0) {
        throw new Error(`a pod requesting ${ceiling.cpuRequest} CPU and ${ceiling.memoryRequest} does not fit the smallest allowed node of category `
            + tooSmall.map((p) => `${p.category} (${p.nodeCpuMillicores / 1000} vCPU, ${p.nodeMemoryMiB / 1024} GiB; ${p.allocatableCpuMillicores}m and ${p.allocatableMemoryMiB} MiB left for pods)`).join(", ")
            + `; raise minInstanceCpu (now ${nodes.minInstanceCpu}) or drop the category, so that every node the NodePool may launch holds at least one pod`);
    }
    const perPodCpuMillicores = Math.max(...packing.map((p) => p.nodeCpuMillicores / p.podsPerNode));
    const perPodMemoryMiB = Math.max(...packing.map((p) => p.nodeMemoryMiB / p.podsPerNode));
    const workloadCpuMillicores = (podsAtCeiling - 1) * perPodCpuMillicores + Math.max(...packing.map((p) => p.nodeCpuMillicores));
    const workloadMemoryMiB = (podsAtCeiling - 1) * perPodMemoryMiB + Math.max(...packing.map((p) => p.nodeMemoryMiB));
    const slack = 1 + allowance.packingPercent / 100;
    const systemCpuMillicores = allowance.systemCpuMillicores * slack;
    const systemMemoryMiB = allowance.systemMemoryMiB * slack;
    // A hair under a whole unit from floating point must not add a vCPU or GiB.
    const cpu = Math.ceil((workloadCpuMillicores + systemCpuMillicores) / 1000 - 1e-9);
    const memory = Math.ceil((workloadMemoryMiB + systemMemoryMiB) / 1024 - 1e-9);
    return {
        cpu: String(cpu),
        memory: `${memory}Gi`,
        breakdown: {
            podsAtCeiling, packing, perPodCpuMillicores, perPodMemoryMiB, workloadCpuMillicores, workloadMemoryMiB,
            systemCpuMillicores, systemMemoryMiB, cpuMillicores: cpu * 1000, memoryMiB: memory * 1024,
        },
    };
}

/** `1000m` → 1000, `2` → 2000, `0.5` → 500. */
export function cpuMillicores(quantity: string): number {
    const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity);
    if (!match) throw new Error(`not a Kubernetes CPU quantity: ${JSON.stringify(quantity)}`);
    return match[2] === "m" ? Number(match[1]) : Math.round(Number(match[1]) * 1000);
}

/** `4Gi` → 4096, `512Mi` → 512. */
export function memoryMiB(quantity: string): number {
    const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
    if (!match) throw new Error(`not a Kubernetes memory quantity in Mi or Gi: ${JSON.stringify(quantity)}`);
    return Number(match[1]) * (match[2] === "Gi" ? 1024 : 1);
}
