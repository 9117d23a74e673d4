import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { TAGGABLE_TYPES_FILE, readTaggableTypes } from "../../components/stack-tags/extract";
import { takesStackTags, withStackTags } from "../../components/stack-tags";
import { STACKS, previewOf } from "../harness/stacks";

describe("the stack tags", () => {
    it("are applied to the types the installed provider declares a map of tags on (rerun components/stack-tags/extract.ts after an upgrade)", () => {
        const committed = JSON.parse(readFileSync(TAGGABLE_TYPES_FILE, "utf8")) as unknown;
        assert.deepEqual(committed, readTaggableTypes());
    });

    it("leave out a tags input that is not a map, and the resources that take no tags", () => {
        // @pulumi/aws 7.48.0 autoscaling/group.d.ts: `tags` is a list of GroupTag (checked 2026-12-01).
        assert.equal(takesStackTags("aws:autoscaling/group:Group"), false);
        assert.equal(takesStackTags("aws:iam/rolePolicy:RolePolicy"), false);
        assert.equal(takesStackTags("aws:s3/bucket:Bucket"), true);
    });

    it("let a resource's own tag win over the stack's", () => {
        assert.deepEqual(withStackTags({ Environment: "dev", Purpose: "stack" }, { Purpose: "logs" }), { Environment: "dev", Purpose: "logs" });
        assert.deepEqual(withStackTags({ Environment: "dev" }, undefined), { Environment: "dev" });
    });

    for (const stack of STACKS) {
        it(`are on every taggable AWS resource of ${stack}, as its own tags input the policy pack reads`, async () => {
            const { resources, config } = await previewOf(stack);
            const taggable = resources.filter((r) => takesStackTags(r.type));
            assert.ok(taggable.length > 100, `${taggable.length} taggable resources`);
            for (const resource of taggable) {
                const tags = resource.inputs.tags as Record<string, string> | undefined;
                for (const [key, value] of Object.entries(config.tags)) {
                    assert.equal(tags?.[key], value, `${resource.urn} tag ${key}`);
                }
            }
        });
    }
});
