import { strict as assert } from "assert";
import { allocatable, cpuMillicores, memoryMiB, nodeCapacityCheck } from "../../infra/checks/node-capacity";
import { planOf, resource, run } from "./plans";

/** One slot of the API: requests 1 vCPU and 4 GiB per pod, scaled to `max` by its autoscaler. */
function slot(namespace: string, max: number) {
    return [
        resource("kubernetes:apps/v1:Deployment", `api-${namespace}`, {
            metadata: { name: "api", namespace },
            spec: { template: { spec: { containers: [{ name: "api", resources: { requests: { cpu: "1000m", memory: "4Gi" }, limits: { cpu: "2", memory: "4Gi" } } }] } } },
        }),
        resource("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", `api-${namespace}-hpa`, {
            metadata: { name: "api", namespace },
            spec: { maxReplicas: max, scaleTargetRef: { kind: "Deployment", name: "api" } },
        }),
    ];
}

function nodeGroup(scalingConfig: Record<string, number>, instanceTypes = ["m6i.xlarge"]) {
    return resource("aws:eks/nodeGroup:NodeGroup", "nodes", { instanceTypes, scalingConfig });
}

/** An Auto Mode NodePool with these categories, an optional minimum vCPU count, and limits. */
function nodePool(cpu: string, memory: string, categories = ["m"], minCpu?: number) {
    const requirements: Array<Record<string, unknown>> = [{ key: "eks.amazonaws.com/instance-category", operator: "In", values: categories }];
    if (minCpu !== undefined) requirements.push({ key: "eks.amazonaws.com/instance-cpu", operator: "Gt", values: [String(minCpu - 1)] });
    requirements.push({ key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] });
    return resource("kubernetes:karpenter.sh/v1:NodePool", "pool", { metadata: { name: "general" }, spec: { template: { spec: { requirements } }, limits: { cpu, memory } } });
}

describe("the node-capacity deploy check", () => {
    // Two slots of 10 pods: 20 vCPU and 80 GiB, plus 2 vCPU and 4 GiB for system pods, plus 25 %: 27.5 vCPU, 105 GiB.
    const ceilings = [...slot("blue", 10), ...slot("green", 10)];

    it("fails when a node group nothing scales stays at 5 × m6i.xlarge (20 vCPU, 80 GiB), stating both sides of the sum", () => {
        const failures = run(nodeCapacityCheck, planOf({}, [...ceilings, nodeGroup({ minSize: 3, desiredSize: 5, maxSize: 10 })]));
        assert.equal(failures.length, 1);
        assert.match(failures[0].message, /need 27\.5 vCPU and 105\.0 GiB, but the cluster can reach only 20\.0 vCPU and 80\.0 GiB/);
        assert.match(failures[0].message, /blue\/api 10 × 1\.0 vCPU and 4\.0 GiB/);
        assert.match(failures[0].message, /scalingConfig\.desiredSize \(nothing scales it\) 5 × m6i\.xlarge/);
    });

    it("counts a node group's maxSize once a Cluster Autoscaler scales it: 10 × m6i.xlarge hold 40 vCPU and 160 GiB", () => {
        const autoscaler = resource("kubernetes:helm.sh/v3:Release", "cluster-autoscaler", { chart: "cluster-autoscaler" });
        assert.deepEqual(run(nodeCapacityCheck, planOf({}, [...ceilings, nodeGroup({ desiredSize: 5, maxSize: 10 }), autoscaler])), []);
    });

    // A NodePool is judged under the worst packing its requirements allow. Figures stated in the check,
    // re-derived here: a 4-vCPU node keeps 4000 − 80 (kube-reserved) − 420 (DaemonSets) = 3500m for pods;
    // a 16 GiB m node keeps 16384 − 1229 (7.5 % VM overhead) − 1465 (11 × 110 + 255) − 100 − 393 = 13197 MiB.
    it("leaves pods 3500m of a 4-vCPU node and 13197 MiB of a 16 GiB one, 1510m of a 2-vCPU node", () => {
        assert.deepEqual(allocatable(4, 16384), { cpuMillicores: 3500, memoryMiB: 13197 });
        assert.equal(allocatable(2, 8192).cpuMillicores, 2000 - 70 - 420);
    });

    it("fails the NodePool that never scaled: categories c, m, r, no minimum size, limits 35 vCPU / 135Gi", () => {
        // Nothing rules out 2-vCPU nodes: an m or r node of 2 vCPU holds one 1 vCPU pod (1510m left), so a pod can take
        // up 2 vCPU and, on r, 16 GiB; a c node of 2 vCPU / 4 GiB holds none, the next (4 vCPU / 8 GiB) holds one: 4 vCPU per pod.
        // 20 pods: 19 × 4 + 4 + 2.5 = 82.5 vCPU, 19 × 16 + 16 + 5 = 325 GiB.
        const [short] = run(nodeCapacityCheck, planOf({}, [...ceilings, nodePool("35", "135Gi", ["c", "m", "r"])]));
        assert.match(short.message, /not enough CPU and memory: .*under the worst packing/);
        assert.match(short.message, /need 82\.5 vCPU and 325\.0 GiB, but the cluster can reach only 35\.0 vCPU and 135\.0 GiB/);
        assert.match(short.message, /1 per c node of 4\.0 vCPU and 8\.0 GiB, 1 per m node of 2\.0 vCPU and 8\.0 GiB, 1 per r node of 2\.0 vCPU and 16\.0 GiB/);
        assert.match(short.message, /NodePool general: categories c, m, r, no minimum instance-cpu, so nodes from 2 vCPU/);
    });

    it("passes m nodes of at least 4 vCPU when the limits hold the worst packing, and fails them a vCPU short", () => {
        // 3 pods fit a 4-vCPU m node (CPU 3500/1000, memory 13197/4096): each takes up 4/3 vCPU and 16/3 GiB.
        // 20 pods: 19 × 4/3 + 4 + 2.5 = 31.83 vCPU; 19 × 16/3 + 16 + 5 = 122.33 GiB.
        const needCpu = 19 * 4 / 3 + 4 + 2.5;
        const needGiB = 19 * 16 / 3 + 16 + 5;
        assert.deepEqual(run(nodeCapacityCheck, planOf({}, [...ceilings, nodePool(String(Math.ceil(needCpu)), `${Math.ceil(needGiB)}Gi`, ["m"], 4)])), []);
        const [short] = run(nodeCapacityCheck, planOf({}, [...ceilings, nodePool(String(Math.floor(needCpu)), "200Gi", ["m"], 4)]));
        assert.match(short.message, /not enough CPU: .*need 31\.8 vCPU/);
        assert.match(short.message, /NodePool general: categories m, instance-cpu from 4; spec\.limits cpu 31, memory 200Gi/);
        // The same limits fall short once c nodes are allowed: each pod may take up a whole 4-vCPU c node.
        assert.match(run(nodeCapacityCheck, planOf({}, [...ceilings, nodePool("32", "123Gi", ["c", "m"], 4)]))[0].message, /need 82\.5 vCPU/);
    });

    it("fails on a NodePool without limits, without categories, or with a category it has no figures for", () => {
        const unbounded = resource("kubernetes:karpenter.sh/v1:NodePool", "pool", { metadata: { name: "general" }, spec: {} });
        assert.match(run(nodeCapacityCheck, planOf({}, [...ceilings, unbounded]))[0].message, /NodePool general sets spec\.limits = null/);
        const anyFamily = resource("kubernetes:karpenter.sh/v1:NodePool", "pool", { metadata: { name: "general" }, spec: { limits: { cpu: "1000", memory: "4000Gi" } } });
        assert.match(run(nodeCapacityCheck, planOf({}, [...ceilings, anyFamily]))[0].message, /sets no instance-category In requirement/);
        assert.match(run(nodeCapacityCheck, planOf({}, [...ceilings, nodePool("1000", "4000Gi", ["x"])]))[0].message, /categories \["x"\]/);
        assert.match(run(nodeCapacityCheck, planOf({}, [...ceilings, nodeGroup({ desiredSize: 50 }, ["x9.huge"])]))[0].message, /instanceTypes = \["x9\.huge"\]/);
    });

    it("reads Kubernetes quantities", () => {
        assert.deepEqual([cpuMillicores("1000m"), cpuMillicores("2"), cpuMillicores("0.5")], [1000, 2000, 500]);
        assert.deepEqual([memoryMiB("4Gi"), memoryMiB("512Mi"), memoryMiB("1048576")], [4096, 512, 1]);
    });
});
