/**
 * Regenerates taggable-types.json, the resource types the stack-tags transformation tags: every
 * resource of the installed @pulumi/aws whose `*Args` interface declares `tags` as a map of strings.
 * Not part of the program: run on a provider upgrade (tests/foundation/taggable-types.spec.ts fails
 * until the committed list matches the installed provider).
 *
 *   npx tsx components/stack-tags/extract.ts
 *
 * A `tags` input of another shape (autoscaling Group's list of {key, value, propagateAtLaunch}) is
 * left out: the transformation could not merge a map into it.
 */
import { readFileSync, readdirSync, writeFileSync } from "fs";
import * as path from "path";

/** The declaration of a map of tags, as the provider's generated `.d.ts` spells it. */
const MAP_TAGS = /^\s*tags\?: pulumi\.Input<\{\s*\[key: string\]: pulumi\.Input<string>;\s*\} \| undefined>;$/m;

export const TAGGABLE_TYPES_FILE = path.join(__dirname, "taggable-types.json");

export interface TaggableTypes {
    /** The @pulumi/aws version the list was read from. */
    provider: string;
    types: string[];
}

/** The taggable resource types of the installed @pulumi/aws, sorted. */
export function readTaggableTypes(): TaggableTypes {
    const root = path.dirname(require.resolve("@pulumi/aws/package.json"));
    const provider = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
    const types: string[] = [];
    for (const entry of readdirSync(root, { recursive: true, encoding: "utf8" })) {
        if (!entry.endsWith(".d.ts") || entry.startsWith("node_modules") || entry.startsWith("types")) continue;
        const declaration = readFileSync(path.join(root, entry), "utf8");
        const args = /^export interface (\w+)Args \{$([\s\S]*?)^\}$/m.exec(declaration);
        if (!args || !MAP_TAGS.test(args[2])) continue;
        const source = readFileSync(path.join(root, entry.replace(/\.d\.ts$/, ".js")), "utf8");
        const token = /static __pulumiType = '([^']+)';/.exec(source);
        if (token && source.includes(`class ${args[1]} extends`)) types.push(token[1]);
    }
    return { provider, types: [...new Set(types)].sort() };
}

if (require.main === module) {
    const found = readTaggableTypes();
    writeFileSync(TAGGABLE_TYPES_FILE, `${JSON.stringify(found, null, 1)}\n`);
    console.log(`${TAGGABLE_TYPES_FILE}: ${found.types.length} types from @pulumi/aws ${found.provider}`);
}
