import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { reconcilePackConfig } from "../../infra/analyzer/pack-config";
import { policyMetadata } from "../../policies/rules";
import { SelectionError, selectedPolicies, selectionConfig } from "../../policies/scripts/select-policies";
import { PACK_DIR, configFile } from "./harness/pack";

const ALL = Object.keys(policyMetadata);
const SCRIPT = join(PACK_DIR, "scripts", "select-policies.ts");
const RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

/** The level each policy ends up with once the CLI reconciles the written config with the pack. */
function levels(config: Record<string, unknown>): Record<string, string> {
    const policies = ALL.map((name) => ({ name, enforcementLevel: "advisory" as const, configSchema: undefined }));
    const partial = Object.fromEntries(
        Object.entries(config).map(([name, entry]) => [name, typeof entry === "string" ? { enforcementLevel: entry as "disabled" } : {}]),
    );
    return Object.fromEntries(Object.entries(reconcilePackConfig(policies, {}, partial)).map(([name, entry]) => [name, entry.enforcementLevel]));
}

describe("npm run policies:select", () => {
    it("keeps only the HIPAA S3 policies of high severity or above running, and disables every other policy", () => {
        const selected = selectedPolicies({ frameworks: ["hipaa"], services: ["s3"], minSeverity: "high" });
        assert.ok(selected.length > 0);
        for (const name of selected) {
            const metadata = policyMetadata[name];
            assert.ok(name.startsWith("s3-") && metadata.hipaa.length > 0 && RANK[metadata.severity] >= RANK.high, name);
        }
        const missed = ALL.filter((name) => name.startsWith("s3-") && RANK[policyMetadata[name].severity] >= RANK.high && !selected.includes(name));
        assert.deepEqual(missed.filter((name) => policyMetadata[name].hipaa.length > 0), []);
        const running = Object.entries(levels(selectionConfig({ frameworks: ["hipaa"], services: ["s3"], minSeverity: "high" })))
            .filter(([, level]) => level !== "disabled")
            .map(([name]) => name);
        assert.deepEqual(running.sort(), [...selected].sort());
    });

    it("selects by a citation or criterion prefix, by a service's matrix section, and ORs values of one kind", () => {
        for (const name of selectedPolicies({ frameworks: ["soc2:CC6.6"] })) {
            assert.ok(policyMetadata[name].soc2.some((criterion) => criterion.startsWith("CC6.6")), name);
        }
        for (const name of selectedPolicies({ frameworks: ["hipaa:164.312(e)"] })) {
            assert.ok(policyMetadata[name].hipaa.some((citation) => citation.startsWith("164.312(e)")), name);
        }
        const both = selectedPolicies({ services: ["kms", "Secrets Manager"] });
        assert.ok(both.some((name) => name.startsWith("kms-")) && both.some((name) => name.startsWith("secretsmanager-")));
        assert.ok(both.every((name) => /^(kms|secretsmanager)-/.test(name)), both.join(", "));
    });

    it("keeps what the base config says of the policies it selects, and nothing of the others", () => {
        const base = JSON.parse(readFileSync(configFile("production"), "utf8")) as Record<string, unknown>;
        const config = selectionConfig({ services: ["secretsmanager"] }, base);
        assert.deepEqual(config["secretsmanager-rotation-enabled"], base["secretsmanager-rotation-enabled"]);
        assert.deepEqual(config["secretsmanager-recovery-window"], "mandatory");
        assert.equal(config["rds-backup-retention"], "disabled");
    });

    it("refuses a selection that matches nothing, an unknown service, framework or severity", () => {
        assert.throws(() => selectionConfig({ services: ["s3"], frameworks: ["soc2:P8"] }), /no policy matches/);
        assert.throws(() => selectedPolicies({ services: ["dynamo"] }), SelectionError);
        assert.throws(() => selectedPolicies({ frameworks: ["pci"] }), /unknown framework "pci"/);
        assert.throws(() => selectedPolicies({ minSeverity: "severe" as never }), /unknown severity/);
    });

    it("prints the config from the command line, and exits 2 on a usage error", function () {
        this.timeout(60_000);
        const tsx = join(PACK_DIR, "..", "node_modules", ".bin", "tsx");
        const printed = JSON.parse(execFileSync(tsx, [SCRIPT, "--service", "kms", "--min-severity", "critical"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })) as Record<string, unknown>;
        assert.deepEqual(printed, selectionConfig({ services: ["kms"], minSeverity: "critical" }));
        const refused = spawnSync(tsx, [SCRIPT, "--service", "nosuch"], { encoding: "utf8" });
        assert.equal(refused.status, 2);
        assert.match(refused.stderr, /unknown service nosuch/);
    });
});
