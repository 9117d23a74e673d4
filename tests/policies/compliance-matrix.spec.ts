import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { ANCHOR_CONTROLS } from "../../policies/anchors";
import { MATRIX_FILE, implementers, renderComplianceMatrix } from "../../policies/scripts/compliance-matrix";
import { policyMetadata } from "../../policies/rules";

describe("policies/COMPLIANCE.md", () => {
    const committed = readFileSync(MATRIX_FILE, "utf8");

    it("matches what the policies' metadata and stack configs generate (run npx tsx policies/scripts/compliance-matrix.ts)", () => {
        assert.equal(committed, renderComplianceMatrix());
    });

    it("lists every policy with its HIPAA citations and SOC 2 criteria", () => {
        const missing = Object.values(policyMetadata).filter(
            (metadata) => !committed.includes(`| \`${metadata.name}\` | ${metadata.severity} |`) || !committed.includes(metadata.hipaa.join(", ")),
        );
        assert.deepEqual(missing.map((metadata) => metadata.name), []);
    });

    it("gives each anchor's coverage of its pre-deployment controls, naming those no policy implements", () => {
        for (const [anchor, label] of [["awsConfig", "AWS Config conformance pack"], ["cdkNag", "cdk-nag HIPAA.Security"]] as const) {
            const byControl = implementers(anchor);
            const missing = ANCHOR_CONTROLS[anchor].filter((control) => (byControl.get(control.id) ?? []).length === 0);
            const row = committed.split("\n").find((line) => line.startsWith(`| ${label}`)) ?? "";
            assert.match(row, new RegExp(`\\| ${ANCHOR_CONTROLS[anchor].length - missing.length} of ${ANCHOR_CONTROLS[anchor].length} \\|`));
            for (const control of missing) {
                assert.ok(row.includes(`${control.id} (${control.class})`), `${control.id} is not listed as uncovered`);
            }
        }
    });
});
