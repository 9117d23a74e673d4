import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runPolicyPack } from "../../infra/analyzer";
import { compliantStack } from "./fixtures/compliant-stack";
import { PACK_DIR, PACK_START_TIMEOUT_MS, configFile } from "./harness/pack";

describe("runPolicyPack", () => {
    it("starts the pack, configures it for the stack and reports its verdict on the recorded resources", async function () {
        this.timeout(PACK_START_TIMEOUT_MS);
        const resources = compliantStack("staging").map((resource) =>
            resource.name === "db" ? { ...resource, inputs: { ...resource.inputs, publiclyAccessible: true } } : resource,
        );
        const report = await runPolicyPack({
            packDir: PACK_DIR,
            project: "clinical-platform",
            stack: "staging",
            configFile: configFile("staging"),
            dryRun: true,
            resources,
        });
        const { version } = JSON.parse(readFileSync(join(PACK_DIR, "package.json"), "utf8")) as { version: string };
        assert.equal(report.pack, "clinical-platform-hipaa-soc2");
        assert.equal(report.version, version);
        assert.ok(report.policyCount >= 90);
        assert.deepEqual(report.violations, [
            {
                policy: "rds-no-public-access",
                level: "mandatory",
                urn: resources.find((resource) => resource.name === "db")?.urn,
                message: "publiclyAccessible is true, which gives the database a public DNS name reachable from the internet.",
                severity: "critical",
                description: "RDS database instances are not publicly accessible.",
                remediation: "Set publiclyAccessible to false and place the instance in isolated subnets.",
            },
        ]);
    });
});
