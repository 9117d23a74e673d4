import { strict as assert } from "assert";
import { DEPLOY_CHECKS, StackPlan } from "../../infra/checks";
import { STACKS, previewOf } from "../harness/stacks";

/**
 * Every deploy check over the committed stacks, in both preview modes, each stack judged with the
 * other committed stacks of its account as its neighbours, as the preview judges it.
 */
describe("the deploy checks over this project's stacks", function () {
    this.timeout(180_000);

    for (const firstDeployment of [false, true]) {
        const mode = firstDeployment ? "a first deployment" : "an update of an existing stack";
        let plans: StackPlan[];
        before(async () => {
            plans = await Promise.all(STACKS.map(async (stack) => {
                const { config, resources } = await previewOf(stack, { firstDeployment });
                return { stack, config, resources };
            }));
        });

        for (const check of DEPLOY_CHECKS) {
            for (const stack of STACKS) {
                it(`${check.name} passes ${stack} previewed as ${mode}`, () => {
                    const plan = plans.find((p) => p.stack === stack) as StackPlan;
                    const neighbours = plans.filter((p) => p.stack !== stack && p.config.account.id === plan.config.account.id);
                    const failures = check.run({ plan, neighbours, today: new Date("2026-12-01T00:00:00Z") });
                    assert.deepEqual(failures.map((f) => `${f.urn.split("::").pop()}: ${f.message}`), []);
                });
            }
        }
    }
});
