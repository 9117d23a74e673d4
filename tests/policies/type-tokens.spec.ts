import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as tokens from "../../policies/lib/types";

/** "aws:rds/instance:Instance" → module "@pulumi/aws/rds/instance", export "Instance". */
function moduleOf(token: string): { module: string; exported: string } {
    const [provider, path, exported] = token.split(":");
    const modulePath = provider === "kubernetes" ? `${path}/${exported[0].toLowerCase()}${exported.slice(1)}` : path;
    return { module: `@pulumi/${provider}/${modulePath}`, exported };
}

const load = createRequire(__filename);
const allTokens = [...new Set(Object.values(tokens).flatMap((group) => Object.values(group).flat() as string[]))];

describe("the resource type tokens the pack matches", () => {
    it("are written once each in the token table; a group that needs another's token refers to it", () => {
        const source = readFileSync(path.join(__dirname, "..", "..", "policies", "lib", "types.ts"), "utf8");
        const written: string[] = source.match(/"(aws|kubernetes):[^"]+"/g) ?? [];
        assert.deepEqual(written.filter((token, index) => written.indexOf(token) !== index), []);
    });

    for (const token of allTokens) {
        it(`${token} is the type of a resource class in the installed provider SDK`, () => {
            const { module, exported } = moduleOf(token);
            const loaded = load(module) as Record<string, unknown>;
            const resourceClass = loaded[exported];
            assert.equal(typeof resourceClass, "function", `${module} exports no ${exported}`);
            assert.equal(Reflect.get(resourceClass as object, "__pulumiType"), token);
        });
    }
});
