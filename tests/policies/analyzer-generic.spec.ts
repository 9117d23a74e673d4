/**
 * The analyzer client speaks the protocol for any pack: it knows nothing of this pack's encoding of
 * citations in tags or of exemptions in not-applicable reasons. Those are decoded by the preview
 * (infra/offline/pack-metadata.ts). This reads every import of infra/analyzer/ and requires that
 * none reaches into policies/.
 */
import { strict as assert } from "node:assert";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ANALYZER_DIR = join(__dirname, "..", "..", "infra", "analyzer");
const POLICIES_DIR = join(__dirname, "..", "..", "policies");

/** Every module specifier in a file: static and type imports, re-exports, `import()` and `require()`. */
function specifiersIn(source: string): string[] {
    const patterns = [/\b(?:import|export)\b[^;'"]*?\bfrom\s*["']([^"']+)["']/g, /\bimport\s*["']([^"']+)["']/g, /\b(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/g];
    return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]));
}

describe("the analyzer client (infra/analyzer/)", () => {
    const files = readdirSync(ANALYZER_DIR).filter((file) => /\.[cm]?[jt]s$/.test(file));

    it("is read whole: every module is found and has imports", () => {
        assert.ok(files.includes("session.ts") && files.includes("analyzer-client.ts"), files.join(", "));
        assert.ok(specifiersIn(readFileSync(join(ANALYZER_DIR, "session.ts"), "utf8")).length > 5);
    });

    it("imports nothing from policies/", () => {
        const reaching = files.flatMap((file) =>
            specifiersIn(readFileSync(join(ANALYZER_DIR, file), "utf8"))
                .filter((specifier) => specifier.startsWith("."))
                .filter((specifier) => !relative(POLICIES_DIR, resolve(dirname(join(ANALYZER_DIR, file)), specifier)).startsWith(".."))
                .map((specifier) => `${file}: ${specifier}`),
        );
        assert.deepEqual(reaching, []);
    });
});
