import { strict as assert } from "node:assert";
import { allPolicies } from "../../../policies/rules";
import { exercised } from "../harness/cases";
// Loading the rule specs registers their cases, whether mocha runs them in this process or not.
import "./backup.spec";
import "./baseline.spec";
import "./cloudfront.spec";
import "./edge.spec";
import "./eks.spec";
import "./iam.spec";
import "./kubernetes.spec";
import "./lambda.spec";
import "./monitoring.spec";
import "./network.spec";
import "./partials.spec";
import "./rds.spec";
import "./s3.spec";
import "./secrets-kms.spec";

describe("the rule specs", () => {
    it("give every policy of the pack at least one accepted and one rejected case", () => {
        const lacking = allPolicies
            .map((policy) => ({ name: policy.name, cases: exercised.get(policy.name) ?? { accepts: 0, rejects: 0 } }))
            .filter(({ cases }) => cases.accepts === 0 || cases.rejects === 0)
            .map(({ name, cases }) => `${name} (accepts ${cases.accepts}, rejects ${cases.rejects})`);
        assert.deepEqual(lacking, []);
    });

    it("exercise no policy that is missing from the pack", () => {
        const names = new Set(allPolicies.map((policy) => policy.name));
        assert.deepEqual([...exercised.keys()].filter((name) => !names.has(name)), []);
    });
});
