import { strict as assert } from "assert";
import { DEPLOY_CHECKS } from "../../infra/checks";
import { PreviewResult, runOfflinePreview } from "../../infra/offline/preview";
import { exitCodeOf } from "../../infra/preview";
import { humanReport } from "../../infra/report";
import { previewOf, single } from "../harness/stacks";

describe("deploy checks in the offline preview", function () {
    this.timeout(180_000);
    let production: PreviewResult;
    before(async () => {
        production = await runOfflinePreview({ stack: "production", policy: false });
    });

    it("lists every registered check in the document, with its description, its source and its verdict", () => {
        const { deployChecks } = production.document;
        assert.equal(deployChecks.evaluated, true);
        assert.deepEqual(deployChecks.checks.map((c) => c.name), DEPLOY_CHECKS.map((c) => c.name));
        for (const check of deployChecks.checks) {
            assert.ok(check.description.length > 20 && check.source.length > 10, `${check.name} describes itself and its source`);
            assert.equal(check.passed, !deployChecks.failures.some((f) => f.check === check.name));
        }
        for (const failure of deployChecks.failures) assert.deepEqual(Object.keys(failure).sort(), ["check", "message", "urn"]);
    });

    it("judges production with staging, which shares its account and region, as its neighbour", () => {
        // A name production shares with staging would be reported as staging's; none may be.
        const collisions = production.document.deployChecks.failures.filter((f) => f.check === "physical-names");
        assert.ok(collisions.every((f) => /stack staging/.test(f.message)), JSON.stringify(collisions));
    });

    it("exits 1 when a deploy check fails, 0 when none does and no mandatory rule is violated", () => {
        const clean = { ...production.document, policy: { ...production.document.policy, violations: [] } };
        const passed = { ...clean, deployChecks: { evaluated: true, checks: [], failures: [] } };
        assert.equal(exitCodeOf(passed), 0);
        const failed = { ...passed, deployChecks: { evaluated: true, checks: [], failures: [{ check: "lambda-runtime", urn: "", message: "deprecated" }] } };
        assert.equal(exitCodeOf(failed), 1);
    });

    it("reports each check to a person with ✓ or ✗, and each failure under its check", () => {
        const document = {
            ...production.document,
            deployChecks: {
                evaluated: true,
                checks: [
                    { name: "lambda-runtime", description: "runtimes", source: "table", passed: false },
                    { name: "autoscaled-replicas", description: "replicas", source: "docs", passed: true },
                ],
                failures: [{ check: "lambda-runtime", urn: "urn:pulumi:production::p::aws:lambda/function:Function::rotation", message: "runtime = \"nodejs20.x\" is deprecated" }],
            },
        };
        const report = humanReport(document, production.resources, production.config);
        assert.match(report, /Deploy checks: 1 of 2 passed\n {2}✗ lambda-runtime — runtimes\n {6}✗ rotation: runtime = "nodejs20\.x" is deprecated\n {2}✓ autoscaled-replicas — replicas/);
    });

    it("skips the checks, and the neighbours' evaluation, when asked to", async () => {
        const { document } = await previewOf("production");
        assert.deepEqual(document.deployChecks, { evaluated: false, checks: [], failures: [] });
    });

    it("answers the caller identity with the stack's own account, as the real cloud would", async () => {
        const { resources, config } = await previewOf("production");
        const key = single(resources, "aws:kms/key:Key", "keys-data");
        assert.match(key.inputs.policy as string, new RegExp(`arn:aws:iam::${config.account.id}:root`));
        assert.equal(config.account.id, "111122223333");
    });
});
