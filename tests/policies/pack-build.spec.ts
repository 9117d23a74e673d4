/**
 * The pack ships compiled: per-file modules (policies/bin) for the in-process analysis, and one
 * bundle (policies/dist/pack.js, package.json `main`) for the CLI. A rule edited since the build is
 * never judged by the stale build: the preview and the specs rebuild first.
 */
import { strict as assert } from "node:assert";
import { builtinModules } from "node:module";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildPack, ensurePackBuilt, packBuildIsCurrent, packSources } from "../../infra/analyzer/pack-build";
import { scratchDir } from "../harness/scratch";
import { PACK_DIR } from "./harness/pack";

function scratchPack(): string {
    const dir = scratchDir("clinical-pack-build-");
    mkdirSync(join(dir, "rules"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "scratch", version: "0.0.1", main: "bin/index.js" }));
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", strict: true }, include: ["index.ts", "rules/**/*.ts"] }));
    writeFileSync(join(dir, "index.ts"), 'import { limit } from "./rules/limit";\nexport const answer: number = limit;\n');
    writeFileSync(join(dir, "rules", "limit.ts"), "export const limit: number = 30;\n");
    return dir;
}

describe("the compiled policy pack", () => {
    it("is what the pack's package.json runs, built from exactly the files its tsconfig includes", async () => {
        const manifest = JSON.parse(readFileSync(join(PACK_DIR, "package.json"), "utf8")) as { main: string };
        assert.equal(manifest.main, "dist/pack.js");
        const sources = packSources(PACK_DIR);
        assert.ok(sources.includes("index.ts") && sources.some((file) => file.startsWith("rules/")) && sources.some((file) => file.startsWith("lib/")));
        assert.ok(!sources.some((file) => file.startsWith("scripts/") || file.startsWith("bin/") || file.startsWith("dist/")));
        await ensurePackBuilt(PACK_DIR, ["modules", "bundle"]);
        assert.ok(packBuildIsCurrent(PACK_DIR, "modules"));
        assert.ok(packBuildIsCurrent(PACK_DIR, "bundle"));
    });

    it("bundles the pack without the SDK's index or runtime, and everything else it loads", async () => {
        await ensurePackBuilt(PACK_DIR, ["bundle"]);
        const bundle = readFileSync(join(PACK_DIR, "dist", "pack.js"), "utf8");
        const required = [...bundle.matchAll(/\brequire\("([^"]+)"\)/g)].map(([, specifier]) => specifier);
        const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
        assert.deepEqual(required.filter((specifier) => !builtins.has(specifier)), [], "nothing is left to load from node_modules");
        assert.doesNotMatch(bundle, /node_modules\/typescript\//, "the TypeScript compiler is not in the bundle");
        assert.doesNotMatch(bundle, /node_modules\/@pulumi\/pulumi\/runtime\/rpc\.js/, "nor the SDK's runtime");
    });

    it("is rebuilt when a rule changes, and only then", async () => {
        const pack = scratchPack();
        assert.equal(packBuildIsCurrent(pack), false);
        await ensurePackBuilt(pack);
        assert.equal(packBuildIsCurrent(pack), true);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        assert.equal((require(join(pack, "bin", "index.js")) as { answer: number }).answer, 30);

        writeFileSync(join(pack, "rules", "limit.ts"), "export const limit: number = 35;\n");
        assert.equal(packBuildIsCurrent(pack), false, "an edited rule makes the build stale");
        await ensurePackBuilt(pack);
        assert.match(readFileSync(join(pack, "bin", "rules", "limit.js"), "utf8"), /35/);
        assert.equal(packBuildIsCurrent(pack), true);
    });

    it("writes a source map beside each file, so a failing rule's stack names its TypeScript line", async () => {
        const pack = scratchPack();
        await buildPack(pack);
        const compiled = readFileSync(join(pack, "bin", "rules", "limit.js"), "utf8");
        assert.match(compiled, /\/\/# sourceMappingURL=limit\.js\.map\n$/);
        const map = JSON.parse(readFileSync(join(pack, "bin", "rules", "limit.js.map"), "utf8")) as { sources: string[] };
        assert.deepEqual(map.sources, ["../../rules/limit.ts"]);
    });
});
