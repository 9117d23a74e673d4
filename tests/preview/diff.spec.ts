import { strict as assert } from "assert";
import { diffPreviews, formatDiff } from "../../infra/offline/diff";
import { STACKS, previewOf, previewWithEdit } from "../harness/stacks";
import { setSlot } from "../compute/support";

const CANDIDATE_IMAGE = "registry.example.com/clinical-api:1.6.0";

describe("the preview diff", () => {
    for (const stack of STACKS) {
        describe(`in ${stack}`, () => {
            let staged: ReturnType<typeof previewWithEdit> | undefined;
            const withGreenStaged = () => (staged ??= previewWithEdit(stack, (doc) => setSlot(doc, "green", { image: CANDIDATE_IMAGE })));

            it("finds nothing between two evaluations of the same settings", async () => {
                const [a, b] = await Promise.all([previewOf(stack), previewWithEdit(stack, () => undefined)]);
                assert.deepEqual(diffPreviews(a.document, b.document), { stack, added: [], removed: [], changed: [] });
            });

            it("shows a weight shift as exactly one changed resource, the HTTPS listener's weights", async () => {
                // Green staged at weight 0, then given 10 %: every stack starts from the same place.
                const shifted = await previewWithEdit(stack, (doc) => {
                    setSlot(doc, "green", { image: CANDIDATE_IMAGE, weight: 10 });
                    setSlot(doc, "blue", { weight: 90 });
                });
                const diff = diffPreviews((await withGreenStaged()).document, shifted.document);
                assert.deepEqual([diff.added, diff.removed], [[], []]);
                assert.deepEqual(diff.changed.map((r) => `${r.type} ${r.name}`), ["aws:lb/listener:Listener api-lb-https"]);
                assert.deepEqual(diff.changed[0].inputs.map((c) => [c.path, c.before, c.after]), [
                    ["defaultActions[0].forward.targetGroups[0].weight", 100, 90],
                    ["defaultActions[0].forward.targetGroups[1].weight", 0, 10],
                ]);
            });

            it("shows an image stage as a change to the candidate slot's Kubernetes objects and its release migration only", async () => {
                const before = await previewOf(stack);
                const diff = diffPreviews(before.document, (await withGreenStaged()).document);
                // A slot's first release adds a migration the listeners then also wait for: a dependency, no input.
                const dependencyOnly = diff.changed.filter((r) => r.type === "aws:lb/listener:Listener" && r.inputs.length === 0);
                const touched = [...diff.added, ...diff.changed.filter((r) => !dependencyOnly.includes(r))].map((r) => r.urn);
                assert.ok(touched.length > 0);
                const slotObject = (urn: string) => urn.includes("clinical-platform:blue-green:Slot$kubernetes:") && urn.endsWith("::api-green");
                // The migration Job of the release (and in production the snapshot before it) comes with it.
                const migration = (urn: string) => urn.includes("clinical-platform:blue-green:Migration") && /::api-green-migrate(-snapshot)?$/.test(urn);
                assert.ok(touched.every((urn) => slotObject(urn) || migration(urn)), touched.join("\n"));
                assert.deepEqual(diff.removed, []);
                if (before.config.app.slots.green.image) {
                    assert.deepEqual(diff.changed.filter((r) => slotObject(r.urn)).flatMap((r) => r.inputs.map((c) => c.path)), ["spec.template.spec.containers[0].image"]);
                    assert.ok(diff.changed.some((r) => r.type === "kubernetes:batch/v1:Job" && r.inputs.some((c) => c.path === "metadata.name")), "a new release runs a new Job");
                } else {
                    assert.deepEqual(diff.added.filter((r) => slotObject(r.urn)).map((r) => r.type).sort(), ["kubernetes:apps/v1:Deployment", "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"]);
                    assert.ok(diff.added.some((r) => r.type === "kubernetes:batch/v1:Job"), "the first release runs its migration");
                }
            });

            it("shows an added zone as added subnets and the resources that now span it", async () => {
                const before = await previewOf(stack);
                const zones = before.config.network.azCount + 1;
                const after = await previewWithEdit(stack, (doc) => doc.setIn(["config", "clinical-platform:overrides", "network"], { azCount: zones }));
                const diff = diffPreviews(before.document, after.document);
                const addedSubnets = diff.added.filter((r) => r.type === "aws:ec2/subnet:Subnet").map((r) => r.name).sort();
                assert.deepEqual(addedSubnets, [`network-isolated-${zones}`, `network-private-${zones}`, `network-public-${zones}`]);
                assert.deepEqual(diff.removed, []);
                const subnetGroup = diff.changed.find((r) => r.type === "aws:rds/subnetGroup:SubnetGroup");
                assert.deepEqual(subnetGroup?.inputs.map((c) => c.path), [`subnetIds[${zones - 1}]`]);
                assert.ok(diff.changed.every((r) => r.type !== "aws:rds/instance:Instance"), "the database itself does not change");
                const text = formatDiff(diff, "before.json");
                assert.match(text, new RegExp(`\\+ aws:ec2/subnet:Subnet  network-private-${zones}`));
                assert.match(text, /decided by the provider at `pulumi up`/);
            });
        });
    }
});
