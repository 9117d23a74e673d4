import { strict as assert } from "node:assert";
import { resourceTypesOf } from "../../policies/lib/policy";
import { allPolicies } from "../../policies/rules";
import { assertExactMessages } from "./harness/cases";

describe("the rule-spec harness", () => {
    it("knows the resource types of every policy, which the analyzer protocol never sees", () => {
        const unknown = allPolicies.filter((policy) => resourceTypesOf(policy) === undefined).map((policy) => policy.name);
        assert.deepEqual(unknown, []);
        // Not enumerable: the pack's GetAnalyzerInfo and the SDK copy enumerable fields only.
        assert.ok(allPolicies.every((policy) => !Object.keys(policy).includes("resourceTypes")));
        // A resource rule judges at least one type; a stack rule may apply to any stack.
        const typeless = allPolicies.filter((policy) => "validateResource" in policy && resourceTypesOf(policy)?.length === 0).map((policy) => policy.name);
        assert.deepEqual(typeless, []);
    });

    it("takes one RegExp as exactly one message, and an array as exactly those messages", () => {
        assert.doesNotThrow(() => assertExactMessages(["kmsKeyId is not set"], /kmsKeyId/));
        assert.throws(() => assertExactMessages(["kmsKeyId is not set", "encrypted is false"], /kmsKeyId/), /expected 1 message/);
        assert.throws(() => assertExactMessages([], /kmsKeyId/), /expected 1 message/);
        assert.doesNotThrow(() => assertExactMessages(["encrypted is false", "kmsKeyId is not set"], [/kmsKeyId/, /encrypted/]));
        // Each pattern needs a message of its own.
        assert.throws(() => assertExactMessages(["kmsKeyId is not set", "kmsKeyId is empty"], [/kmsKeyId/, /encrypted/]), /no remaining message matches/);
    });
});
