import { strict as assert } from "assert";
import { ConfigProblem, PROJECT, StackConfigError, loadStackConfig } from "../../stacks";
import { readStackFile } from "../../stacks/stack-file";
import { StackName, specStackFile } from "../harness/stacks";

type Raw = Record<string, string>;

function committed(stack: StackName): Raw {
    return readStackFile(specStackFile(stack), PROJECT);
}

/** The committed settings of `stack` with one project key set to `value` (undefined removes it). */
function withKey(stack: StackName, key: string, value: unknown): Raw {
    const raw = committed(stack);
    if (value === undefined) delete raw[`${PROJECT}:${key}`];
    else raw[`${PROJECT}:${key}`] = JSON.stringify(value);
    return raw;
}

function withOverrides(stack: StackName, recovery: Record<string, unknown>): Raw {
    const raw = committed(stack);
    const overrides = JSON.parse(raw[`${PROJECT}:overrides`] ?? "{}");
    return { ...raw, [`${PROJECT}:overrides`]: JSON.stringify({ ...overrides, recovery }) };
}

function problemAt(raw: Raw, stack: StackName, key: string): ConfigProblem {
    let problems: ConfigProblem[] = [];
    try {
        loadStackConfig(stack, raw);
        assert.fail("the config was accepted");
    } catch (error) {
        assert.ok(error instanceof StackConfigError, `expected a StackConfigError, got ${error}`);
        problems = [...error.problems];
    }
    const found = problems.find((problem) => problem.key === `${PROJECT}:${key}`);
    assert.ok(found, `no problem at ${key}; got ${problems.map((problem) => `${problem.key}: ${problem.expected}`).join("; ")}`);
    return found;
}

describe("disaster-recovery settings in the stack config", () => {
    it("names us-west-2 as production's DR region, with 35 days of daily AWS Backup recovery points in locked vaults", () => {
        const { recovery, region } = loadStackConfig("production", committed("production"));
        assert.equal(recovery.drRegion, "us-west-2");
        assert.notEqual(recovery.drRegion, region);
        assert.equal(recovery.backupIntervalHours, 24);
        assert.ok(recovery.backupRetentionDays >= 35, "the issue asks for 35 days or more in production");
        assert.equal(recovery.vaultLock, true);
    });

    it("gives staging a DR region with unlocked vaults, and dev none", () => {
        const staging = loadStackConfig("staging", committed("staging")).recovery;
        assert.equal(staging.drRegion, "us-west-2");
        assert.equal(staging.vaultLock, false);
        assert.ok(staging.backupIntervalHours <= 24);
        assert.equal(loadStackConfig("dev", committed("dev")).recovery.drRegion, undefined);
    });

    it("refuses a production stack without a DR region", () => {
        const problem = problemAt(withKey("production", "recovery", undefined), "production", "recovery.drRegion");
        assert.match(problem.expected, /DR region in production/);
    });

    it("refuses a DR region in dev", () => {
        const problem = problemAt(withKey("dev", "recovery", { drRegion: "us-west-2" }), "dev", "recovery");
        assert.match(problem.expected, /no recovery block in dev/);
    });

    it("refuses the stack's own region as its DR region", () => {
        const problem = problemAt(withKey("staging", "recovery", { drRegion: "us-east-1" }), "staging", "recovery.drRegion");
        assert.match(problem.expected, /other than the stack's own us-east-1/);
        assert.equal(problem.received, "us-east-1");
    });

    it("refuses a DR region that is no served AWS region, and a recovery block without one", () => {
        assert.match(problemAt(withKey("production", "recovery", { drRegion: "us-west-9" }), "production", "recovery.drRegion").expected, /known AWS region/);
        assert.match(problemAt(withKey("production", "recovery", { drRegion: "cn-north-1" }), "production", "recovery.drRegion").expected, /commercial aws partition/);
        assert.match(problemAt(withKey("staging", "recovery", {}), "staging", "recovery.drRegion").expected, /AWS region/);
    });

    it("refuses backups less often than daily", () => {
        const problem = problemAt(withOverrides("staging", { backupIntervalHours: 48 }), "staging", "overrides.recovery.backupIntervalHours");
        assert.match(problem.expected, /at least one a day/);
        assert.match(problemAt(withOverrides("staging", { backupIntervalHours: 5 }), "staging", "overrides.recovery.backupIntervalHours").expected, /one of 1, 2, 3, 4, 6, 8, 12, 24/);
    });

    it("refuses fewer than 35 days of recovery points in production", () => {
        const problem = problemAt(withOverrides("production", { backupRetentionDays: 30 }), "production", "overrides.recovery.backupRetentionDays");
        assert.match(problem.expected, /at least 35 days in production/);
        assert.doesNotThrow(() => loadStackConfig("staging", withOverrides("staging", { backupRetentionDays: 7 })));
    });

    it("refuses an unlocked vault in production and a locked one anywhere else", () => {
        assert.match(problemAt(withOverrides("production", { vaultLock: false }), "production", "overrides.recovery.vaultLock").expected, /true in production/);
        assert.match(problemAt(withOverrides("staging", { vaultLock: true }), "staging", "overrides.recovery.vaultLock").expected, /can never be lifted/);
    });

    it("refuses a retention longer than a locked vault's maximum of a year", () => {
        const problem = problemAt(withOverrides("production", { backupRetentionDays: 400 }), "production", "overrides.recovery.backupRetentionDays");
        assert.match(problem.expected, /at most 365 days in a locked vault/);
    });
});
