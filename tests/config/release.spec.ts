import { strict as assert } from "assert";
import { ConfigProblem, PROJECT, StackConfigError, loadStackConfig } from "../../stacks";
import { readStackFile } from "../../stacks/stack-file";
import { StackName, specStackFile } from "../harness/stacks";

type Raw = Record<string, string>;

function committed(stack: StackName): Raw {
    return readStackFile(specStackFile(stack), PROJECT);
}

/** The committed settings of `stack` with `edit` applied to the decoded value of one project key. */
function edited(stack: StackName, key: string, edit: (value: Record<string, unknown>) => void): Raw {
    const raw = committed(stack);
    const value = JSON.parse(raw[`${PROJECT}:${key}`] ?? "{}");
    edit(value);
    return { ...raw, [`${PROJECT}:${key}`]: JSON.stringify(value) };
}

function problemsOf(raw: Raw, stack: StackName): ConfigProblem[] {
    try {
        loadStackConfig(stack, raw);
    } catch (error) {
        assert.ok(error instanceof StackConfigError, `expected a StackConfigError, got ${error}`);
        return [...error.problems];
    }
    assert.fail("the config was accepted");
}

function problemAt(raw: Raw, stack: StackName, key: string): ConfigProblem {
    const problems = problemsOf(raw, stack);
    const found = problems.find((problem) => problem.key === `${PROJECT}:${key}`);
    assert.ok(found, `no problem at ${key}; got ${problems.map((problem) => problem.key).join(", ")}`);
    return found;
}

describe("release settings in the stack config", () => {
    it("gives every stack the migration command its file names, run within the profile's timeout", () => {
        const raw = edited("staging", "release", (release) => { release.migration = { command: ["node", "migrate.js", "--to", "latest"] }; });
        const config = loadStackConfig("staging", raw);
        assert.deepEqual(config.release.migrationCommand, ["node", "migrate.js", "--to", "latest"]);
        assert.equal(config.release.migrationTimeoutMinutes, 30);
    });

    it("snapshots the database before each migration in production only, keeping the snapshot a month", () => {
        const production = loadStackConfig("production", committed("production")).release;
        assert.equal(production.snapshotBeforeMigration, true);
        assert.equal(production.snapshotRetentionDays, 30);
        assert.equal(loadStackConfig("staging", committed("staging")).release.snapshotBeforeMigration, false);
        assert.equal(loadStackConfig("dev", committed("dev")).release.snapshotBeforeMigration, false);
    });

    it("rolls back automatically and walks 10, 25, 50 and 100 % in production unless overridden", () => {
        const release = loadStackConfig("production", committed("production")).release;
        assert.equal(release.autoRollback, true);
        assert.deepEqual(release.canarySteps, [10, 25, 50, 100]);
        const overridden = loadStackConfig("production", edited("production", "overrides", (overrides) => {
            overrides.release = { canarySteps: [5, 50, 100], canaryHoldMinutes: 20 };
        })).release;
        assert.deepEqual(overridden.canarySteps, [5, 50, 100]);
        assert.equal(overridden.canaryHoldMinutes, 20);
    });

    it("refuses a stack file without a migration command, saying what a command looks like", () => {
        const raw = committed("dev");
        delete raw[`${PROJECT}:release`];
        const problem = problemAt(raw, "dev", "release");
        assert.match(problem.expected, /migration command/);
        const empty = problemAt(edited("dev", "release", (release) => { release.migration = { command: [] }; }), "dev", "release.migration.command");
        assert.match(empty.expected, /at least one word/);
    });

    it("refuses a migration command written as one shell string rather than a list of words", () => {
        const problem = problemAt(edited("dev", "release", (release) => { release.migration = { command: "node migrate.js" }; }), "dev", "release.migration.command");
        assert.match(problem.expected, /exec-form command as a list/);
    });

    it("refuses canary steps that do not rise to 100", () => {
        for (const steps of [[10, 50], [50, 25, 100], [10, 10, 100]]) {
            const raw = edited("staging", "overrides", (overrides) => { overrides.release = { canarySteps: steps }; });
            const problem = problemAt(raw, "staging", "overrides.release.canarySteps");
            assert.match(problem.expected, /rise step by step and end at 100/);
            assert.equal(problem.received, JSON.stringify(steps));
        }
    });

    it("refuses a production release without the snapshot before its migration", () => {
        const raw = edited("production", "overrides", (overrides) => { overrides.release = { snapshotBeforeMigration: false }; });
        const problem = problemAt(raw, "production", "overrides.release.snapshotBeforeMigration");
        assert.match(problem.expected, /true in production/);
        const staging = edited("staging", "overrides", (overrides) => { overrides.release = { snapshotBeforeMigration: false }; });
        assert.equal(loadStackConfig("staging", staging).release.snapshotBeforeMigration, false);
    });

    it("refuses a smoke command that is empty", () => {
        const raw = edited("staging", "release", (release) => { release.smoke = { command: "" }; });
        assert.match(problemAt(raw, "staging", "release.smoke.command").expected, /shell command/);
    });
});

describe("secret settings in the stack config", () => {
    it("rotate production's secrets monthly and the others' quarterly, each recoverable for the profile's window", () => {
        assert.deepEqual(loadStackConfig("production", committed("production")).secrets, { rotationDays: 30, recoveryWindowDays: 30 });
        assert.deepEqual(loadStackConfig("staging", committed("staging")).secrets, { rotationDays: 90, recoveryWindowDays: 30 });
        assert.deepEqual(loadStackConfig("dev", committed("dev")).secrets, { rotationDays: 90, recoveryWindowDays: 7 });
    });

    it("take overrides within what Secrets Manager accepts, and refuse the rest naming the key", () => {
        const overridden = loadStackConfig("staging", edited("staging", "overrides", (overrides) => { overrides.secrets = { rotationDays: 45 }; }));
        assert.deepEqual(overridden.secrets, { rotationDays: 45, recoveryWindowDays: 30 });
        const tooShort = edited("staging", "overrides", (overrides) => { overrides.secrets = { recoveryWindowDays: 3 }; });
        assert.match(problemAt(tooShort, "staging", "overrides.secrets.recoveryWindowDays").expected, /from 7 to 30/);
        const tooLong = edited("staging", "overrides", (overrides) => { overrides.secrets = { rotationDays: 1001 }; });
        assert.match(problemAt(tooLong, "staging", "overrides.secrets.rotationDays").expected, /from 1 to 1000/);
    });
});
