import { strict as assert } from "node:assert";
import { ANCHOR_CONTROLS, AWS_CONFIG_CONTROLS, CDK_NAG_CONTROLS, OUT_OF_SCOPE, type AnchorName, distinctControls } from "../../policies/anchors";
import { policyMetadata } from "../../policies/rules";

const ANCHORS: readonly AnchorName[] = ["awsConfig", "cdkNag"];

/** Anchor control to the names of the policies whose metadata claims it. */
function claims(anchor: AnchorName): Map<string, string[]> {
    const byControl = new Map<string, string[]>();
    for (const metadata of Object.values(policyMetadata)) {
        for (const id of metadata.anchors?.[anchor] ?? []) {
            byControl.set(id, [...(byControl.get(id) ?? []), metadata.name]);
        }
    }
    return byControl;
}

describe("the HIPAA anchor list (policies/anchors.ts)", () => {
    it("holds the 112 Config rules and 90 cdk-nag rules judgeable before deployment, 128 controls counted once", () => {
        assert.equal(AWS_CONFIG_CONTROLS.length, 112);
        assert.equal(CDK_NAG_CONTROLS.length, 90);
        assert.equal(distinctControls().length, 128);
        // The conformance pack has 130 rules: the 112 above and 18 that only run-time state can judge.
        assert.equal(OUT_OF_SCOPE.filter((control) => control.anchor === "awsConfig").length, 18);
    });

    it("names each control once, and gives a reason for each one out of scope", () => {
        for (const anchor of ANCHORS) {
            const ids = ANCHOR_CONTROLS[anchor].map((control) => control.id);
            assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], `duplicates in ${anchor}`);
        }
        const inScope = new Set(AWS_CONFIG_CONTROLS.map((control) => control.id));
        assert.deepEqual(OUT_OF_SCOPE.filter((control) => inScope.has(control.id) || control.reason.trim() === "").map((c) => c.id), []);
    });

    it("links each cdk-nag rule to a Config rule of the pack, or to none when its counterpart is not in the pack", () => {
        const config = new Set(AWS_CONFIG_CONTROLS.map((control) => control.id));
        const dangling = CDK_NAG_CONTROLS.filter((control) => control.sameAs !== undefined && !config.has(control.sameAs));
        assert.deepEqual(dangling.map((control) => `${control.id} -> ${control.sameAs}`), []);
        assert.equal(CDK_NAG_CONTROLS.filter((control) => control.sameAs === undefined).length, 16);
    });
});

describe("the pack's coverage of the HIPAA anchors", () => {
    for (const anchor of ANCHORS) {
        it(`implements every ${anchor} control of the list in at least one policy`, () => {
            const claimed = claims(anchor);
            const missing = ANCHOR_CONTROLS[anchor].filter((control) => !claimed.has(control.id)).map((control) => control.id);
            assert.deepEqual(missing, [], `${missing.length} ${anchor} control(s) no policy implements: ${missing.join(", ")}`);
        });

        it(`names in its ${anchor} anchors only controls of the list`, () => {
            const known = new Set(ANCHOR_CONTROLS[anchor].map((control) => control.id));
            const unknown = [...claims(anchor)].filter(([id]) => !known.has(id)).map(([id, policies]) => `${id} (${policies.join(", ")})`);
            assert.deepEqual(unknown, [], `anchors naming no listed ${anchor} control: ${unknown.join(", ")}`);
        });
    }
});
