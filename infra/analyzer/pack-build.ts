/**
 * The policy pack ships compiled, so that neither the Pulumi CLI (whose run-policy-pack registers
 * ts-node with type checking for `.ts` files) nor the offline preview compiles or type-checks the
 * rules per run. Type checking is `npm run typecheck`'s job. Two outputs, each replaced whole:
 *
 *  - `bin/`: one JavaScript file (and source map) per source the pack's tsconfig includes. The
 *    offline preview loads the pack from here in its own process, next to the SDK it already has.
 *  - `dist/pack.js`: the pack as one file, @pulumi/policy, gRPC and the protocol stubs included,
 *    with two small modules in place of `@pulumi/pulumi` and its `runtime/rpc` (policies/runtime/),
 *    so it is ready in a fraction of the time the whole SDK takes to load. It is what the CLI runs:
 *    the pack's package.json `main` (`--policy-pack policies`) and the executable `analyzer.js`
 *    (`--policy-pack <absolute path>/policies/analyzer.js`).
 *
 *   npm run build:policies        (also run by `npm ci` / `npm install`, as the `prepare` script)
 *
 * A stamp in each output records a digest of the sources it was built from; the preview and the
 * specs rebuild first when the sources changed since (a fraction of a second), and the pack's
 * analyzer.js refuses to start a stale bundle, so an edited rule is never judged by its stale build.
 */
import { createHash } from "crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "fs";
import * as path from "path";

// esbuild is loaded only to build; checking a build's stamp needs its version alone.
/* eslint-disable-next-line @typescript-eslint/no-require-imports */
const installedEsbuild = require("../offline/esbuild") as { load(): typeof import("esbuild"); version(): string };

/**
 * The stamp each output carries. A pack may check it itself before it starts (the clinical pack's
 * analyzer.js does): `digest` is the SHA-256 of tsconfig.json, then of each of `sources` in order as
 * `\0<path>\0<content>`.
 */
export const STAMP_FILE = ".build-stamp.json";

function sourcesDigest(packDir: string, sources: readonly string[]): string {
    const hash = createHash("sha256").update(readFileSync(path.join(packDir, "tsconfig.json")));
    for (const source of sources) hash.update(`\0${source}\0`).update(readFileSync(path.join(packDir, source)));
    return hash.digest("hex");
}

/** Per-file output, loaded in-process. */
export const PACK_OUT_DIR = "bin";
/** Its entry: the pack's index.ts compiled. */
export const PACK_MODULES_ENTRY = "bin/index.js";
/** The bundle the CLI runs. */
export const PACK_BUNDLE_DIR = "dist";
export const PACK_BUNDLE = "dist/pack.js";

/** The SDK modules the bundle replaces, and what with (see policies/runtime/, checked by infra/sdk-adapter.ts). */
const BUNDLE_SUBSTITUTES: Record<string, string> = {
    "@pulumi/pulumi": "runtime/pulumi-sdk.ts",
    "@pulumi/pulumi/runtime/rpc": "runtime/rpc-signatures.ts",
};

export type PackOutput = "modules" | "bundle";

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

const outDir = (output: PackOutput) => (output === "modules" ? PACK_OUT_DIR : PACK_BUNDLE_DIR);

/** What an output built now would record: the sources, their digest, and the compiler. */
interface BuildStamp {
    compiler: string;
    sources: readonly string[];
    digest: string;
}

function currentStamp(packDir: string): BuildStamp {
    const sources = packSources(packDir);
    return { compiler: `esbuild ${installedEsbuild.version()}`, sources, digest: sourcesDigest(packDir, sources) };
}

function stampMatches(packDir: string, output: PackOutput, current: BuildStamp): boolean {
    const stampPath = path.join(packDir, outDir(output), STAMP_FILE);
    if (!existsSync(stampPath)) return false;
    const stamp = JSON.parse(readFileSync(stampPath, "utf8")) as Partial<BuildStamp>;
    return stamp.compiler === current.compiler && stamp.digest === current.digest;
}

/** True when the output was built, by this compiler, from the sources as they are now. */
export function packBuildIsCurrent(packDir: string, output: PackOutput = "modules"): boolean {
    return stampMatches(packDir, output, currentStamp(packDir));
}

/** Writes an output into a staging directory, stamps it, then swaps it in whole. */
async function replaceOutput(packDir: string, output: PackOutput, stamp: BuildStamp, write: (staging: string) => Promise<void> | void): Promise<void> {
    const out = path.join(packDir, outDir(output));
    const staging = `${out}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    try {
        await write(staging);
        writeFileSync(path.join(staging, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
    } catch (error) {
        rmSync(staging, { recursive: true, force: true });
        throw error;
    }
    rmSync(out, { recursive: true, force: true });
    renameSync(staging, out);
}

/** Compiles the pack's sources into `bin/`, one JavaScript file and source map each. */
function buildModules(packDir: string, sources: readonly string[], staging: string): void {
    const { compilerOptions } = readTsconfig(packDir);
    const esbuild = installedEsbuild.load();
    for (const source of sources) {
        const target = path.join(staging, source.replace(/\.ts$/, ".js"));
        const { code, map } = esbuild.transformSync(readFileSync(path.join(packDir, source), "utf8"), {
            loader: "ts",
            format: "cjs",
            target: "node20",
            sourcemap: "external",
            sourcefile: path.relative(path.dirname(path.join(packDir, PACK_OUT_DIR, source)), path.join(packDir, source)),
            tsconfigRaw: { compilerOptions },
        });
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, `${code}//# sourceMappingURL=${path.basename(target)}.map\n`);
        writeFileSync(`${target}.map`, map);
    }
}

/** Bundles index.ts with everything it loads into `dist/pack.js`. */
async function buildBundle(packDir: string, staging: string): Promise<void> {
    const substitutes = Object.entries(BUNDLE_SUBSTITUTES).map(([specifier, file]) => ({ specifier, file: path.join(packDir, file) }));
    const present = substitutes.filter(({ file }) => existsSync(file));
    await installedEsbuild.load().build({
        entryPoints: [path.join(packDir, "index.ts")],
        absWorkingDir: packDir,
        outfile: path.join(staging, path.basename(PACK_BUNDLE)),
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node20",
        sourcemap: "external",
        tsconfigRaw: { compilerOptions: readTsconfig(packDir).compilerOptions },
        logLevel: "silent",
        plugins: [{
            name: "pack-sdk-substitutes",
            setup(build) {
                for (const { specifier, file } of present) {
                    const filter = new RegExp(`^${specifier.replace(/[/.]/g, "\\$&")}$`);
                    build.onResolve({ filter }, () => ({ path: file }));
                }
            },
        }],
    });
}

/** Builds the outputs asked for (both by default), each replaced whole. */
export async function buildPack(packDir: string, outputs: readonly PackOutput[] = ["modules", "bundle"], stamp = currentStamp(packDir)): Promise<{ files: number }> {
    if (outputs.includes("modules")) await replaceOutput(packDir, "modules", stamp, (staging) => buildModules(packDir, stamp.sources, staging));
    if (outputs.includes("bundle")) await replaceOutput(packDir, "bundle", stamp, (staging) => buildBundle(packDir, staging));
    return { files: stamp.sources.length };
}

/**
 * Builds each output asked for unless it is current; says so on stderr when it builds. A pack whose
 * package.json `main` is not one of these outputs (one the CLI runs from TypeScript) is left as it is.
 */
export async function ensurePackBuilt(packDir: string, outputs: readonly PackOutput[] = ["modules"]): Promise<void> {
    const { main } = JSON.parse(readFileSync(path.join(packDir, "package.json"), "utf8")) as { main?: string };
    const normalized = path.normalize(main ?? "");
    if (![PACK_OUT_DIR, PACK_BUNDLE_DIR].some((dir) => normalized.startsWith(`${dir}${path.sep}`))) return;
    const current = currentStamp(packDir);
    const stale = outputs.filter((output) => !stampMatches(packDir, output, current));
    if (stale.length === 0) return;
    const { files } = await buildPack(packDir, stale, current);
    const where = stale.map((output) => `${path.join(path.relative(process.cwd(), packDir) || ".", outDir(output))}/`).join(" and ");
    process.stderr.write(`Compiled the policy pack (${files} files) to ${where}.\n`);
}

if (require.main === module) {
    const packDir = path.resolve(process.argv[2] ?? path.join(__dirname, "..", "..", "policies"));
    buildPack(packDir).then(({ files }) => {
        console.log(`Compiled ${files} files of the policy pack to ${path.relative(process.cwd(), path.join(packDir, PACK_OUT_DIR))}/ and ${path.relative(process.cwd(), path.join(packDir, PACK_BUNDLE))}.`);
    }, (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exitCode = 1;
    });
}
