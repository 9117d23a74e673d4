import { strict as assert } from "assert";
import { StackDiff, diffPreviews } from "../../infra/offline/diff";
import { PreviewResult } from "../../infra/offline/preview";
import { STACKS, ofType, previewOf, previewWithEdit, single } from "../harness/stacks";
import { Json, K8S, dependencyClosure, isUnder, setSlot } from "./support";

/** Each changed resource as `type name: path, path`, added and removed ones marked, sorted. */
function summary(diff: StackDiff): string[] {
    return [
        ...diff.added.map((r) => `+ ${r.type} ${r.name}`),
        ...diff.removed.map((r) => `- ${r.type} ${r.name}`),
        ...diff.changed.map((r) => `${r.type} ${r.name}: ${[
            ...r.inputs.map((c) => c.path),
            ...r.options.map((c) => `option ${c.path}`),
            ...(r.dependenciesChanged ? ["dependencies"] : []),
        ].join(", ")}`),
    ].sort();
}

const changes = (before: PreviewResult, after: PreviewResult) => summary(diffPreviews(before.document, after.document));
const LISTENER = "aws:lb/listener:Listener api-lb-https";
const WEIGHT_PATHS = "defaultActions[0].forward.targetGroups[0].weight, defaultActions[0].forward.targetGroups[1].weight";

describe("a traffic or image change", () => {
    // Production as committed sends everything to blue; these two splits keep both slots weighted.
    const split = (blue: number, green: number) => previewWithEdit("production", (doc) => {
        setSlot(doc, "blue", { weight: blue });
        setSlot(doc, "green", { weight: green });
    });
    let canary: Promise<PreviewResult>;
    before(() => {
        canary = split(90, 10);
    });

    it("changes the weights of the HTTPS listener and nothing else while both slots keep traffic", async () => {
        const [from, to] = await Promise.all([canary, split(60, 40)]);
        assert.deepEqual(changes(from, to), [`${LISTENER}: ${WEIGHT_PATHS}`]);
    });

    it("changes only the listener when a slot leaves weight 0, because slots are sized by role", async () => {
        const [committed, shifted] = await Promise.all([previewOf("production"), canary]);
        assert.equal(committed.config.app.slots.green.weight, 0);
        assert.deepEqual(changes(committed, shifted), [`${LISTENER}: ${WEIGHT_PATHS}`]);
        const rolledBack = await split(100, 0);
        assert.deepEqual(changes(shifted, rolledBack), [`${LISTENER}: ${WEIGHT_PATHS}`]);
    });

    it("resizes both slots, through their autoscalers' floors, when a promotion swaps the stable slot", async () => {
        const [committed, promoted] = await Promise.all([
            previewOf("production"),
            previewWithEdit("production", (doc) => {
                setSlot(doc, "blue", { weight: 0 });
                setSlot(doc, "green", { weight: 100 });
                doc.setIn(["config", "clinical-platform:app", "stableSlot"], "green");
            }),
        ]);
        const scaled = (slot: string) => [
            // The Deployment keeps no replica count of its own: the autoscaler owns it.
            `${K8S.deployment} api-${slot}: metadata.annotations.clinical-platform/capacity`,
            `kubernetes:autoscaling/v2:HorizontalPodAutoscaler api-${slot}: spec.minReplicas`,
        ];
        // The migrations swap their order (the stable slot's runs first) and change nothing else: no
        // input of theirs changes, so neither runs again.
        const migration = / api-(blue|green)-migrate(-snapshot)?:/;
        assert.deepEqual(changes(committed, promoted).filter((line) => !migration.test(line)), [`${LISTENER}: ${WEIGHT_PATHS}`, ...scaled("blue"), ...scaled("green")].sort());
        const reordered = diffPreviews(committed.document, promoted.document).changed.filter((r) => migration.test(` ${r.name}:`));
        assert.deepEqual(reordered.map((r) => r.inputs), reordered.map(() => []));
    });

    it("changes only that slot's Deployment, its migration Job and, in production, the snapshot before it when a slot's image changes", async () => {
        const [committed, restaged] = await Promise.all([
            previewOf("production"),
            previewWithEdit("production", (doc) => setSlot(doc, "green", { image: "registry.example.com/clinical-api:1.5.1" })),
        ]);
        assert.deepEqual(changes(committed, restaged), [
            "aws:rds/snapshot:Snapshot api-green-migrate-snapshot: dbSnapshotIdentifier, tags.clinical-platform:release",
            `${K8S.deployment} api-green: spec.template.spec.containers[0].image`,
            "kubernetes:batch/v1:Job api-green-migrate: metadata.annotations.clinical-platform/release, metadata.name, spec.template.spec.containers[0].image",
        ]);
    });

    it("adds only the Deployment, its autoscaler and its migration when an image is staged on a slot that never had one", async () => {
        const [committed, staged] = await Promise.all([
            previewOf("dev"),
            previewWithEdit("dev", (doc) => setSlot(doc, "green", { image: "registry.example.com/clinical-api:1.6.0" })),
        ]);
        assert.deepEqual(changes(committed, staged), [
            "+ aws:eks/podIdentityAssociation:PodIdentityAssociation api-green-migrate",
            "+ clinical-platform:blue-green:Migration api-green-migrate",
            `+ ${K8S.deployment} api-green`,
            "+ kubernetes:autoscaling/v2:HorizontalPodAutoscaler api-green",
            "+ kubernetes:batch/v1:Job api-green-migrate",
            "+ kubernetes:core/v1:ServiceAccount api-green-migrate",
            "+ kubernetes:networking.k8s.io/v1:NetworkPolicy api-green-migrate",
        ]);
    });
});

describe("a first deployment", () => {
    it("registers the same resources, leaving what AWS has not assigned yet unknown", async () => {
        const [existing, first] = await Promise.all([previewOf("production"), previewOf("production", { firstDeployment: true })]);
        assert.deepEqual(first.resources.map((r) => r.urn).sort(), existing.resources.map((r) => r.urn).sort());
        const rule = first.document.resources.find((r) => r.name === "edge-vpc-origin-443")!;
        assert.equal(rule.inputs.referencedSecurityGroupId, "[unknown]");
        const listener = first.document.resources.find((r) => r.name === "api-lb-https")!;
        assert.deepEqual((listener.inputs as Json).defaultActions[0].forward.targetGroups.map((g: Json) => g.weight), [100, 0]);
    });
});

describe("the stateful resources", () => {
    for (const stack of STACKS) {
        it(`in ${stack} depend on nothing of the cluster, the slots, the edge or the alarms`, async () => {
            const { resources } = await previewOf(stack);
            const compute = new Set(resources.filter((r) => ["cluster", "api", "edge", "alarms"].some((c) => isUnder(resources, r, c))).map((r) => r.urn));
            const stateful = [
                ...ofType(resources, "aws:kms/key:Key"),
                ...ofType(resources, "aws:s3/bucket:Bucket"),
                ...ofType(resources, "aws:rds/instance:Instance"),
                ...ofType(resources, "aws:secretsmanager/secret:Secret"),
            ];
            assert.ok(stateful.length >= 10);
            for (const resource of stateful) {
                const reached = [...dependencyClosure(resources, resource)].filter((urn) => urn !== resource.urn && compute.has(urn));
                assert.deepEqual(reached, [], `${resource.type} ${resource.name}`);
            }
        });
    }

    it("let the assets bucket policy wait for the distribution, but never for the listener or a slot", async () => {
        const { resources } = await previewOf("production");
        const policy = ofType(resources, "aws:s3/bucketPolicy:BucketPolicy").find((p) => p.name === "storage-assets")!;
        const reached = dependencyClosure(resources, policy);
        assert.ok(reached.has(single(resources, "aws:cloudfront/distribution:Distribution").urn));
        const slotSide = resources.filter((r) => r.type.startsWith("kubernetes:") || r.type === "aws:lb/listener:Listener" || r.type === "aws:eks/cluster:Cluster");
        assert.ok(slotSide.length > 10);
        assert.deepEqual(slotSide.filter((r) => reached.has(r.urn)).map((r) => r.name), []);
    });
});
