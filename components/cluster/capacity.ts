/**
 * How much node capacity the cluster may grow to: the NodePool's `limits`. EKS Auto Mode (Karpenter)
 * stops launching nodes once the sum of their CPU or memory would pass a limit, so the limits must
 * hold both slots at their autoscaler ceilings, mid-rollout, next to the cluster's own controllers.
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

/** Room for what is not an app pod. */
export interface CapacityAllowance {
    /** Cluster-wide controllers: load balancer controller, metrics server, CloudWatch agent operator, Secrets Store. */
    systemCpuMillicores: number;
    systemMemoryMiB: number;
    /**
     * Share added on top for what every node loses before pods get it: kubelet and system
     * reservations, per-node DaemonSets (CloudWatch agent, Fluent Bit, Secrets Store driver and
     * provider) and pods that do not pack a node exactly.
     */
    nodeOverheadPercent: number;
}

/**
 * The allowance every stack uses. Stated, not measured: 2 vCPU and 4 GiB cover the controllers'
 * requests with room to spare, and 25 % covers node reservations, DaemonSets and packing loss.
 */
export const DEFAULT_ALLOWANCE: CapacityAllowance = { systemCpuMillicores: 2000, systemMemoryMiB: 4096, nodeOverheadPercent: 25 };

export interface NodePoolLimits {
    /** Whole vCPUs, as the NodePool's `limits.cpu` takes them. */
    cpu: string;
    /** Whole GiB, as `limits.memory` (`136Gi`). */
    memory: string;
    /** The figures the limits were built from, for specs and the preview report. */
    breakdown: {
        podsAtCeiling: number;
        workloadCpuMillicores: number;
        workloadMemoryMiB: number;
        cpuMillicores: number;
        memoryMiB: number;
    };
}

export function nodePoolLimits(ceiling: SlotCeiling, allowance: CapacityAllowance = DEFAULT_ALLOWANCE): NodePoolLimits {
    if (!Number.isInteger(ceiling.slots) || ceiling.slots < 1 || !Number.isInteger(ceiling.maxReplicas) || ceiling.maxReplicas < 1) {
        throw new Error(`slots and maxReplicas must be positive integers, got ${ceiling.slots} and ${ceiling.maxReplicas}`);
    }
    const surge = Math.ceil((ceiling.maxReplicas * ceiling.surgePercent) / 100);
    const podsAtCeiling = ceiling.slots * (ceiling.maxReplicas + surge);
    const workloadCpuMillicores = podsAtCeiling * cpuMillicores(ceiling.cpuRequest);
    const workloadMemoryMiB = podsAtCeiling * memoryMiB(ceiling.memoryRequest);
    const grow = 1 + allowance.nodeOverheadPercent / 100;
    const cpu = Math.ceil(((workloadCpuMillicores + allowance.systemCpuMillicores) * grow) / 1000);
    const memory = Math.ceil(((workloadMemoryMiB + allowance.systemMemoryMiB) * grow) / 1024);
    return {
        cpu: String(cpu),
        memory: `${memory}Gi`,
        breakdown: { podsAtCeiling, workloadCpuMillicores, workloadMemoryMiB, cpuMillicores: cpu * 1000, memoryMiB: memory * 1024 },
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
