/**
 * The deploy checks: contracts a real `pulumi up` enforces (API schemas, reference data, what exists
 * on a fresh account, capacity) that can be judged offline from the recorded registrations.
 */
import { unknownValue } from "../sdk-adapter";
import type { StackConfig } from "../../stacks";
import type { RecordedResource } from "../offline/types";

/** One stack's evaluated plan: its validated config and every registration, in the wire format. */
export interface StackPlan {
    stack: string;
    config: StackConfig;
    resources: RecordedResource[];
}

export interface DeployCheckContext {
    /** The stack being previewed. */
    plan: StackPlan;
    /**
     * The other committed stacks that deploy into the same account, in any region (each plan carries
     * its config, so a check scoped to a region compares only the stacks of the plan's region).
     */
    neighbours: StackPlan[];
    /** The day a date-bound check judges against; today when absent. */
    today?: Date;
}

export interface DeployCheckFailure {
    /** Name of the check that failed. */
    check: string;
    /** The offending resource; empty for a finding about the stack as a whole. */
    urn: string;
    /** What is wrong, naming the field and the value, and what was expected. */
    message: string;
}

export interface DeployCheck {
    /** Kebab-case name, e.g. `kubernetes-schema`. */
    name: string;
    /** What a real deploy enforces that this check judges, in one sentence. */
    description: string;
    /** Where its reference data comes from (package and version, or file with its source and date). */
    source: string;
    /**
     * The check compares this stack with the other committed stacks of its account (names unique in
     * an account, what one stack of the account creates for all); the preview evaluates them only then.
     */
    needsNeighbours?: boolean;
    run(context: DeployCheckContext): DeployCheckFailure[];
}

/** The sentinel the engine puts where a value is unknown until the update (first deployment, computed ARNs). */
export const UNKNOWN: string = unknownValue;

/** True when the value is the engine's unknown sentinel. */
export function isUnknown(value: unknown): boolean {
    return value === UNKNOWN;
}

/** A plain object input (a nested block such as `spec`), or undefined when it is absent or unknown. */
export function objectInput(value: unknown): Record<string, unknown> | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A string input that is known at preview time, or undefined. */
export function knownString(value: unknown): string | undefined {
    return typeof value === "string" && !isUnknown(value) ? value : undefined;
}

/** The last part of a URN: the resource's logical name, for messages. */
export function shortUrn(urn: string): string {
    return urn.split("::").pop() ?? urn;
}
