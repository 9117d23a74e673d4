import { strict as assert } from "assert";
import { CanaryTools, StepOutcome, canaryPlan, runCanary } from "../../infra/traffic/canary";
import { TrafficState } from "../../infra/traffic/plan";
import { FakeAlarms, firingFrom } from "./fakes";

const released: TrafficState = {
    stableSlot: "blue",
    slots: { blue: { image: "registry.example.com/clinical-api:1.4.2", weight: 100 }, green: { image: "registry.example.com/clinical-api:1.5.0", weight: 0 } },
};
const NAMES = ["p-green-error-rate", "p-green-latency-p95"];

/** A canary over [10, 50, 100] held 5 minutes, read every minute, with fake alarms and a fake apply. */
function walk(alarms: FakeAlarms, outcomes: StepOutcome[] = []) {
    const applied: Array<{ label: string; green: number; stable: string; stoppedBy?: string }> = [];
    const clock = alarms.tools();
    const tools: CanaryTools = {
        apply: (label, state, extra) => {
            applied.push({ label, green: state.slots.green.weight, stable: state.stableSlot, ...(extra?.stoppedBy ? { stoppedBy: extra.stoppedBy } : {}) });
            return outcomes[applied.length - 1] ?? "applied";
        },
        alarms: clock.alarms,
        now: clock.now,
        sleep: clock.sleep,
        log: () => undefined,
    };
    const result = runCanary(canaryPlan(released, [10, 50, 100]), { holdMinutes: 5, pollSeconds: 60, alarmNames: NAMES, start: released }, tools);
    return { result, applied };
}

describe("the canary loop", () => {
    it("holds each share for the hold time, reading the alarms once a minute, and promotes after the last hold", () => {
        const alarms = new FakeAlarms();
        const { result, applied } = walk(alarms);
        assert.deepEqual(result, { outcome: "promoted" });
        assert.deepEqual(applied.map((a) => [a.label, a.green, a.stable]), [["canary: shift 10", 10, "blue"], ["canary: shift 50", 50, "blue"], ["canary: promote", 100, "green"]]);
        assert.equal(alarms.clock, 2 * 5 * 60_000);
        assert.deepEqual(alarms.reads.slice(0, 6).map((r) => r.at / 60_000), [0, 1, 2, 3, 4, 5], "read at the start and after each minute, the last at the end of the hold");
    });

    it("rolls back as soon as an alarm is in ALARM, naming it", () => {
        const alarms = new FakeAlarms();
        alarms.script = firingFrom(8, "p-green-latency-p95");
        const { result, applied } = walk(alarms);
        assert.equal(result.outcome, "rolled-back");
        assert.deepEqual(applied.at(-1), { label: "canary: rollback", green: 0, stable: "blue", stoppedBy: "p-green-latency-p95 in ALARM" });
        // Six readings hold the first step (minutes 0 to 5); the ninth is the second step's third, at its minute 2.
        assert.equal(alarms.clock, (5 + 2) * 60_000);
    });

    it("goes on through INSUFFICIENT_DATA (a small share may send too few requests) but never blind: three unreadable readings in a row stop it", () => {
        const quiet = new FakeAlarms();
        quiet.script = (_call, names) => ({ states: Object.fromEntries(names.map((name) => [name, "INSUFFICIENT_DATA"])) });
        assert.equal(walk(quiet).result.outcome, "promoted");

        const flaky = new FakeAlarms();
        flaky.script = (call, names) => (call % 2 === 1 ? { error: "throttled" } : { states: Object.fromEntries(names.map((name) => [name, "OK"])) });
        assert.equal(walk(flaky).result.outcome, "promoted", "one failure at a time is tolerated");

        const blind = new FakeAlarms();
        blind.script = (call, names) => (call >= 2 ? { error: "AccessDenied" } : { states: Object.fromEntries(names.map((name) => [name, "OK"])) });
        const { result } = walk(blind);
        assert.equal(result.outcome, "rolled-back");
        assert.match((result as { alarm: string }).alarm, /alarms unreadable 3 times in a row \(AccessDenied\)/);
    });

    it("stops when an alarm it should watch does not exist", () => {
        const alarms = new FakeAlarms();
        alarms.script = () => ({ states: { "p-green-error-rate": "OK" } });
        const { result } = walk(alarms);
        assert.equal(result.outcome, "rolled-back");
        assert.match((result as { alarm: string }).alarm, /alarm p-green-latency-p95 does not exist/);
    });

    it("stops without a rollback when a step cannot be applied, saying what was last applied", () => {
        const { result, applied } = walk(new FakeAlarms(), ["applied", "failed"]);
        assert.equal(result.outcome, "not-applied");
        assert.equal((result as { lastApplied: TrafficState }).lastApplied.slots.green.weight, 10);
        assert.equal(applied.length, 2);
    });
});
