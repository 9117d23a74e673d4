import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { MATRIX_FILE, renderComplianceMatrix } from "../../policies/scripts/compliance-matrix";
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
});
