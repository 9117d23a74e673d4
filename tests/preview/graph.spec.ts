import { strict as assert } from "assert";
import { renderGraph, toDot } from "../../infra/offline/graph";
import { STACKS, previewOf } from "../harness/stacks";

describe("the stack graph", () => {
    for (const stack of STACKS) {
        it(`draws every ${stack} resource inside its component, with its dependencies`, async () => {
            const { resources } = await previewOf(stack);
            const svg = await renderGraph(resources, `clinical-platform ${stack}`);
            assert.match(svg, /^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\s*$/);
            const nodes = svg.match(/class="node"/g) ?? [];
            assert.equal(nodes.length, resources.filter((r) => r.custom).length);
            const clusters = svg.match(/class="cluster"/g) ?? [];
            assert.equal(clusters.length, resources.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack").length);
            const db = resources.find((r) => r.type === "aws:rds/instance:Instance");
            const dot = toDot(resources, stack);
            assert.ok(db && db.propertyDependencies.kmsKeyId?.length === 1);
            const id = (urn: string) => `r${resources.findIndex((r) => r.urn === urn)}`;
            assert.ok(dot.includes(`${id(db.urn)} -> ${id(db.propertyDependencies.kmsKeyId[0])};`), "the database points at its key");
        });
    }
});
