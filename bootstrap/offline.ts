/**
 * The bootstrap's offline preview: validate a bootstrap stack's settings, run the real program
 * against the engine mocks the platform's preview uses, and judge the registrations with the deploy
 * checks that apply to it (IAM reference data, principals that exist on a fresh account).
 */
import * as path from "path";
import type { StackConfig } from "../stacks";
import { readStackFile } from "../stacks/stack-file";
import { DeployChecksReport, runDeployChecks } from "../infra/checks";
import { iamReferenceCheck } from "../infra/checks/iam-reference";
import { principalsCheck } from "../infra/checks/principals";
import type { RecordedResource } from "../infra/offline/types";
import { BOOTSTRAP_PROJECT, BootstrapConfig, loadBootstrapConfig } from "./config";

export const BOOTSTRAP_DIR = __dirname;

/** The checks that judge an account bootstrap; the others are about the platform's own resources. */
export const BOOTSTRAP_CHECKS = [iamReferenceCheck, principalsCheck];

export interface BootstrapPreviewRequest {
    stack: string;
    /** Settings file; defaults to bootstrap/Pulumi.<stack>.yaml. */
    configFile?: string;
    /** Preview as for an account where nothing exists yet (ids and ARNs unknown). */
    firstDeployment?: boolean;
}

export interface BootstrapPreview {
    config: BootstrapConfig;
    resources: RecordedResource[];
    outputs: Record<string, unknown>;
    deployChecks: DeployChecksReport;
}

export function bootstrapStackFile(stack: string): string {
    return path.join(BOOTSTRAP_DIR, `Pulumi.${stack}.yaml`);
}

/** @throws StackConfigError or StackFileError when the stack cannot be evaluated as configured. */
export async function runBootstrapPreview(request: BootstrapPreviewRequest): Promise<BootstrapPreview> {
    const raw = readStackFile(path.resolve(request.configFile ?? bootstrapStackFile(request.stack)), BOOTSTRAP_PROJECT);
    const config = loadBootstrapConfig(request.stack, raw);
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { evaluate } = require("../infra/offline/engine") as typeof import("../infra/offline/engine");
    const { runBootstrap } = require("./program") as typeof import("./program");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const { resources, outputs } = await evaluate(runBootstrap, {
        project: BOOTSTRAP_PROJECT,
        stack: request.stack,
        config: raw,
        region: config.region,
        accountId: config.accountId,
        firstDeployment: request.firstDeployment,
    });
    // The checks read a plan's account; a bootstrap stack has one account and owns no platform resources.
    const planConfig = { account: { id: config.accountId, ownsAccountResources: false } } as unknown as StackConfig;
    const deployChecks = runDeployChecks({ plan: { stack: request.stack, config: planConfig, resources }, neighbours: [] }, BOOTSTRAP_CHECKS);
    return { config, resources, outputs, deployChecks };
}
