/**
 * Stack names: an environment (`dev`, `staging`, `production`), or the DR stack of one
 * (`staging-dr`, `production-dr`), which runs that environment's profile in its DR region with a
 * database restored from the backups replicated there (docs/runbooks/restore.md).
 */
import { ENVIRONMENTS, Environment } from "./profiles";

export const DR_STACK_SUFFIX = "-dr";

export interface StackName {
    /** The Pulumi stack name, which every physical name carries. */
    readonly stack: string;
    /** The environment whose profile the stack runs. */
    readonly environment: Environment;
    /** The stack stands in for its environment's stack in that stack's DR region. */
    readonly disasterRecovery: boolean;
}

/** Environments that replicate to a DR region, and so may have a DR stack (dev names none, stacks/consistency.ts). */
const WITH_DR_STACK: readonly Environment[] = ["staging", "production"];

export function parseStackName(stack: string): StackName | undefined {
    const disasterRecovery = stack.endsWith(DR_STACK_SUFFIX);
    const environment = disasterRecovery ? stack.slice(0, -DR_STACK_SUFFIX.length) : stack;
    const known = disasterRecovery ? (WITH_DR_STACK as readonly string[]) : (ENVIRONMENTS as readonly string[]);
    return known.includes(environment) ? { stack, environment: environment as Environment, disasterRecovery } : undefined;
}

/** What a stack name may be, for error messages. */
export const STACK_NAMES_TEXT = `one of ${ENVIRONMENTS.join(", ")}, or the DR stack of one that has a DR region: ${WITH_DR_STACK.map((e) => `${e}${DR_STACK_SUFFIX}`).join(", ")}`;

export function drStackOf(environment: Environment): string {
    return `${environment}${DR_STACK_SUFFIX}`;
}
