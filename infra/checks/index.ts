/**
 * The registry of deploy checks and their runner. Adding a check is an import and one entry in
 * DEPLOY_CHECKS; the preview, its report and its exit code pick it up from here.
 */
import { autoscaledReplicasCheck } from "./autoscaled-replicas";
import { iamReferenceCheck } from "./iam-reference";
import { kubernetesSchemaCheck } from "./kubernetes-schema";
import { lambdaRuntimeCheck } from "./lambda-runtime";
import { nodeCapacityCheck } from "./node-capacity";
import { physicalNamesCheck } from "./physical-names";
import { principalsCheck } from "./principals";
import type { DeployCheck, DeployCheckContext, DeployCheckFailure } from "./types";

export type { DeployCheck, DeployCheckContext, DeployCheckFailure, StackPlan } from "./types";

/** In the order the report lists them. */
export const DEPLOY_CHECKS: readonly DeployCheck[] = [
    kubernetesSchemaCheck,
    iamReferenceCheck,
    physicalNamesCheck,
    principalsCheck,
    lambdaRuntimeCheck,
    autoscaledReplicasCheck,
    nodeCapacityCheck,
];

export interface DeployChecksReport {
    /** False when the preview was asked to skip the checks. */
    evaluated: boolean;
    checks: Array<{ name: string; description: string; source: string; passed: boolean }>;
    failures: DeployCheckFailure[];
}

/** True when some check compares the stack with the other stacks of its account. */
export function checksNeedNeighbours(checks: readonly DeployCheck[] = DEPLOY_CHECKS): boolean {
    return checks.some((check) => check.needsNeighbours);
}

/**
 * Runs every check over the plan. A check that throws fails with the reason, so a broken check
 * never passes silently; `extraFailures` are findings about the run itself (a neighbour stack that
 * could not be evaluated), charged to the checks that needed it.
 */
export function runDeployChecks(context: DeployCheckContext, checks: readonly DeployCheck[] = DEPLOY_CHECKS, extraFailures: DeployCheckFailure[] = []): DeployChecksReport {
    const failures: DeployCheckFailure[] = [];
    const entries = checks.map((check) => {
        let found: DeployCheckFailure[];
        try {
            found = check.run(context).map((failure) => ({ ...failure, check: check.name }));
        } catch (error) {
            found = [{ check: check.name, urn: "", message: `the check could not run: ${(error as Error).message ?? String(error)}` }];
        }
        if (check.needsNeighbours) found.push(...extraFailures.map((failure) => ({ ...failure, check: check.name })));
        failures.push(...found);
        return { name: check.name, description: check.description, source: check.source, passed: found.length === 0 };
    });
    return { evaluated: true, checks: entries, failures };
}

/** The section of a preview whose checks were skipped. */
export function skippedDeployChecks(): DeployChecksReport {
    return { evaluated: false, checks: [], failures: [] };
}
