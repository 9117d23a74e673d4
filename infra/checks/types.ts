/**
 * The deploy checks: contracts a real `pulumi up` enforces (API schemas, reference data, what exists
 * on a fresh account, capacity) that can be judged offline from the recorded registrations.
 */
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
    /** The other committed stacks that deploy into the same account and region. */
    neighbours: StackPlan[];
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
    run(context: DeployCheckContext): DeployCheckFailure[];
}
