import { strict as assert } from "assert";
import { diffPreviews, formatDiff } from "../../infra/offline/diff";
import { STACKS, previewOf, previewWithEdit } from "../harness/stacks";

describe("the preview diff", () => {
    for (const stack of STACKS) {
        describe(`in ${stack}`, () => {
            it("finds nothing between two evaluations of the same settings", async () => {
                const [a, b] = await Promise.all([previewOf(stack), previewWithEdit(stack, () => undefined)]);
                assert.deepEqual(diffPreviews(a.document, b.document), { stack, added: [], removed: [], changed: [] });
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
