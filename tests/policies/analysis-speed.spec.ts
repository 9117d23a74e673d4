import { strict as assert } from "node:assert";
import type { PolicyPackSession, RecordedResource } from "../../infra/analyzer";
import { compliantStack } from "./fixtures/compliant-stack";
import { PACK_START_TIMEOUT_MS, configFile, startPack } from "./harness/pack";

/**
 * Budget for one full analysis (Analyze per resource, then AnalyzeStack) of 1,000+ resources
 * once the pack is up. The @pulumi/policy server decodes each resource's properties again for
 * every multi-type policy and every stack policy, so with this pack's 117 policies the server
 * alone spends about 1.3–1.6 s of CPU per 1,000 resources on a 2-vCPU runner; the budget
 * leaves room for a loaded machine while still failing on a quadratic rule or a slow client.
 */
const BUDGET_MS = 4_000;
// Enough copies of the compliant platform (the account baseline included) for just over 1,000 resources.
const COPIES_OF_THE_PLATFORM = 8;

function elapsedMs(since: bigint): number {
    return Number(process.hrtime.bigint() - since) / 1e6;
}

describe("analysis speed", function () {
    let pack: PolicyPackSession;
    let stack: RecordedResource[];

    before(async function () {
        this.timeout(PACK_START_TIMEOUT_MS);
        pack = await startPack();
        await pack.configure(configFile("production"));
        stack = Array.from({ length: COPIES_OF_THE_PLATFORM }, (_, copy) => compliantStack("production", `copy${copy}-`)).flat();
    });

    after(async () => pack?.close());

    it(`analyses a stack of more than 1,000 resources within ${BUDGET_MS / 1000} s (best of three runs)`, async function () {
        this.timeout(6 * BUDGET_MS);
        assert.ok(stack.length > 1000);
        const timings: number[] = [];
        for (let run = 0; run < 3; run++) {
            const started = process.hrtime.bigint();
            const violations = await pack.analyze(stack);
            timings.push(elapsedMs(started));
            assert.deepEqual(violations, []);
        }
        const best = Math.min(...timings);
        assert.ok(best < BUDGET_MS, `${stack.length} resources took ${timings.map((t) => t.toFixed(0)).join(" ms, ")} ms`);
    });
});
