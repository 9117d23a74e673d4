import { strict as assert } from "assert";
import { StackDiff, diffPreviews } from "../../infra/offline/diff";
import { PreviewResult } from "../../infra/offline/preview";
import { STACKS, StackName, ofType, previewOf, previewWithEdit, single } from "../harness/stacks";
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
const TEST_LISTENER = "aws:lb/listener:Listener api-lb-test";

describe("a weight change, in every stack", () => {
    // Dev has never staged green: both splits give it the same image, so only the weights differ.
    const split = (stack: StackName, blue: number, green: number) => previewWithEdit(stack, (doc) => {
        setSlot(doc, "blue", { weight: blue });
        setSlot(doc, "green", { image: "registry.example.com/clinical-api:1.5.0", weight: green });
    });
    for (const stack of STACKS) {
        it(`in ${stack} alters the weighted listener's weights only, not the test listener that follows the candidate`, async () => {
            const [from, to, back] = await Promise.all([split(stack, 100, 0), split(stack, 75, 25), split(stack, 0, 100)]);
            assert.deepEqual(changes(from, to), [`${LISTENER}: ${WEIGHT_PATHS}`]);
            // All traffic on the candidate without a promote: still the weights alone; the test route stays on green.
            assert.deepEqual(changes(to, back), [`${LISTENER}: ${WEIGHT_PATHS}`]);
        });
    }
});

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

    it("leaves the automatic rollback (rule, function, role, secret, queue) untouched: it follows the stable slot, not the weights", async () => {
        const [from, to] = await Promise.all([canary, split(60, 40)]);
        const rollback = from.resources.filter((r) => isUnder(from.resources, r, "auto-rollback"));
        assert.ok(rollback.length >= 10, "the automatic rollback is registered in production");
        const changed = changes(from, to);
        assert.deepEqual(rollback.filter((r) => changed.some((line) => line.startsWith(`${r.type} ${r.name}`))).map((r) => r.name), []);
    });

    it("changes only the listener when a slot leaves weight 0, because slots are sized by role", async () => {
        const [committed, shifted] = await Promise.all([previewOf("production"), canary]);
        assert.equal(committed.config.app.slots.green.weight, 0);
        assert.deepEqual(changes(committed, shifted), [`${LISTENER}: ${WEIGHT_PATHS}`]);
        const rolledBack = await split(100, 0);
        assert.deepEqual(changes(shifted, rolledBack), [`${LISTENER}: ${WEIGHT_PATHS}`]);
    });

    it("resizes both slots, through their autoscalers' floors, and turns the test route to the new candidate, when a promotion swaps the stable slot", async () => {
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
        // The automatic rollback now watches blue's release alarms and returns traffic to green.
        const rollback = [
            "aws:cloudwatch/eventRule:EventRule auto-rollback: description, eventPattern",
            "aws:lambda/function:Function auto-rollback: description, " + ["ALARM_NAMES", "CANDIDATE_SLOT", "CANDIDATE_TARGET_GROUP_ARN", "STABLE_SLOT", "STABLE_TARGET_GROUP_ARN"]
                .map((name) => `environment.variables.${name}`).join(", "),
        ];
        // The migrations swap their order (the stable slot's runs first) and change nothing else: no
        // input of theirs changes, so neither runs again.
        const migration = / api-(blue|green)-migrate(-snapshot)?:/;
        assert.deepEqual(changes(committed, promoted).filter((line) => !migration.test(line)), [
            `${LISTENER}: ${WEIGHT_PATHS}`,
            // It now depends on the other target group, too.
            `${TEST_LISTENER}: defaultActions[0].targetGroupArn, dependencies`,
            ...scaled("blue"),
            ...scaled("green"),
            ...rollback,
        ].sort());
        const reordered = diffPreviews(committed.document, promoted.document).changed.filter((r) => migration.test(` ${r.name}:`));
        assert.deepEqual(reordered.map((r) => r.inputs), reordered.map(() => []));
        const groupOf = (preview: PreviewResult) => (single(preview.resources, "aws:lb/listener:Listener", "api-lb-test").inputs as Json).defaultActions[0].targetGroupArn;
        const weighted = (single(committed.resources, "aws:lb/listener:Listener", "api-lb-https").inputs as Json).defaultActions[0].forward.targetGroups.map((g: Json) => g.arn);
        assert.deepEqual([groupOf(committed), groupOf(promoted)], [weighted[1], weighted[0]], "green's group before, blue's after");
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

    it("changes only the settings ConfigMaps and, through the settings digest, the Deployments' pod templates when a setting changes", async () => {
        const [committed, quieter] = await Promise.all([
            previewOf("production"),
            previewWithEdit("production", (doc) => doc.setIn(["config", "clinical-platform:overrides", "application"], { logLevel: "warn" })),
        ]);
        assert.deepEqual(changes(committed, quieter), [
            "kubernetes:core/v1:ConfigMap api-blue-settings: data.LOG_LEVEL",
            "kubernetes:core/v1:ConfigMap api-green-settings: data.LOG_LEVEL",
            `${K8S.deployment} api-blue: spec.template.metadata.annotations.clinical-platform/settings-sha256`,
            `${K8S.deployment} api-green: spec.template.metadata.annotations.clinical-platform/settings-sha256`,
        ].sort());
        const logLevel = (preview: PreviewResult) =>
            (preview.document.resources.find((r) => r.name === "api-blue-settings")!.inputs as Json).data.LOG_LEVEL;
        assert.deepEqual([logLevel(committed), logLevel(quieter)], ["info", "warn"]);
    });

    it("adds only the Deployment, its autoscaler and its migration when an image is staged on a slot that never had one", async () => {
        const [committed, staged] = await Promise.all([
            previewOf("dev"),
            previewWithEdit("dev", (doc) => setSlot(doc, "green", { image: "registry.example.com/clinical-api:1.6.0" })),
        ]);
        const listeners = changes(committed, staged).filter((line) => line.startsWith("aws:lb/listener:Listener "));
        // Both listeners now also wait for the new release's migration; no input of theirs changes.
        assert.deepEqual(listeners.map((line) => line.split(":").slice(0, 3).join(":")), ["aws:lb/listener:Listener api-lb-https", "aws:lb/listener:Listener api-lb-test"]);
        for (const line of listeners) assert.match(line, /: (option dependsOn\[\d+\], )*dependencies$/, line);
        const [, stagedListener] = [committed, staged].map((preview) => single(preview.resources, "aws:lb/listener:Listener", "api-lb-https"));
        const job = single(staged.resources, "kubernetes:batch/v1:Job", "api-green-migrate");
        assert.ok(stagedListener.dependencies.includes(job.urn), "the weighted listener waits for the new release's migration");
        assert.deepEqual(changes(committed, staged).filter((line) => !listeners.includes(line)), [
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
