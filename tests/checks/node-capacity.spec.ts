import { strict as assert } from "assert";
import { cpuMillicores, memoryMiB, nodeCapacityCheck } from "../../infra/checks/node-capacity";
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

function nodePool(cpu: string, memory: string) {
    return resource("kubernetes:karpenter.sh/v1:NodePool", "pool", { metadata: { name: "general" }, spec: { limits: { cpu, memory } } });
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

    it("judges a NodePool by its limits: 24 vCPU fall short of 27.5, 28 vCPU and 106 GiB hold the ceilings", () => {
        const [short] = run(nodeCapacityCheck, planOf({}, [...ceilings, nodePool("24", "200Gi")]));
        assert.match(short.message, /not enough CPU: .*NodePool general: spec\.limits cpu 24, memory 200Gi/);
        assert.deepEqual(run(nodeCapacityCheck, planOf({}, [...ceilings, nodePool("28", "106Gi")])), []);
    });

    it("fails on a NodePool without limits and on an instance type it has no figures for", () => {
        const unbounded = resource("kubernetes:karpenter.sh/v1:NodePool", "pool", { metadata: { name: "general" }, spec: {} });
        assert.match(run(nodeCapacityCheck, planOf({}, [...ceilings, unbounded]))[0].message, /NodePool general sets spec\.limits = null/);
        assert.match(run(nodeCapacityCheck, planOf({}, [...ceilings, nodeGroup({ desiredSize: 50 }, ["x9.huge"])]))[0].message, /instanceTypes = \["x9\.huge"\]/);
    });

    it("reads Kubernetes quantities", () => {
        assert.deepEqual([cpuMillicores("1000m"), cpuMillicores("2"), cpuMillicores("0.5")], [1000, 2000, 500]);
        assert.deepEqual([memoryMiB("4Gi"), memoryMiB("512Mi"), memoryMiB("1048576")], [4096, 512, 1]);
    });
});
