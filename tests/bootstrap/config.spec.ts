import { strict as assert } from "assert";
import { loadBootstrapConfig } from "../../bootstrap/config";
import { main } from "../../bootstrap/preview";
import { StackConfigError } from "../../stacks/problems";
import { SHARED_ACCOUNT, stackFile } from "./support";

/** The settings as the CLI hands them to the program: `namespace:key` to a string, structured values as JSON. */
function raw(config: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
}

function problemsOf(config: Record<string, unknown>): Array<{ key: string; expected: string; received: string }> {
    try {
        loadBootstrapConfig("shared", raw(config));
    } catch (error) {
        assert.ok(error instanceof StackConfigError, String(error));
        return [...error.problems];
    }
    assert.fail("the settings were accepted");
}

const STACKS = "clinical-platform-bootstrap:stacks";

describe("the account bootstrap's settings", () => {
    it("accepts the committed shape and derives each stack's regions: its own, its DR region and us-east-1 for the edge", () => {
        const config = loadBootstrapConfig("shared", raw(SHARED_ACCOUNT));
        assert.deepEqual(config.stacks.map((s) => [s.name, s.environment, s.regions]), [
            ["staging", "staging", ["eu-west-1", "us-east-1"]],
            ["production", "production-eu", ["eu-central-1", "eu-west-1", "us-east-1"]],
        ]);
    });

    it("refuses a DR region that is the stack's own region or no AWS region", () => {
        for (const drRegion of ["eu-central-1", "eu-west-9"]) {
            const [problem] = problemsOf({ ...SHARED_ACCOUNT, [STACKS]: { production: { environment: "production", region: "eu-central-1", drRegion } } });
            assert.equal(problem.key, `${STACKS}.production.drRegion`);
            assert.match(problem.expected, /a commercial AWS region other than its own/);
        }
    });

    it("names the repository key when it is missing or not owner/name", () => {
        const { "clinical-platform-bootstrap:repository": _repository, ...without } = SHARED_ACCOUNT;
        assert.deepEqual(problemsOf(without).map((p) => p.key), ["clinical-platform-bootstrap:repository"]);
        const [problem] = problemsOf({ ...SHARED_ACCOUNT, "clinical-platform-bootstrap:repository": "https://github.com/acme-health/clinical-platform" });
        assert.equal(problem.key, "clinical-platform-bootstrap:repository");
        assert.match(problem.expected, /owner\/name/);
    });

    it("refuses a GitHub environment that could widen the trusted subject, naming the stack", () => {
        const [problem] = problemsOf({ ...SHARED_ACCOUNT, [STACKS]: { production: { environment: "prod*", region: "eu-west-1" } } });
        assert.equal(problem.key, `${STACKS}.production.environment`);
        assert.equal(problem.received, '"prod*"');
    });

    it("refuses two stacks sharing one environment, and two stacks owning the account's resources", () => {
        const problems = problemsOf({
            ...SHARED_ACCOUNT,
            [STACKS]: {
                staging: { environment: "shared", region: "eu-west-1", ownsAccountResources: true },
                production: { environment: "shared", region: "eu-west-1", ownsAccountResources: true },
            },
        });
        assert.deepEqual(problems.map((p) => p.key), [`${STACKS}.production.environment`, STACKS]);
        assert.match(problems[0].expected, /stack staging already does/);
        assert.match(problems[1].expected, /at most one stack with ownsAccountResources: true/);
    });

    it("lists every problem at once: no stacks, a region that is no AWS region, an account that is not one id, an unknown key with its likely meaning", () => {
        const problems = problemsOf({
            "aws:region": "eu-west-9",
            "aws:allowedAccountIds": ["210987654321", "111122223333"],
            "clinical-platform-bootstrap:repository": "acme-health/clinical-platform",
            "clinical-platform-bootstrap:stateBucket": "acme-state",
            [STACKS]: {},
        });
        assert.deepEqual(problems.map((p) => p.key).sort(), ["aws:allowedAccountIds", "aws:region", "clinical-platform-bootstrap:stateBucket", STACKS].sort());
        assert.match(problems.find((p) => p.key === "clinical-platform-bootstrap:stateBucket")?.expected ?? "", /did you mean clinical-platform-bootstrap:stateBucketName\?/);
    });

    it("names a misspelt field of a stack entry and the field it likely meant", () => {
        const [problem] = problemsOf({ ...SHARED_ACCOUNT, [STACKS]: { staging: { enviroment: "staging", environment: "staging", region: "eu-west-1" } } });
        assert.equal(problem.key, `${STACKS}.staging.enviroment`);
        assert.match(problem.expected, /did you mean environment\?/);
    });

    it("refuses a state bucket name S3 would refuse", () => {
        const [problem] = problemsOf({ ...SHARED_ACCOUNT, "clinical-platform-bootstrap:stateBucketName": "Acme_State" });
        assert.equal(problem.key, "clinical-platform-bootstrap:stateBucketName");
    });

    it("makes the preview command exit 2 on invalid settings and on an unknown stack, before registering anything", async () => {
        const errors: string[] = [];
        const original = console.error;
        console.error = (message: string) => errors.push(message);
        try {
            assert.equal(await main(["--stack", "shared", "--config-file", stackFile("shared", { ...SHARED_ACCOUNT, [STACKS]: {} })]), 2);
            assert.match(errors.join("\n"), /clinical-platform-bootstrap:stacks: expected a mapping of at least one platform stack/);
            assert.equal(await main(["--stack", "no-such-account"]), 2);
            assert.match(errors.join("\n"), /no bootstrap stack no-such-account/);
        } finally {
            console.error = original;
        }
    });
});

describe("a stack's break-glass environment in the account bootstrap", () => {
    it("must be an environment no stack uses as its own", () => {
        const problems = problemsOf({
            ...SHARED_ACCOUNT,
            [STACKS]: {
                staging: { environment: "staging", region: "eu-west-1", ownsAccountResources: true },
                production: { environment: "production-eu", breakGlassEnvironment: "staging", region: "eu-central-1" },
            },
        });
        assert.deepEqual(problems.map((p) => p.key), [`${STACKS}.production.breakGlassEnvironment`]);
        assert.match(problems[0].expected, /no stack uses as its own/);
    });
});
