/**
 * Benchmark (not a test): one full analysis of a stack of 1,000+ resources by the real policy pack,
 * through the analyzer protocol as `pulumi preview --policy-pack` drives it (Analyze per resource,
 * then AnalyzeStack), once the pack is up.
 *
 *   npm run bench:analysis [-- --copies 9] [-- --runs 3]
 *
 * The stack is the compliant fixture of the pack's specs, copied under distinct names, so every run
 * must also come back without a violation. The @pulumi/policy server decodes each resource's
 * properties again for every multi-type and stack policy, so the time grows with resources ×
 * such policies; a rule that is quadratic in the stack shows here first.
 */
import { compliantStack } from "../tests/policies/fixtures/compliant-stack";
import { configFile, startPack } from "../tests/policies/harness/pack";

function option(name: string, fallback: number): number {
    const index = process.argv.indexOf(`--${name}`);
    const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: expected a positive integer, got ${process.argv[index + 1]}`);
    return value;
}

async function main(): Promise<void> {
    const copies = option("copies", 9);
    const runs = option("runs", 3);
    const started = process.hrtime.bigint();
    const pack = await startPack();
    const ready = Number(process.hrtime.bigint() - started) / 1e6;
    try {
        await pack.configure(configFile("production"));
        const stack = Array.from({ length: copies }, (_, copy) => compliantStack("production", `copy${copy}-`)).flat();
        const timings: number[] = [];
        for (let run = 0; run < runs; run++) {
            const since = process.hrtime.bigint();
            const violations = await pack.analyze(stack);
            timings.push(Number(process.hrtime.bigint() - since) / 1e6);
            if (violations.length > 0) throw new Error(`the compliant stack got ${violations.length} violations, first: ${violations[0].policy}`);
        }
        const sorted = [...timings].sort((a, b) => a - b);
        console.log(`pack started and ready in ${ready.toFixed(0)} ms`);
        console.log(`${stack.length} resources, ${runs} runs: best ${sorted[0].toFixed(0)} ms, median ${sorted[Math.floor(runs / 2)].toFixed(0)} ms `
            + `(${(stack.length / (sorted[0] / 1000)).toFixed(0)} resources/s at best); every run without a violation`);
    } finally {
        await pack.close();
    }
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
});
