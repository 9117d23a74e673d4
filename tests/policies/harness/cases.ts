import { strict as assert } from "node:assert";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { type Outcome, type TestResource, runResourcePolicy, runStackPolicy } from "./server";

/** A resource, or a resource checked under a non-default pack config. */
export type ResourceCase = TestResource | { subject: TestResource; config: Record<string, unknown> };

export interface StackRejection {
    resources: TestResource[];
    /** Names of the resources the policy must report, and only those. */
    offenders: string[];
    message: RegExp;
    config?: Record<string, unknown>;
}

export type StackCase = TestResource[] | { resources: TestResource[]; config: Record<string, unknown> };

/** How many accepting and rejecting cases each policy has, for the coverage spec. */
export const exercised = new Map<string, { accepts: number; rejects: number }>();

function count(policy: string, kind: "accepts" | "rejects"): void {
    const entry = exercised.get(policy) ?? { accepts: 0, rejects: 0 };
    entry[kind] += 1;
    exercised.set(policy, entry);
}

function unpack(testCase: ResourceCase): { subject: TestResource; config: Record<string, unknown> } {
    return "subject" in testCase ? testCase : { subject: testCase, config: {} };
}

function assertNoPreviewNotice(outcome: Outcome): void {
    assert.deepEqual(outcome.previewNotices, [], "the policy read a value that is unknown during preview");
}

export function describeResourcePolicy(
    policy: ResourceValidationPolicy,
    cases: { accepts: Record<string, ResourceCase>; notApplicable?: Record<string, ResourceCase>; rejects: Record<string, [ResourceCase, RegExp]> },
): void {
    describe(policy.name, () => {
        for (const [title, testCase] of Object.entries(cases.accepts)) {
            count(policy.name, "accepts");
            it(`accepts ${title}`, async () => {
                const { subject, config } = unpack(testCase);
                const outcome = await runResourcePolicy(policy, subject, config);
                assertNoPreviewNotice(outcome);
                assert.deepEqual(outcome.violations, []);
            });
        }
        for (const [title, testCase] of Object.entries(cases.notApplicable ?? {})) {
            it(`does not apply to ${title}`, async () => {
                const { subject, config } = unpack(testCase);
                const outcome = await runResourcePolicy(policy, subject, config);
                assertNoPreviewNotice(outcome);
                assert.deepEqual(outcome.violations, []);
            });
        }
        for (const [title, [testCase, message]] of Object.entries(cases.rejects)) {
            count(policy.name, "rejects");
            it(`rejects ${title}`, async () => {
                const { subject, config } = unpack(testCase);
                const outcome = await runResourcePolicy(policy, subject, config);
                assertNoPreviewNotice(outcome);
                assert.ok(outcome.violations.length > 0, "expected a violation");
                const messages = outcome.violations.map((violation) => violation.message);
                assert.ok(messages.some((text) => message.test(text)), `no message matches ${message}: ${JSON.stringify(messages)}`);
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
                const { resources, config } = Array.isArray(testCase) ? { resources: testCase, config: {} } : testCase;
                const outcome = await runStackPolicy(policy, resources, config);
                assertNoPreviewNotice(outcome);
                assert.deepEqual(outcome.violations, []);
            });
        }
        for (const [title, testCase] of Object.entries(cases.notApplicable ?? {})) {
            it(`does not apply to ${title}`, async () => {
                const { resources, config } = Array.isArray(testCase) ? { resources: testCase, config: {} } : testCase;
                const outcome = await runStackPolicy(policy, resources, config);
                assertNoPreviewNotice(outcome);
                assert.deepEqual(outcome.violations, []);
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
                const messages = outcome.violations.map((violation) => violation.message);
                assert.ok(messages.every((text) => rejection.message.test(text)), `not every message matches ${rejection.message}: ${JSON.stringify(messages)}`);
            });
        }
    });
}
