import { strict as assert } from "assert";
import * as path from "path";
import { REPOSITORY_ROOT } from "../../infra/offline/preview";
import { ConfigProblem, PROFILES, PROJECT, StackConfigError, loadStackConfig } from "../../stacks";
import { readStackFile } from "../../stacks/stack-file";
import { STACKS } from "../harness/stacks";

function withOverrides(overrides: unknown, stack = "production"): Record<string, string> {
    const raw = readStackFile(path.join(REPOSITORY_ROOT, `Pulumi.${stack}.yaml`), PROJECT);
    return { ...raw, [`${PROJECT}:overrides`]: JSON.stringify(overrides) };
}

function problemsOf(raw: Record<string, string>, stack = "production"): ConfigProblem[] {
    try {
        loadStackConfig(stack, raw);
    } catch (error) {
        assert.ok(error instanceof StackConfigError);
        return [...error.problems];
    }
    assert.fail("the config was accepted");
}

describe("the edge settings of a stack", () => {
    it("take the firewall rate limit from the environment profile", () => {
        for (const stack of STACKS) {
            const config = loadStackConfig(stack, withOverrides({}, stack));
            assert.equal(config.edge.requestsPerIpPerFiveMinutes, PROFILES[stack].edge.requestsPerIpPerFiveMinutes);
        }
        assert.ok(PROFILES.production.edge.requestsPerIpPerFiveMinutes > PROFILES.dev.edge.requestsPerIpPerFiveMinutes, "production admits a whole hospital behind one address");
    });

    it("let a stack override the rate limit", () => {
        const config = loadStackConfig("production", withOverrides({ edge: { requestsPerIpPerFiveMinutes: 50000 } }));
        assert.equal(config.edge.requestsPerIpPerFiveMinutes, 50000);
    });

    it("refuse a rate limit below 100 requests, naming the key, the range and the value", () => {
        const problems = problemsOf(withOverrides({ edge: { requestsPerIpPerFiveMinutes: 50 } }));
        assert.deepEqual(problems, [{
            key: "clinical-platform:overrides.edge.requestsPerIpPerFiveMinutes",
            expected: "an integer from 100 to 2000000000",
            received: "50",
        }]);
    });

    it("refuse a rate limit that is not a whole number", () => {
        const [problem] = problemsOf(withOverrides({ edge: { requestsPerIpPerFiveMinutes: "lots" } }));
        assert.equal(problem.key, "clinical-platform:overrides.edge.requestsPerIpPerFiveMinutes");
        assert.equal(problem.received, '"lots"');
    });

    it("refuse an unknown edge key and suggest the known one", () => {
        const [problem] = problemsOf(withOverrides({ edge: { requestsPerIpPer5Minutes: 3000 } }));
        assert.equal(problem.key, "clinical-platform:overrides.edge.requestsPerIpPer5Minutes");
        assert.match(problem.expected, /requestsPerIpPerFiveMinutes/);
        assert.match(problem.expected, /did you mean requestsPerIpPerFiveMinutes\?/);
        assert.equal(problem.received, "an unknown key");
    });
});
