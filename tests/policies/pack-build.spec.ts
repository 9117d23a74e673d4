/**
 * The pack ships compiled (policies/bin, package.json `main`), and a rule edited since the build is
 * never judged by the stale build: the preview and the specs rebuild first.
 */
import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPack, ensurePackBuilt, packBuildIsCurrent, packSources } from "../../infra/analyzer/pack-build";
import { PACK_DIR } from "./harness/pack";

function scratchPack(): string {
    const dir = mkdtempSync(join(tmpdir(), "clinical-pack-build-"));
    mkdirSync(join(dir, "rules"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "scratch", version: "0.0.1", main: "bin/index.js" }));
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", strict: true }, include: ["index.ts", "rules/**/*.ts"] }));
    writeFileSync(join(dir, "index.ts"), 'import { limit } from "./rules/limit";\nexport const answer: number = limit;\n');
    writeFileSync(join(dir, "rules", "limit.ts"), "export const limit: number = 30;\n");
    return dir;
}

describe("the compiled policy pack", () => {
    it("is what the pack's package.json runs, built from exactly the files its tsconfig includes", () => {
        const manifest = JSON.parse(readFileSync(join(PACK_DIR, "package.json"), "utf8")) as { main: string };
        assert.equal(manifest.main, "bin/index.js");
        const sources = packSources(PACK_DIR);
        assert.ok(sources.includes("index.ts") && sources.some((file) => file.startsWith("rules/")) && sources.some((file) => file.startsWith("lib/")));
        assert.ok(!sources.some((file) => file.startsWith("scripts/") || file.startsWith("bin/")));
        ensurePackBuilt(PACK_DIR);
        assert.ok(packBuildIsCurrent(PACK_DIR));
    });

    it("is rebuilt when a rule changes, and only then", () => {
        const pack = scratchPack();
        assert.equal(packBuildIsCurrent(pack), false);
        ensurePackBuilt(pack);
        assert.equal(packBuildIsCurrent(pack), true);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        assert.equal((require(join(pack, "bin", "index.js")) as { answer: number }).answer, 30);

        writeFileSync(join(pack, "rules", "limit.ts"), "export const limit: number = 35;\n");
        assert.equal(packBuildIsCurrent(pack), false, "an edited rule makes the build stale");
        ensurePackBuilt(pack);
        assert.match(readFileSync(join(pack, "bin", "rules", "limit.js"), "utf8"), /35/);
        assert.equal(packBuildIsCurrent(pack), true);
    });

    it("writes a source map beside each file, so a failing rule's stack names its TypeScript line", () => {
        const pack = scratchPack();
        buildPack(pack);
        const compiled = readFileSync(join(pack, "bin", "rules", "limit.js"), "utf8");
        assert.match(compiled, /\/\/# sourceMappingURL=limit\.js\.map\n$/);
        const map = JSON.parse(readFileSync(join(pack, "bin", "rules", "limit.js.map"), "utf8")) as { sources: string[] };
        assert.deepEqual(map.sources, ["../../rules/limit.ts"]);
    });
});
