import { strict as assert } from "node:assert";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PolicyPackSession, RecordedResource } from "../../infra/analyzer";
import { readPackConfigFile, reconcilePackConfig } from "../../infra/analyzer/pack-config";
import { exemptionsIn } from "../../infra/offline/pack-metadata";
import { EXEMPTED_MARKER, parseExemptionNotice } from "../../policies/lib/exemptions";
import { allPolicies } from "../../policies/rules";
import { rdsMultiAz } from "../../policies/rules/rds";
import { secretsmanagerRotationEnabled } from "../../policies/rules/secretsmanager";
import { scratchDir } from "../harness/scratch";
import { compliantStack } from "./fixtures/compliant-stack";
import { PACK_START_TIMEOUT_MS, STACKS, configFile, startPack } from "./harness/pack";
import { resource, runResourcePolicy, runStackPolicy } from "./harness/server";

const PAST = "2020-01-31";
const FUTURE = "2099-12-31";

const singleAz = resource("aws:rds/instance:Instance", "db", { engine: "postgres", multiAz: false });
const secret = (name: string) => resource("aws:secretsmanager/secret:Secret", name, { kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/1" });

/** What the pack config file says, reconciled with every policy's schema as the CLI does before Configure. */
function reconcile(config: Record<string, unknown>) {
    const file = join(scratchDir("pack-config-"), "config.json");
    writeFileSync(file, JSON.stringify(config));
    const policies = allPolicies.map((policy) => ({
        name: policy.name,
        enforcementLevel: policy.enforcementLevel ?? "advisory",
        configSchema: { properties: (policy.configSchema?.properties ?? {}) as Record<string, unknown>, required: policy.configSchema?.required ?? [] },
    }));
    return reconcilePackConfig(policies, {}, readPackConfigFile(file));
}

describe("exemptions in the pack config", () => {
    describe("are refused unless they name a resource and give a reason", () => {
        const refused: Record<string, unknown> = {
            "a bare resource name, as the old form had": "db",
            "an entry without a reason": { resource: "db" },
            "an empty reason": { resource: "db", reason: "" },
            "a reason of blanks": { resource: "db", reason: "   " },
            "an entry without a resource": { reason: "legacy" },
            "an expiry that is not a date": { resource: "db", reason: "legacy", expires: "next quarter" },
            "an unknown field": { resource: "db", reason: "legacy", approvedBy: "me" },
        };
        for (const [title, entry] of Object.entries(refused)) {
            it(`refuses ${title}`, () => {
                assert.throws(() => reconcile({ "rds-multi-az": { exemptResources: [entry] } }), /rds-multi-az: exemptResources\[0\]/);
            });
        }
        it("accepts a resource, a reason and an expiry date", () => {
            const entry = { resource: "db", reason: "legacy database, replaced in ticket OPS-12", expires: FUTURE };
            assert.deepEqual(reconcile({ "rds-multi-az": { exemptResources: [entry] } })["rds-multi-az"].properties["exemptResources"], [entry]);
        });
        for (const stack of STACKS) {
            it(`holds for the committed ${stack} config`, () => {
                assert.doesNotThrow(() => reconcile(readPackConfigFile(configFile(stack)) as Record<string, unknown>));
            });
        }
    });

    describe("on a resource rule", () => {
        it("silence the resource, and record the reason and what the policy would have reported", async () => {
            const outcome = await runResourcePolicy(rdsMultiAz, singleAz, { exemptResources: [{ resource: "db", reason: "a test database", expires: FUTURE }] });
            assert.deepEqual(outcome.violations, []);
            assert.equal(outcome.notApplicable.length, 1);
            const [finding] = parseExemptionNotice(rdsMultiAz.name, outcome.notApplicable[0]) ?? [];
            assert.deepEqual({ ...finding, silenced: finding.silenced.length }, {
                policy: "rds-multi-az", resource: "db", reason: "a test database", expires: FUTURE, urn: singleAz.urn, silenced: 1,
            });
            assert.match(finding.silenced[0], /multiAz/);
        });

        it("match the resource by URN as well as by logical name", async () => {
            const outcome = await runResourcePolicy(rdsMultiAz, singleAz, { exemptResources: [{ resource: singleAz.urn, reason: "a test database" }] });
            assert.deepEqual(outcome.violations, []);
            assert.ok(outcome.notApplicable[0].startsWith(EXEMPTED_MARKER));
        });

        it("record an exemption of a compliant resource as silencing nothing", async () => {
            const multiAz = resource("aws:rds/instance:Instance", "db", { engine: "postgres", multiAz: true });
            const outcome = await runResourcePolicy(rdsMultiAz, multiAz, { exemptResources: [{ resource: "db", reason: "a test database" }] });
            assert.deepEqual(parseExemptionNotice(rdsMultiAz.name, outcome.notApplicable[0])?.map((f) => f.silenced), [[]]);
        });

        it("no longer hold once expired: the violation is reported, saying the exemption lapsed", async () => {
            const outcome = await runResourcePolicy(rdsMultiAz, singleAz, { exemptResources: [{ resource: "db", reason: "a test database", expires: PAST }] });
            assert.deepEqual(outcome.notApplicable, []);
            assert.equal(outcome.violations.length, 1);
            assert.match(outcome.violations[0].message, /exemption expired after 2020-01-31: "a test database"/);
        });

        it("leave other resources to the policy", async () => {
            const outcome = await runResourcePolicy(rdsMultiAz, singleAz, { exemptResources: [{ resource: "other-db", reason: "a test database" }] });
            assert.equal(outcome.violations.length, 1);
        });
    });

    describe("on a stack rule", () => {
        const config = {
            exemptResources: [
                { resource: "github-token", reason: "issued by GitHub only", expires: FUTURE },
                { resource: "old-token", reason: "was to be rotated", expires: PAST },
            ],
        };

        it("silence the exempted resource, still report the others, and record what was silenced", async () => {
            const outcome = await runStackPolicy(secretsmanagerRotationEnabled, [secret("github-token"), secret("jwt")], config);
            assert.deepEqual(outcome.violations.map((v) => v.urn), [secret("jwt").urn]);
            const exempted = outcome.notApplicable.flatMap((reason) => parseExemptionNotice(secretsmanagerRotationEnabled.name, reason) ?? []);
            assert.deepEqual(exempted.map((f) => [f.resource, f.reason, f.silenced.length]), [["github-token", "issued by GitHub only", 1]]);
        });

        it("report a resource whose exemption has expired, saying so", async () => {
            const outcome = await runStackPolicy(secretsmanagerRotationEnabled, [secret("old-token")], config);
            assert.deepEqual(outcome.notApplicable, []);
            assert.equal(outcome.violations.length, 1);
            assert.match(outcome.violations[0].message, /exemption expired after 2020-01-31: "was to be rotated"/);
        });
    });

    describe("through the analyzer protocol", function () {
        let pack: PolicyPackSession;
        let directory: string;

        before(async function () {
            this.timeout(PACK_START_TIMEOUT_MS);
            directory = scratchDir("pack-config-");
            pack = await startPack();
        });

        after(() => pack?.close());

        it("reach the session with their reason and the message they silence, and leave no violation", async () => {
            const file = join(directory, "production.json");
            writeFileSync(file, JSON.stringify({
                ...(JSON.parse(readFileSync(configFile("production"), "utf8")) as Record<string, unknown>),
                "rds-multi-az": { exemptResources: [{ resource: "legacy-db", reason: "a legacy database, retired in OPS-12", expires: FUTURE }] },
            }));
            await pack.configure(file);
            const legacy: RecordedResource = { ...compliantStack("production").find((r) => r.type === "aws:rds/instance:Instance")!, name: "legacy-db", urn: "urn:pulumi:production::clinical-platform::aws:rds/instance:Instance::legacy-db" };
            const resources = [...compliantStack("production"), { ...legacy, inputs: { ...legacy.inputs, multiAz: false, identifier: "legacy-db" } }];
            const violations = await pack.analyze(resources);
            assert.deepEqual(violations.filter((v) => v.policy === "rds-multi-az"), []);
            const exempted = exemptionsIn(pack.notApplicable()).filter((entry) => entry.policy === "rds-multi-az");
            assert.deepEqual(exempted.map((e) => [e.resource, e.reason, e.urn]), [["legacy-db", "a legacy database, retired in OPS-12", legacy.urn]]);
            assert.equal(exempted[0].silenced.length, 1);
        });
    });
});
