import { strict as assert } from "assert";
import { canaryPlan } from "../../infra/traffic/canary";
import { TrafficRefusal, TrafficState, candidateSlot, parsePercent, plan, sameState } from "../../infra/traffic/plan";

const released: TrafficState = {
    stableSlot: "blue",
    slots: { blue: { image: "registry.example.com/clinical-api:1.4.2", weight: 100 }, green: { image: "registry.example.com/clinical-api:1.5.0", weight: 0 } },
};
const neverStaged: TrafficState = { stableSlot: "blue", slots: { blue: { image: "registry.example.com/clinical-api:1.4.2", weight: 100 }, green: { weight: 0 } } };

describe("a traffic plan", () => {
    it("treats the slot that is not stable as the candidate", () => {
        assert.equal(candidateSlot(released), "green");
        assert.equal(candidateSlot({ ...released, stableSlot: "green" }), "blue");
    });

    it("stages an image on the candidate at weight 0 and leaves the stable slot alone", () => {
        const next = plan(released, { name: "stage", image: "registry.example.com/clinical-api:1.6.0" });
        assert.deepEqual(next.slots.green, { image: "registry.example.com/clinical-api:1.6.0", weight: 0 });
        assert.deepEqual(next.slots.blue, released.slots.blue);
        assert.equal(next.stableSlot, "blue");
    });

    it("shifts the given share to the candidate and the rest to the stable slot", () => {
        const next = plan(released, { name: "shift", percent: 25 });
        assert.deepEqual([next.slots.blue.weight, next.slots.green.weight, next.stableSlot], [75, 25, "blue"]);
    });

    it("promotes the candidate to all traffic and makes it the stable slot", () => {
        const next = plan(plan(released, { name: "shift", percent: 10 }), { name: "promote" });
        assert.deepEqual([next.slots.blue.weight, next.slots.green.weight, next.stableSlot], [0, 100, "green"]);
    });

    it("rolls all traffic back to the stable slot without changing which slot that is", () => {
        const next = plan(plan(released, { name: "shift", percent: 40 }), { name: "rollback" });
        assert.deepEqual([next.slots.blue.weight, next.slots.green.weight, next.stableSlot], [100, 0, "blue"]);
        assert.ok(sameState(next, released));
    });

    it("leaves the state it was given untouched", () => {
        const before = JSON.stringify(released);
        plan(released, { name: "promote" });
        assert.equal(JSON.stringify(released), before);
    });

    it("refuses to shift or promote to a slot without an image", () => {
        assert.throws(() => plan(neverStaged, { name: "shift", percent: 10 }), (error: Error) => error instanceof TrafficRefusal && /slot green has no image/.test(error.message));
        assert.throws(() => plan(neverStaged, { name: "promote" }), /cannot promote slot green: slot green has no image/);
    });

    it("refuses to stage over a candidate that carries traffic", () => {
        const canary = plan(released, { name: "shift", percent: 10 });
        assert.throws(() => plan(canary, { name: "stage", image: "registry.example.com/clinical-api:1.6.0" }), /it carries 10 % of traffic; promote or roll back first/);
    });

    it("reads a percentage with or without the sign and refuses anything else", () => {
        assert.equal(parsePercent("10"), 10);
        assert.equal(parsePercent("100%"), 100);
        assert.equal(parsePercent("0"), 0);
        for (const bad of ["101", "-5", "12.5", "ten", "", undefined]) {
            assert.throws(() => parsePercent(bad), /expected a whole percentage from 0 to 100/, String(bad));
        }
    });

    it("rolls back to the state before a promote when told what it was, and to a named release from the slot holding it", () => {
        const promoted = plan(released, { name: "promote" });
        const back = plan(promoted, { name: "rollback", undo: released });
        assert.ok(sameState(back, released));
        const named = plan(released, { name: "rollback", image: "registry.example.com/clinical-api:1.5.0" });
        assert.deepEqual([named.stableSlot, named.slots.blue.weight, named.slots.green.weight], ["green", 0, 100]);
    });
});

describe("a canary plan", () => {
    it("shifts through each share above the candidate's current one, then promotes", () => {
        const steps = canaryPlan(released, [10, 25, 50, 100]);
        assert.deepEqual(steps.map((s) => [s.percent, s.promote, s.state.slots.green.weight, s.state.stableSlot]), [
            [10, false, 10, "blue"], [25, false, 25, "blue"], [50, false, 50, "blue"], [100, true, 100, "green"],
        ]);
        assert.equal(steps[1].state.slots.blue.weight, 75);
    });

    it("resumes from the share the candidate already has", () => {
        const steps = canaryPlan(plan(released, { name: "shift", percent: 25 }), [10, 25, 50, 100]);
        assert.deepEqual(steps.map((s) => s.percent), [50, 100]);
    });

    it("refuses steps that do not rise to 100, and a candidate without an image", () => {
        for (const bad of [[10, 50], [50, 10, 100], []]) assert.throws(() => canaryPlan(released, bad), /must rise step by step and end at 100/);
        assert.throws(() => canaryPlan(neverStaged, [50, 100]), /slot green has no image/);
    });
});

describe("staging over a breaking migration", () => {
    it("clears the stable slot's breakingMigration, and leaves a slot without the flag without one", () => {
        const flagged: TrafficState = { ...released, slots: { ...released.slots, blue: { ...released.slots.blue, breakingMigration: true } } };
        const next = plan(flagged, { name: "stage", image: "registry.example.com/clinical-api:1.6.0" });
        assert.equal(next.slots.blue.breakingMigration, false);
        assert.ok(!sameState(next, { ...flagged, slots: { ...flagged.slots, green: next.slots.green } }), "clearing the flag is a change");
        assert.equal(plan(released, { name: "stage", image: "registry.example.com/clinical-api:1.6.0" }).slots.blue.breakingMigration, undefined);
    });
});
