import { strict as assert } from "node:assert";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { resourceTypesOf } from "../../../policies/lib/policy";
import { type Outcome, type TestResource, runResourcePolicy, runStackPolicy } from "./server";

/** A resource, or a resource checked under a non-default pack config. */
export type ResourceCase = TestResource | { subject: TestResource; config: Record<string, unknown> };

/**
 * The messages a rejection must produce, and no others: one RegExp is exactly one violation that
 * matches it; an array is exactly that many violations, each matched by its own RegExp.
 */
export type ExpectedMessages = RegExp | readonly RegExp[];

export interface StackRejection {
    resources: TestResource[];
    /** Names of the resources the policy must report, and only those ("(stack)" for a finding about the stack). */
    offenders: string[];
    /** One RegExp: one violation per offender, each matching it. An array: exactly these violations. */
    message: ExpectedMessages;
    config?: Record<string, unknown>;
}

export type StackCase = TestResource[] | { resources: TestResource[]; config: Record<string, unknown> };

/** How many accepting, not-applicable and rejecting cases each policy has, for the coverage spec. */
export const exercised = new Map<string, { accepts: number; notApplicable: number; rejects: number }>();

function count(policy: string, kind: "accepts" | "notApplicable" | "rejects"): void {
    const entry = exercised.get(policy) ?? { accepts: 0, notApplicable: 0, rejects: 0 };
    entry[kind] += 1;
    exercised.set(policy, entry);
}

function unpack(testCase: ResourceCase): { subject: TestResource; config: Record<string, unknown> } {
    return "subject" in testCase ? testCase : { subject: testCase, config: {} };
}

function unpackStack(testCase: StackCase): { resources: TestResource[]; config: Record<string, unknown> } {
    return Array.isArray(testCase) ? { resources: testCase, config: {} } : testCase;
}

function assertNoPreviewNotice(outcome: Outcome): void {
    assert.deepEqual(outcome.previewNotices, [], "the policy read a value that is unknown during preview");
}

/** The policy judged the case: it did not declare itself not applicable. */
function assertEvaluated(outcome: Outcome): void {
    assert.deepEqual(outcome.notApplicable, [], "the policy did not evaluate the case (it declared itself not applicable)");
}

/** For a resource rule: the subject is of a type the policy judges, so silence means compliance. */
function assertJudgedType(policy: ResourceValidationPolicy, subject: TestResource): void {
    const types = resourceTypesOf(policy);
    assert.ok(types !== undefined, `${policy.name} does not expose its resource types (build it with resourceRule)`);
    assert.ok(types.includes(subject.type), `${policy.name} does not judge ${subject.type} (it judges ${types.join(", ")}): a case for notApplicable`);
}

/** Whether `messages` are exactly the expected ones: as many, each matched by a RegExp of its own. */
export function assertExactMessages(messages: readonly string[], expected: ExpectedMessages): void {
    const patterns = expected instanceof RegExp ? [expected] : [...expected];
    const detail = `expected ${patterns.length} message(s) matching ${patterns.join(", ")}, got ${JSON.stringify(messages)}`;
    assert.equal(messages.length, patterns.length, detail);
    const unmatched = [...messages];
    for (const pattern of patterns) {
        const index = unmatched.findIndex((text) => pattern.test(text));
        assert.ok(index >= 0, `no remaining message matches ${pattern}: ${detail}`);
        unmatched.splice(index, 1);
    }
}

export function describeResourcePolicy(
    policy: ResourceValidationPolicy,
    cases: {
        accepts: Record<string, ResourceCase>;
        notApplicable?: Record<string, ResourceCase>;
        rejects: Record<string, [ResourceCase, ExpectedMessages]>;
    },
): void {
    describe(policy.name, () => {
        for (const [title, testCase] of Object.entries(cases.accepts)) {
            count(policy.name, "accepts");
            it(`accepts ${title}`, async () => {
                const { subject, config } = unpack(testCase);
                assertJudgedType(policy, subject);
                const outcome = await runResourcePolicy(policy, subject, config);
                assertNoPreviewNotice(outcome);
                assertEvaluated(outcome);
                assert.deepEqual(outcome.violations, []);
            });
        }
        for (const [title, testCase] of Object.entries(cases.notApplicable ?? {})) {
            count(policy.name, "notApplicable");
            it(`does not apply to ${title}`, async () => {
                const { subject, config } = unpack(testCase);
                const outcome = await runResourcePolicy(policy, subject, config);
                assertNoPreviewNotice(outcome);
                assert.deepEqual(outcome.violations, []);
                const otherType = !(resourceTypesOf(policy) ?? []).includes(subject.type);
                assert.ok(
                    otherType || outcome.notApplicable.length > 0,
                    `${policy.name} judges ${subject.type} and found it compliant: call context.notApplicable for a resource it must not judge, or make this an accepting case`,
                );
            });
        }
        for (const [title, [testCase, expected]] of Object.entries(cases.rejects)) {
            count(policy.name, "rejects");
            it(`rejects ${title}`, async () => {
                const { subject, config } = unpack(testCase);
                assertJudgedType(policy, subject);
                const outcome = await runResourcePolicy(policy, subject, config);
                assertNoPreviewNotice(outcome);
                assertEvaluated(outcome);
                assertExactMessages(outcome.violations.map((violation) => violation.message), expected);
            });
        }
    });
}

export function describeStackPolicy(
    policy: StackValidationPolicy,
    cases: { accepts: Record<string, StackCase>; notApplicable?: Record<string, StackCase>; rejects: Record<string, StackRejection> },
): void {
    describe(policy.name, () => {
        for (const [title, testCase] of Object.entries(cases.accepts)) {
            count(policy.name, "accepts");
            it(`accepts ${title}`, async () => {
                const { resources, config } = unpackStack(testCase);
                const outcome = await runStackPolicy(policy, resources, config);
                assertNoPreviewNotice(outcome);
                assertEvaluated(outcome);
                assert.deepEqual(outcome.violations, []);
            });
        }
        for (const [title, testCase] of Object.entries(cases.notApplicable ?? {})) {
            count(policy.name, "notApplicable");
            it(`does not apply to ${title}`, async () => {
                const { resources, config } = unpackStack(testCase);
                const outcome = await runStackPolicy(policy, resources, config);
                assertNoPreviewNotice(outcome);
                assert.deepEqual(outcome.violations, []);
                assert.ok(outcome.notApplicable.length > 0, `${policy.name} evaluated the stack and found it compliant: make this an accepting case`);
            });
        }
        for (const [title, rejection] of Object.entries(cases.rejects)) {
            count(policy.name, "rejects");
            it(`rejects ${title}`, async () => {
                const outcome = await runStackPolicy(policy, rejection.resources, rejection.config ?? {});
                assertNoPreviewNotice(outcome);
                const names = new Map(rejection.resources.map((r) => [r.urn, r.name]));
                const reported = [...new Set(outcome.violations.map((violation) => names.get(violation.urn ?? "") ?? "(stack)"))];
                assert.deepEqual(reported.sort(), [...rejection.offenders].sort());
                const expected = rejection.message instanceof RegExp ? rejection.offenders.map(() => rejection.message as RegExp) : rejection.message;
                assertExactMessages(outcome.violations.map((violation) => violation.message), expected);
            });
        }
    });
}
