/**
 * Benchmark (not a test): the production preview, end to end as a user runs it, against the floor of
 * merely loading the SDKs it needs and against AWS CDK synthesising the same platform with cdk-nag,
 * paired run by run, with the median of each; then how fast the policy pack is ready as the Pulumi
 * CLI starts it, and where one preview's time goes.
 *
 *   npm run bench:preview [-- --runs 5] [-- --no-protocol] [-- --no-phases] [-- --cdk-cli]
 *
 * Each round runs, one after the other:
 *  - floor: `node -e` loading @pulumi/pulumi, @pulumi/aws and @pulumi/kubernetes;
 *  - cold: `npm run preview -- --stack production` with everything compiled removed first: the pack
 *    (policies/bin and policies/dist) and register.js's caches (the project's transpiled TypeScript
 *    and V8's code cache), as after `npm ci --ignore-scripts`;
 *  - the install-time build, `npm run prepare` (what `npm ci` runs after installing), from nothing;
 *  - first run: the preview right after it, as on a fresh CI runner or clone after `npm ci`;
 *  - warm: the same command again;
 *  - direct: the command npm runs for it (package.json's `preview` script) started with Node
 *    directly, as the CDK peer's app is below, so the two compare without npm's own start.
 *  The operating system's file cache stays warm throughout: dropping it would need root and would
 *  slow everyone else on a shared machine;
 *  - protocol (unless --no-protocol): the same with --protocol, the pack in its own process over gRPC;
 *  - the CDK peer (bench/cdk-peer, when installed): its compiled app with cdk-nag's AwsSolutions and
 *    HIPAA.Security packs, with CDK's built-in CloudFormation validation on (the default) and off,
 *    and with --cdk-cli also `cdk synth` as a user runs it. The peer is its own npm project, not a
 *    dependency of this one: `npm ci --prefix bench/cdk-peer && npm run --prefix bench/cdk-peer build`.
 *  - the pack's start, to the port it prints: as `--policy-pack <absolute path>/policies/analyzer.js` starts it
 *    (the executable) and as `--policy-pack policies` does (the Node language host's run-policy-pack).
 * Pairing the rounds keeps the ratios honest on a shared machine; the load averages before and after
 * are printed with the figures.
 */
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "fs";
import * as os from "os";
import * as path from "path";

import { ensurePackBuilt } from "../infra/analyzer/pack-build";
import { startPackProcess } from "../infra/analyzer/pack-process";
import type { PackLaunch } from "../infra/analyzer/types";
import { PROGRAM_DIR } from "../infra/paths";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { COMPILE_CACHE_DIR } = require("../infra/offline/cache-files") as { COMPILE_CACHE_DIR: string };

const ROOT = path.resolve(__dirname, "..");
const NODE = process.execPath;
const REGISTER = "./infra/offline/register.js";

function option(name: string, fallback: number): number {
    const index = process.argv.indexOf(`--${name}`);
    const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: expected a positive integer, got ${process.argv[index + 1]}`);
    return value;
}

/** Everything compiled ahead of a preview: the pack's builds and register.js's caches. */
function removeCompiled(): void {
    for (const output of ["bin", "dist"]) rmSync(path.join(ROOT, "policies", output), { recursive: true, force: true });
    rmSync(COMPILE_CACHE_DIR, { recursive: true, force: true });
}

/** Wall time of one command in seconds (`before` runs untimed); throws when it fails (a preview of production must exit 0). */
function timed(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; before?: () => void } = {}): number {
    options.before?.();
    const started = process.hrtime.bigint();
    const run = spawnSync(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
    return seconds;
}

const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const seconds = (value: number) => `${value.toFixed(2)} s`;
const load = () => os.loadavg().map((value) => value.toFixed(2)).join(" ");

const FLOOR = ["-e", "require('@pulumi/pulumi'); require('@pulumi/aws'); require('@pulumi/kubernetes')"];
const PREVIEW = ["run", "--silent", "preview", "--", "--stack", "production"];
/** package.json's `preview` script, run without npm: `node <flags> <file>` then the preview's own arguments. */
const DIRECT_PREVIEW = (() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const [command, ...args] = (require("../package.json") as { scripts: { preview: string } }).scripts.preview.split(" ");
    if (command !== "node") throw new Error(`package.json's preview script starts with ${command}, not node`);
    return [...args, "--stack", "production"];
})();

const CDK_PEER = path.join(ROOT, "bench", "cdk-peer");
const CDK_APP = path.join(CDK_PEER, "dist", "bin", "app.js");

type CdkVariant = "nag" | "nagNoValidation" | "cli";

/** One synthesis of the CDK peer into a fresh output directory; the peer's availability zones come from its context file. */
function cdkSynth(variant: CdkVariant): number {
    const out = mkdtempSync(path.join(os.tmpdir(), "cdk-peer-"));
    const env = { ...process.env, CDK_CONTEXT_JSON: readFileSync(path.join(CDK_PEER, "cdk.context.json"), "utf8"), CDK_OUTDIR: out };
    try {
        if (variant === "cli") {
            return timed(path.join(CDK_PEER, "node_modules", ".bin", "cdk"), ["synth", "-q", "--ignore-errors", "--output", out, "--app", `node ${CDK_APP}`], { cwd: CDK_PEER, env });
        }
        return timed(NODE, [CDK_APP], { cwd: CDK_PEER, env: variant === "nagNoValidation" ? { ...env, PEER_VALIDATION: "0" } : env });
    } finally {
        rmSync(out, { recursive: true, force: true });
    }
}

/** Seconds from starting the pack's process to the port it prints, started as the CLI starts it. */
async function packReady(launch: PackLaunch): Promise<number> {
    const started = process.hrtime.bigint();
    const pack = await startPackProcess({ packDir: path.join(ROOT, "policies"), programDir: PROGRAM_DIR, launch, engineAddress: "127.0.0.1:1", project: "clinical-platform", stack: "production", organization: "organization", dryRun: true });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await pack.stop();
    return seconds;
}

interface Round {
    floor: number;
    cold: number;
    prepare: number;
    first: number;
    warm: number;
    direct: number;
    protocol?: number;
    cdk?: Partial<Record<CdkVariant, number>>;
    ready: Record<PackLaunch, number>;
}

async function main(): Promise<void> {
    const runs = option("runs", 5);
    const protocol = !process.argv.includes("--no-protocol");
    const cdk = existsSync(CDK_APP);
    const cdkVariants: CdkVariant[] = process.argv.includes("--cdk-cli") ? ["nag", "nagNoValidation", "cli"] : ["nag", "nagNoValidation"];
    const cpus = os.cpus();
    console.log(`machine: ${cpus.length} CPUs, ${cpus[0]?.model ?? "unknown CPU"}, Node ${process.version}; load average before: ${load()}`);
    if (!cdk) console.log("CDK peer not built (npm ci --prefix bench/cdk-peer && npm run --prefix bench/cdk-peer build): no CDK figures.");
    const rounds: Round[] = [];
    for (let round = 0; round < runs; round++) {
        const floor = timed(NODE, FLOOR);
        const cold = timed("npm", PREVIEW, { before: removeCompiled });
        const prepare = timed("npm", ["run", "--silent", "prepare"], { before: removeCompiled });
        const first = timed("npm", PREVIEW);
        const warm = timed("npm", PREVIEW);
        const direct = timed(NODE, DIRECT_PREVIEW);
        const viaProtocol = protocol ? timed("npm", [...PREVIEW, "--protocol"]) : undefined;
        const peer = cdk ? Object.fromEntries(cdkVariants.map((variant) => [variant, cdkSynth(variant)])) : undefined;
        // Both launches run the bundle (policies/dist), which --protocol built if it ran; built untimed otherwise.
        await ensurePackBuilt(path.join(ROOT, "policies"), ["bundle"]);
        const ready = { executable: await packReady("executable"), directory: await packReady("directory") };
        rounds.push({ floor, cold, prepare, first, warm, direct, protocol: viaProtocol, cdk: peer, ready });
        console.log(`round ${round + 1}: floor ${seconds(floor)}, cold ${seconds(cold)}, prepare ${seconds(prepare)}, first run ${seconds(first)}, warm ${seconds(warm)}, direct ${seconds(direct)}${viaProtocol === undefined ? "" : `, --protocol ${seconds(viaProtocol)}`}`
            + `${peer === undefined ? "" : `, CDK ${Object.entries(peer).map(([variant, value]) => `${variant} ${seconds(value)}`).join(" ")}`}`
            + `, pack ready ${seconds(ready.executable)} (executable) ${seconds(ready.directory)} (directory)`);
    }
    const floor = median(rounds.map((r) => r.floor));
    const first = median(rounds.map((r) => r.first));
    const warm = median(rounds.map((r) => r.warm));
    console.log(`\nmedians of ${runs} paired rounds (load average after: ${load()}):`);
    console.log(`  SDK-load floor (node, @pulumi/pulumi + aws + kubernetes)  ${seconds(floor)}`);
    console.log(`  npm run preview -- --stack production, warm                ${seconds(warm)}  (${(warm / floor).toFixed(2)}× the floor)`);
    console.log(`  the same, first run after npm ci (fresh runner or clone)  ${seconds(first)}  (${(first / warm).toFixed(2)}× warm; ${pairedRatio(rounds, (r) => r.first / r.warm)} round by round)`);
    const direct = median(rounds.map((r) => r.direct));
    console.log(`  the same without npm (node and the preview script's flags) ${seconds(direct)}`);
    console.log(`  npm ci's prepare step (compiles the project and the pack)  ${seconds(median(rounds.map((r) => r.prepare)))}`);
    console.log(`  the preview with nothing compiled (npm ci --ignore-scripts) ${seconds(median(rounds.map((r) => r.cold)))}`);
    if (protocol) {
        const viaProtocol = median(rounds.map((r) => r.protocol as number));
        console.log(`  the same with --protocol (pack process, gRPC)              ${seconds(viaProtocol)}`);
    }
    if (cdk) {
        const labels: Record<CdkVariant, string> = {
            nag: "CDK peer: node app.js with cdk-nag (CDK's validation on)",
            nagNoValidation: "CDK peer: the same with CDK's validation off",
            cli: "CDK peer: cdk synth (CLI) of the compiled app, cdk-nag",
        };
        for (const variant of cdkVariants) {
            const value = median(rounds.map((r) => r.cdk?.[variant] as number));
            console.log(`  ${labels[variant].padEnd(58)} ${seconds(value)}  (warm preview ${(warm / value).toFixed(2)}×; ${pairedRatio(rounds, (r) => r.warm / (r.cdk?.[variant] as number))} round by round)`);
            if (variant !== "cli") console.log(`  ${"".padEnd(58)} ${"".padEnd(6)}  (preview without npm, as the app runs: ${(direct / value).toFixed(2)}×; ${pairedRatio(rounds, (r) => r.direct / (r.cdk?.[variant] as number))} round by round)`);
        }
    }
    console.log(`  policy pack ready, as --policy-pack <path>/analyzer.js    ${seconds(median(rounds.map((r) => r.ready.executable)))}`);
    console.log(`  policy pack ready, as --policy-pack policies               ${seconds(median(rounds.map((r) => r.ready.directory)))}`);

    if (!process.argv.includes("--no-phases")) printPhases(runs);
}

/**
 * The median of a ratio taken within each round: the two runs it compares ran back to back, so a
 * shared machine's slow minutes weigh on both (the ratio of the medians can pair a quiet run of one
 * with a busy run of the other).
 */
function pairedRatio(rounds: Round[], ratio: (round: Round) => number): string {
    return `${median(rounds.map(ratio)).toFixed(2)}×`;
}

/** The median of each phase over `runs` instrumented previews (bench/preview-phases.ts), as a table. */
function printPhases(runs: number): void {
    const samples: Array<Record<string, number>> = [];
    let resources = 0;
    for (let run = 0; run < runs; run++) {
        const phases = spawnSync(NODE, ["--require", REGISTER, "bench/preview-phases.ts"], { cwd: ROOT, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
        if (phases.status !== 0) throw new Error(`bench/preview-phases.ts failed:\n${phases.stderr}`);
        const parsed = JSON.parse(phases.stdout) as { resources: number; phases: Record<string, number> };
        resources = parsed.resources;
        samples.push(parsed.phases);
    }
    console.log(`\nphases of one warm preview of production (${resources} registrations), median of ${runs} runs (load average after: ${load()}):`);
    console.log("| phase | wall |\n|---|---|");
    let total = 0;
    for (const phase of Object.keys(samples[0])) {
        const value = median(samples.map((sample) => sample[phase] ?? 0));
        total += value;
        console.log(`| ${phase} | ${seconds(value)} |`);
    }
    console.log(`| total (sum of medians; without npm's own start) | ${seconds(total)} |`);
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
});
