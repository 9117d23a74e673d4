/**
 * Benchmark (not a test): the production preview, end to end as a user runs it, against the floor of
 * merely loading the SDKs it needs, paired run by run, with the median of each; then where one run's
 * time goes.
 *
 *   npm run bench:preview [-- --runs 5] [-- --no-protocol] [-- --no-phases]
 *
 * Each round runs, one after the other:
 *  - floor: `node -e` loading @pulumi/pulumi, @pulumi/aws and @pulumi/kubernetes;
 *  - first run: `npm run preview -- --stack production` with every compile cache removed first: the
 *    compiled pack (policies/bin, so the run compiles it, as a fresh clone without `npm ci`'s prepare
 *    step would) and register.js's cache of the project's transpiled TypeScript (as on a fresh CI
 *    runner). The operating system's file cache stays warm: dropping it would need root and would
 *    slow everyone else on a shared machine;
 *  - warm: the same command again;
 *  - protocol (unless --no-protocol): the same with --protocol, the pack in its own process over gRPC.
 * Pairing the rounds keeps the ratios honest on a shared machine; the load averages before and after
 * are printed with the figures.
 */
import { spawnSync } from "child_process";
import { rmSync } from "fs";
import * as os from "os";
import * as path from "path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TRANSFORM_CACHE_DIR } = require("../infra/offline/register") as { TRANSFORM_CACHE_DIR: string };

const ROOT = path.resolve(__dirname, "..");
const NODE = process.execPath;
const REGISTER = "./infra/offline/register.js";

function option(name: string, fallback: number): number {
    const index = process.argv.indexOf(`--${name}`);
    const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: expected a positive integer, got ${process.argv[index + 1]}`);
    return value;
}

/** Wall time of one command in seconds; throws when it fails (a preview of production must exit 0). */
function timed(command: string, args: string[]): number {
    const started = process.hrtime.bigint();
    const run = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
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

/** CDK synth + cdk-nag of a comparable platform (VPC, EKS, RDS, S3, CloudFront), measured on a quiet 2-core machine of the same kind. */
const CDK = { withNag: 3.9, validationOff: 1.9 };

function main(): void {
    const runs = option("runs", 5);
    const protocol = !process.argv.includes("--no-protocol");
    const cpus = os.cpus();
    console.log(`machine: ${cpus.length} CPUs, ${cpus[0]?.model ?? "unknown CPU"}, Node ${process.version}; load average before: ${load()}`);
    const rounds: Array<{ floor: number; first: number; warm: number; protocol?: number }> = [];
    for (let round = 0; round < runs; round++) {
        const floor = timed(NODE, FLOOR);
        rmSync(path.join(ROOT, "policies", "bin"), { recursive: true, force: true });
        rmSync(TRANSFORM_CACHE_DIR, { recursive: true, force: true });
        const first = timed("npm", PREVIEW);
        const warm = timed("npm", PREVIEW);
        const viaProtocol = protocol ? timed("npm", [...PREVIEW, "--protocol"]) : undefined;
        rounds.push({ floor, first, warm, protocol: viaProtocol });
        console.log(`round ${round + 1}: floor ${seconds(floor)}, first run ${seconds(first)}, warm ${seconds(warm)}${viaProtocol === undefined ? "" : `, --protocol ${seconds(viaProtocol)}`}`);
    }
    const floor = median(rounds.map((r) => r.floor));
    const first = median(rounds.map((r) => r.first));
    const warm = median(rounds.map((r) => r.warm));
    console.log(`\nmedians of ${runs} paired rounds (load average after: ${load()}):`);
    console.log(`  SDK-load floor (node, @pulumi/pulumi + aws + kubernetes)  ${seconds(floor)}`);
    console.log(`  npm run preview -- --stack production, warm                ${seconds(warm)}  (${(warm / floor).toFixed(2)}× the floor)`);
    console.log(`  the same, first run (no compile cache)                     ${seconds(first)}  (${(first / warm).toFixed(2)}× warm)`);
    if (protocol) {
        const viaProtocol = median(rounds.map((r) => r.protocol as number));
        console.log(`  the same with --protocol (pack process, gRPC)              ${seconds(viaProtocol)}`);
    }
    console.log(`  CDK synth + cdk-nag of a comparable platform, quiet 2-core machine: ${CDK.withNag} s (warm preview ${(warm / CDK.withNag).toFixed(2)}×), ${CDK.validationOff} s with validation off (${(warm / CDK.validationOff).toFixed(2)}×)`);

    if (!process.argv.includes("--no-phases")) printPhases(runs);
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

main();
