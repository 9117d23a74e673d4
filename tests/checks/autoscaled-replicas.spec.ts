import { strict as assert } from "assert";
import { autoscaledReplicasCheck } from "../../infra/checks/autoscaled-replicas";
import { planOf, resource, run } from "./plans";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";

function deployment(name: string, namespace: string, spec: Record<string, unknown>) {
    return resource(DEPLOYMENT, `${namespace}-${name}`, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace }, spec });
}

function autoscaler(target: string, namespace: string, kind = "Deployment") {
    return resource(HPA, `${namespace}-${target}-hpa`, {
        metadata: { name: target, namespace },
        spec: { minReplicas: 2, maxReplicas: 10, scaleTargetRef: { apiVersion: "apps/v1", kind, name: target } },
    });
}

describe("the autoscaled-replicas deploy check", () => {
    it("fails on a Deployment an autoscaler targets that sets spec.replicas, naming the Deployment, the field and the value", () => {
        const failures = run(autoscaledReplicasCheck, planOf({}, [deployment("api", "blue", { replicas: 5 }), autoscaler("api", "blue")]));
        assert.equal(failures.length, 1);
        assert.match(failures[0].urn, /Deployment::blue-api$/);
        assert.match(failures[0].message, /Deployment blue\/api sets spec\.replicas = 5, but HorizontalPodAutoscaler blue-api-hpa scales it/);
    });

    it("passes when the autoscaled Deployment leaves spec.replicas unset", () => {
        assert.deepEqual(run(autoscaledReplicasCheck, planOf({}, [deployment("api", "blue", {}), autoscaler("api", "blue")])), []);
    });

    it("leaves alone a Deployment no autoscaler targets, in its namespace or by its kind", () => {
        const plan = planOf({}, [deployment("api", "blue", { replicas: 3 }), autoscaler("api", "green"), autoscaler("api", "blue", "StatefulSet")]);
        assert.deepEqual(run(autoscaledReplicasCheck, plan), []);
    });
});
