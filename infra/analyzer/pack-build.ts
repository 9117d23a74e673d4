/**
 * The policy pack ships compiled: `policies/bin/` holds the JavaScript of the pack's sources (the
 * files its tsconfig.json includes), and package.json's `main` points there, so neither the Pulumi
 * CLI (whose run-policy-pack registers ts-node with type checking for `.ts` files) nor the offline
 * preview compiles or type-checks the rules per run. Type checking is `npm run typecheck`'s job.
 *
 *   npm run build:policies        (also run by `npm ci` / `npm install`, as the `prepare` script)
 *
 * A stamp beside the output records a digest of the sources it was built from; the preview and the
 * specs rebuild before starting the pack when the sources changed since (a fraction of a second),
 * so an edited rule is never judged by its stale build.
 */
import { createHash } from "crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "fs";
import * as path from "path";

/* eslint-disable-next-line @typescript-eslint/no-require-imports */
const esbuild = require("../offline/esbuild") as typeof import("esbuild");

export const PACK_OUT_DIR = "bin";
const STAMP = ".build-stamp.json";

interface PackTsconfig {
    compilerOptions: Record<string, unknown>;
    include: string[];
}

/** The pack's TypeScript sources, relative to the pack directory, from its tsconfig's `include`. */
export function packSources(packDir: string): string[] {
    const { include } = readTsconfig(packDir);
    const files = new Set<string>();
    for (const pattern of include) {
        const directory = pattern.match(/^(.*?)\/\*\*\/\*\.ts$/)?.[1];
        if (directory !== undefined) {
            for (const file of walk(path.join(packDir, directory))) files.add(path.relative(packDir, file));
        } else if (pattern.endsWith(".ts") && !pattern.includes("*")) {
            files.add(pattern);
        } else {
            throw new Error(`${path.join(packDir, "tsconfig.json")}: include pattern ${pattern} is neither a file nor <dir>/**/*.ts`);
        }
    }
    return [...files].sort();
}

function readTsconfig(packDir: string): PackTsconfig {
    return JSON.parse(readFileSync(path.join(packDir, "tsconfig.json"), "utf8")) as PackTsconfig;
}

function walk(directory: string): string[] {
    return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(directory, entry.name);
        if (entry.isDirectory()) return walk(full);
        return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
    });
}

/** Digest of the sources, the pack's tsconfig and the compiler version. */
function digestOf(packDir: string, sources: readonly string[]): string {
    const hash = createHash("sha256").update(`esbuild ${esbuild.version}\n`).update(readFileSync(path.join(packDir, "tsconfig.json")));
    for (const source of sources) hash.update(`\0${source}\0`).update(readFileSync(path.join(packDir, source)));
    return hash.digest("hex");
}

/** True when `bin/` was built from the sources as they are now. */
export function packBuildIsCurrent(packDir: string): boolean {
    const stamp = path.join(packDir, PACK_OUT_DIR, STAMP);
    if (!existsSync(stamp)) return false;
    const { digest } = JSON.parse(readFileSync(stamp, "utf8")) as { digest?: string };
    return digest === digestOf(packDir, packSources(packDir));
}

/** Compiles the pack's sources into `bin/` (replacing it whole), one JavaScript file and source map each. */
export function buildPack(packDir: string): { files: number } {
    const sources = packSources(packDir);
    const { compilerOptions } = readTsconfig(packDir);
    const out = path.join(packDir, PACK_OUT_DIR);
    const staging = `${out}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    for (const source of sources) {
        const target = path.join(staging, source.replace(/\.ts$/, ".js"));
        const { code, map } = esbuild.transformSync(readFileSync(path.join(packDir, source), "utf8"), {
            loader: "ts",
            format: "cjs",
            target: "node20",
            sourcemap: "external",
            sourcefile: path.relative(path.dirname(target), path.join(packDir, source)),
            tsconfigRaw: { compilerOptions },
        });
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, `${code}//# sourceMappingURL=${path.basename(target)}.map\n`);
        writeFileSync(`${target}.map`, map);
    }
    writeFileSync(path.join(staging, STAMP), `${JSON.stringify({ digest: digestOf(packDir, sources), sources: sources.length }, null, 2)}\n`);
    rmSync(out, { recursive: true, force: true });
    renameSync(staging, out);
    return { files: sources.length };
}

/**
 * Builds the pack unless `bin/` is current; says so on stderr when it builds. A pack whose
 * package.json `main` is not in `bin/` (one the CLI runs from TypeScript) is left as it is.
 */
export function ensurePackBuilt(packDir: string): void {
    const { main } = JSON.parse(readFileSync(path.join(packDir, "package.json"), "utf8")) as { main?: string };
    if (!path.normalize(main ?? "").startsWith(`${PACK_OUT_DIR}${path.sep}`)) return;
    if (packBuildIsCurrent(packDir)) return;
    const { files } = buildPack(packDir);
    process.stderr.write(`Compiled the policy pack (${files} files) to ${path.join(path.relative(process.cwd(), packDir) || ".", PACK_OUT_DIR)}/.\n`);
}

if (require.main === module) {
    const packDir = path.resolve(process.argv[2] ?? path.join(__dirname, "..", "..", "policies"));
    const { files } = buildPack(packDir);
    console.log(`Compiled ${files} files of the policy pack to ${path.relative(process.cwd(), path.join(packDir, PACK_OUT_DIR))}/.`);
}
