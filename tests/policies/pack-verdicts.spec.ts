import { strict as assert } from "node:assert";
import type { PolicyPackSession, PolicyViolation, RecordedResource } from "../../infra/analyzer";
import { citeViolations } from "../../infra/offline/pack-metadata";
import { policyMetadata } from "../../policies/rules";
import { compliantStack } from "./fixtures/compliant-stack";
import { expectedOffenders, insecureStack } from "./fixtures/insecure-stack";
import { UNKNOWN } from "./fixtures/recorder";
import { PACK_START_TIMEOUT_MS, STACKS, configFile, startPack } from "./harness/pack";

const describeViolations = (violations: PolicyViolation[]) => violations.map((v) => `${v.level} ${v.policy} ${v.urn}: ${v.message}`);

describe("the policy pack's verdicts, through the analyzer protocol", function () {
    let pack: PolicyPackSession;

    before(async function () {
        this.timeout(PACK_START_TIMEOUT_MS);
        pack = await startPack();
    });

    after(async () => pack?.close());

    describe("on a first deployment, where every id and ARN is still unknown", () => {
        for (const stack of STACKS) {
            it(`reports nothing for the compliant platform under the ${stack} config, not even a "can't run during preview" notice`, async () => {
                await pack.configure(configFile(stack));
                const resources = compliantStack(stack);
                assert.ok(resources.some((resource) => JSON.stringify(resource.inputs).includes(UNKNOWN)));
                assert.deepEqual(describeViolations(await pack.analyze(resources)), []);
            });
        }
    });

    describe("with each stack's thresholds", () => {
        const databaseWithBackups = (days: number): RecordedResource[] =>
            compliantStack("staging").map((resource) =>
                resource.type === "aws:rds/instance:Instance" ? { ...resource, inputs: { ...resource.inputs, backupRetentionPeriod: days } } : resource,
            );

        it("accepts 7 days of backups in staging", async () => {
            await pack.configure(configFile("staging"));
            assert.deepEqual(describeViolations(await pack.analyze(databaseWithBackups(7))), []);
        });

        it("rejects 7 days of backups in production as a mandatory violation", async () => {
            await pack.configure(configFile("production"));
            const violations = await pack.analyze(databaseWithBackups(7));
            assert.deepEqual(
                violations.map((v) => [v.policy, v.level, v.message]),
                [["rds-backup-retention", "mandatory", "Backups are kept 7 days; this environment requires at least 30."]],
            );
        });

        it("reports a single-AZ database as advisory in dev and mandatory in production", async () => {
            const singleAz = compliantStack("dev").map((resource) =>
                resource.type === "aws:rds/instance:Instance" ? { ...resource, inputs: { ...resource.inputs, multiAz: false } } : resource,
            );
            await pack.configure(configFile("dev"));
            const dev = await pack.analyze(singleAz);
            await pack.configure(configFile("production"));
            const production = await pack.analyze(singleAz);
            assert.deepEqual(dev.map((v) => [v.policy, v.level]), [["rds-multi-az", "advisory"]]);
            assert.deepEqual(production.map((v) => [v.policy, v.level]), [["rds-multi-az", "mandatory"]]);
        });
    });

    describe("on the deliberately insecure stack", () => {
        let resources: RecordedResource[];
        let violations: ReturnType<typeof citeViolations>;
        const offendersOf = (policy: string) =>
            [...new Set(violations.filter((v) => v.policy === policy).map((v) => resources.find((r) => r.urn === v.urn)?.name ?? v.urn))].sort();

        before(async () => {
            await pack.configure(configFile("production"));
            resources = insecureStack();
            violations = citeViolations(await pack.analyze(resources), pack.policies);
        });

        for (const [policy, offenders] of Object.entries(expectedOffenders)) {
            it(`${policy} reports exactly ${offenders.join(", ")}`, () => {
                assert.deepEqual(offendersOf(policy), [...offenders].sort());
            });
        }

        it("reports no policy beyond those expected, and every policy of the pack at least once", () => {
            const reported = new Set(violations.map((v) => v.policy));
            assert.deepEqual([...reported].filter((policy) => !(policy in expectedOffenders)), []);
            assert.deepEqual(Object.keys(policyMetadata).filter((policy) => !reported.has(policy)), []);
        });

        it("carries each policy's citations, severity, description and remediation on its violations", () => {
            for (const violation of violations) {
                const metadata = policyMetadata[violation.policy];
                assert.deepEqual(
                    [violation.hipaa, violation.soc2, violation.severity, violation.description, violation.remediation],
                    [metadata.hipaa, metadata.soc2, metadata.severity, metadata.description, metadata.remediation],
                );
            }
        });

        it("states what is wrong in a sentence of its own, without repeating the policy's description", () => {
            const unclear = violations.filter((v) => v.message.includes(v.description) || !/^\S.*\.$/.test(v.message));
            assert.deepEqual(describeViolations(unclear), []);
        });

        it("reports stack findings against the offending resource, never the stack as a whole", () => {
            assert.deepEqual(violations.filter((v) => v.urn === ""), []);
        });
    });
});
