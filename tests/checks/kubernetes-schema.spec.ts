import { strict as assert } from "assert";
import { LOAD_BALANCER_CONTROLLER_CHART } from "../../components/blue-green/controller";
import { SECRETS_STORE_CHART } from "../../components/cluster/secrets-store";
import { CRD_CHART_VERSIONS, kubernetesSchemaCheck } from "../../infra/checks/kubernetes-schema";
import { STACKS } from "../harness/stacks";
import { committedPlan, failuresOf, planOf, resource, secret, UNKNOWN } from "./schema-support";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const BINDING = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A Deployment the API server accepts; each case below breaks one thing in it. */
function deployment(edit: (d: Json) => void = () => undefined) {
    const labels = { app: "api" };
    const inputs: Json = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { namespace: "clinical-blue", labels },
        spec: {
            selector: { matchLabels: labels },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
            template: {
                metadata: { labels },
                spec: {
                    containers: [{
                        name: "api",
                        image: "registry.example.com/api:1.0.0",
                        ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
                        resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } },
                        env: [{ name: "DATABASE_PASSWORD", valueFrom: { secretKeyRef: { name: "api", key: "password" } } }],
                    }],
                },
            },
        },
    };
    edit(inputs);
    return resource(DEPLOYMENT, "api", inputs);
}

function binding(spec: Json) {
    return resource(BINDING, "api-blue", {
        apiVersion: "elbv2.k8s.aws/v1beta1",
        kind: "TargetGroupBinding",
        metadata: { name: "api", namespace: "clinical-blue" },
        spec,
    });
}

function release(chart: string, version: string) {
    return resource("kubernetes:helm.sh/v3:Release", chart, { chart, version, namespace: "kube-system" });
}

describe("the kubernetes-schema deploy check", () => {
    it("passes a valid Deployment, including one whose name the provider generates", () => {
        assert.deepEqual(failuresOf(kubernetesSchemaCheck, planOf([deployment()])), []);
    });

    it("fails an unknown field anywhere in a Deployment, naming the resource, the path and the fields allowed there", () => {
        const failures = failuresOf(kubernetesSchemaCheck, planOf([deployment((d) => { d.spec.template.spec.containers[0].imagePullPolicyy = "Always"; })]));
        assert.equal(failures.length, 1);
        assert.match(failures[0], /kubernetes:apps\/v1:Deployment "api": spec\.template\.spec\.containers\[0\]\.imagePullPolicyy: unknown field; the schema allows: .*imagePullPolicy,/);
        assert.match(failures[0], /Kubernetes 1\.34 schema/);
    });

    it("fails a missing required field", () => {
        const failures = failuresOf(kubernetesSchemaCheck, planOf([deployment((d) => { delete d.spec.selector; })]));
        assert.deepEqual(failures, ['kubernetes:apps/v1:Deployment "api": spec.selector: required field is missing (Kubernetes 1.34 schema)']);
    });

    it("fails a value of the wrong type, and a quantity Kubernetes cannot parse", () => {
        const failures = failuresOf(kubernetesSchemaCheck, planOf([deployment((d) => {
            const container = d.spec.template.spec.containers[0];
            container.ports[0].containerPort = "8080";
            container.resources.limits.memory = "1 GB";
        })]));
        assert.deepEqual(failures, [
            'kubernetes:apps/v1:Deployment "api": spec.template.spec.containers[0].ports[0].containerPort: expected integer, got string "8080" (Kubernetes 1.34 schema)',
            'kubernetes:apps/v1:Deployment "api": spec.template.spec.containers[0].resources.limits.memory: expected a Kubernetes quantity (e.g. "500m", "4Gi", 2), got string "1 GB" (Kubernetes 1.34 schema)',
        ]);
    });

    it("accepts values unknown until the update and checks secrets by the value they wrap", () => {
        const unknownImage = deployment((d) => {
            d.spec.template.spec.containers[0].image = UNKNOWN;
            d.spec.template.spec.containers[0].env[0] = { name: "TOKEN", value: secret("s3cr3t") };
            d.spec.template.metadata = UNKNOWN;
        });
        assert.deepEqual(failuresOf(kubernetesSchemaCheck, planOf([unknownImage])), []);
        const secretOfWrongType = deployment((d) => { d.spec.template.spec.containers[0].env[0] = { name: "TOKEN", value: secret(42) }; });
        assert.deepEqual(failuresOf(kubernetesSchemaCheck, planOf([secretOfWrongType])), [
            'kubernetes:apps/v1:Deployment "api": spec.template.spec.containers[0].env[0].value: expected string, got number 42 (Kubernetes 1.34 schema)',
        ]);
    });

    it("fails an object whose apiVersion or kind disagrees with its resource type", () => {
        const failures = failuresOf(kubernetesSchemaCheck, planOf([deployment((d) => { d.apiVersion = "apps/v1beta1"; })]));
        assert.deepEqual(failures, ['kubernetes:apps/v1:Deployment "api": apiVersion: expected "apps/v1", got "apps/v1beta1" (Kubernetes 1.34 schema)']);
    });

    it("judges a patch without requiring the fields the object it patches already has", () => {
        const patch = resource("kubernetes:apps/v1:DeploymentPatch", "api-patch", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api" }, spec: { paused: true } });
        assert.deepEqual(failuresOf(kubernetesSchemaCheck, planOf([patch])), []);
    });

    it("fails a custom resource of a kind no recorded CRD defines", () => {
        const widget = resource("kubernetes:example.com/v1:Widget", "widget", { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: {} });
        const [failure, ...rest] = failuresOf(kubernetesSchemaCheck, planOf([widget]));
        assert.deepEqual(rest, []);
        assert.match(failure, /^kubernetes:example\.com\/v1:Widget "widget": no Kubernetes 1\.34 built-in kind and no recorded CustomResourceDefinition defines example\.com\/v1 Widget/);
    });

    it("fails a built-in kind whose schema is not recorded instead of passing it unchecked", () => {
        const endpoints = resource("kubernetes:core/v1:Endpoints", "endpoints", { apiVersion: "v1", kind: "Endpoints", metadata: { name: "e" } });
        const [failure] = failuresOf(kubernetesSchemaCheck, planOf([endpoints]));
        assert.match(failure, /Kubernetes 1\.34 serves v1 Endpoints, but its schema is not recorded/);
    });

    it("validates a TargetGroupBinding against the load balancer controller's CRD: unknown fields, enums, required fields", () => {
        const valid = { serviceRef: { name: "api", port: 80 }, targetGroupARN: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/0123456789abcdef", targetType: "ip" };
        assert.deepEqual(failuresOf(kubernetesSchemaCheck, planOf([binding(valid)])), []);
        const failures = failuresOf(kubernetesSchemaCheck, planOf([binding({ serviceRef: { port: 80 }, targetGroupArn: valid.targetGroupARN, targetType: "pod" })]));
        const crd = `CRD from aws-load-balancer-controller ${CRD_CHART_VERSIONS["aws-load-balancer-controller"]}`;
        assert.equal(failures.length, 3, failures.join("\n"));
        assert.ok(failures.includes(`${BINDING} "api-blue": spec.serviceRef.name: required field is missing (${crd})`), failures.join("\n"));
        assert.ok(failures.some((f) => f.startsWith(`${BINDING} "api-blue": spec.targetGroupArn: unknown field; the schema allows: `) && f.includes("targetGroupARN")), failures.join("\n"));
        assert.ok(failures.includes(`${BINDING} "api-blue": spec.targetType: "pod" is not one of: "instance", "ip" (${crd})`), failures.join("\n"));
    });

    it("validates a custom resource's metadata as the API server does, as ObjectMeta", () => {
        const failures = failuresOf(kubernetesSchemaCheck, planOf([resource(BINDING, "api-blue", {
            apiVersion: "elbv2.k8s.aws/v1beta1", kind: "TargetGroupBinding",
            metadata: { name: "api", label: { a: "b" } },
            spec: { serviceRef: { name: "api", port: "http" } },
        })]));
        assert.equal(failures.length, 1);
        assert.match(failures[0], /"api-blue": metadata\.label: unknown field; the schema allows: .*labels/);
    });

    it("validates a SecretProviderClass against the Secrets Store CSI driver's CRD", () => {
        const spc = (spec: Json) => resource("kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass", "api-secrets", {
            apiVersion: "secrets-store.csi.x-k8s.io/v1", kind: "SecretProviderClass", metadata: { name: "api", namespace: "clinical-blue" }, spec,
        });
        const valid = { provider: "aws", parameters: { objects: "[]", usePodIdentity: "true" }, secretObjects: [{ secretName: "api", type: "Opaque", data: [{ objectName: "password", key: "password" }] }] };
        assert.deepEqual(failuresOf(kubernetesSchemaCheck, planOf([spc(valid)])), []);
        const failures = failuresOf(kubernetesSchemaCheck, planOf([spc({ ...valid, parameters: { objects: 1 }, rotationPollInterval: "1h" })]));
        assert.equal(failures.length, 2, failures.join("\n"));
        assert.match(failures.join("\n"), /spec\.parameters\.objects: expected string, got number 1/);
        assert.match(failures.join("\n"), /spec\.rotationPollInterval: unknown field/);
    });

    it("validates EKS Auto Mode's NodePool and NodeClass", () => {
        const nodePool = (requirements: Json[]) => resource("kubernetes:karpenter.sh/v1:NodePool", "general", {
            apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name: "general" },
            spec: {
                template: { spec: { nodeClassRef: { group: "eks.amazonaws.com", kind: "NodeClass", name: "private" }, requirements } },
                limits: { cpu: 64, memory: "256Gi" },
            },
        });
        const nodeClass = (spec: Json) => resource("kubernetes:eks.amazonaws.com/v1:NodeClass", "private", {
            apiVersion: "eks.amazonaws.com/v1", kind: "NodeClass", metadata: { name: "private" }, spec,
        });
        const valid = [
            nodePool([{ key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] }]),
            nodeClass({ role: "node-role", subnetSelectorTerms: [{ tags: { tier: "private" } }], ephemeralStorage: { size: "80Gi", kmsKeyID: "arn:aws:kms:us-east-1:123456789012:key/1" } }),
        ];
        assert.deepEqual(failuresOf(kubernetesSchemaCheck, planOf(valid)), []);
        const failures = failuresOf(kubernetesSchemaCheck, planOf([
            nodePool([{ key: "karpenter.sh/capacity-type", operator: "Equals", values: ["spot"] }]),
            nodeClass({ role: "node-role", ephemeralStorage: { sizeGiB: 80 } }),
        ]));
        assert.equal(failures.length, 2, failures.join("\n"));
        assert.match(failures[0], /NodePool "general": spec\.template\.spec\.requirements\[0\]\.operator: "Equals" is not one of: "Gte", "Lte", "In"/);
        assert.match(failures[1], /NodeClass "private": spec\.ephemeralStorage\.sizeGiB: unknown field; the schema allows: iops, kmsKeyID, size, throughput/);
    });

    it("fails, without crashing, for a cluster version it has no schema for", () => {
        const failures = failuresOf(kubernetesSchemaCheck, planOf([deployment()], "1.29"));
        assert.deepEqual(failures, ['cluster.version: no Kubernetes API schema is recorded for "1.29"; expected one of 1.32, 1.33, 1.34, 1.35 (add the minor with infra/checks/data/extract-schemas.ts), so 1 Kubernetes objects could not be checked']);
    });

    it("judges each object by its cluster's minor", () => {
        // resizePolicy on a container arrived in Kubernetes 1.27 and stays; restartPolicy on a regular container arrived in 1.34.
        const withRestartRules = deployment((d) => { d.spec.template.spec.containers[0].restartPolicyRules = [{ action: "Restart", exitCodes: { operator: "In", values: [42] } }]; });
        assert.equal(failuresOf(kubernetesSchemaCheck, planOf([withRestartRules], "1.33")).length, 1);
        assert.deepEqual(failuresOf(kubernetesSchemaCheck, planOf([withRestartRules], "1.34")), []);
    });

    it("fails a Helm release that installs a chart version other than the one its CRDs were recorded from", () => {
        const failures = failuresOf(kubernetesSchemaCheck, planOf([release("aws-load-balancer-controller", "1.14.0")]));
        assert.deepEqual(failures, [
            `kubernetes:helm.sh/v3:Release "aws-load-balancer-controller": version: installs chart aws-load-balancer-controller 1.14.0, but its custom resources are checked against the CRDs of aws-load-balancer-controller ${CRD_CHART_VERSIONS["aws-load-balancer-controller"]}; expected version "${CRD_CHART_VERSIONS["aws-load-balancer-controller"]}" (or re-extract the CRDs of the new version with infra/checks/data/extract-schemas.ts)`,
        ]);
    });

    it("records CRDs from the chart versions the program pins", () => {
        assert.equal(LOAD_BALANCER_CONTROLLER_CHART.version, CRD_CHART_VERSIONS[LOAD_BALANCER_CONTROLLER_CHART.chart]);
        assert.equal(SECRETS_STORE_CHART.version, CRD_CHART_VERSIONS[SECRETS_STORE_CHART.chart]);
    });

    for (const stack of STACKS) {
        for (const firstDeployment of [false, true]) {
            it(`passes every Kubernetes object ${stack} registers${firstDeployment ? " on a first deployment" : ""}`, async () => {
                assert.deepEqual(failuresOf(kubernetesSchemaCheck, await committedPlan(stack, { firstDeployment })), []);
            });
        }
    }
});
