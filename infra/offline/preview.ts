/**
 * The offline preview: validate a stack's config, run the real program against the engine mocks,
 * and assemble the document `npm run preview -- --json` prints.
 */
import * as path from "path";
import { ENVIRONMENTS, PROJECT, StackConfig, StackConfigError, loadStackConfig } from "../../stacks";
import { ALLOWED_ACCOUNTS_KEY, StackAccount, accountIdOf, accountOwnershipProblems } from "../../stacks/account";
import { readStackFile } from "../../stacks/stack-file";
import type { ExemptedFinding } from "../../policies/lib/exemptions";
import { PolicyPackSession, startPolicyPack } from "../analyzer";
import { startPolicyPackInProcess } from "../analyzer/in-process";
import { DEPLOY_CHECKS, DeployCheckFailure, DeployChecksReport, StackPlan, checksNeedNeighbours, runDeployChecks, skippedDeployChecks } from "../checks";
import { POLICY_PACK_DIR, PROGRAM_DIR, packConfigPath, stackFileOf } from "../paths";
import { type CitedViolation, PACK_SESSION_OPTIONS, citeViolations, exemptionsIn } from "./pack-metadata";
import type { RecordedResource } from "./types";

export { POLICY_PACK_DIR, REPOSITORY_ROOT, packConfigPath } from "../paths";

export interface PreviewRequest {
    stack: string;
    /** Stack settings file; defaults to Pulumi.<stack>.yaml at the repository root. */
    configFile?: string;
    /** Preview as for a stack that does not exist yet (ids and ARNs unknown). */
    firstDeployment?: boolean;
    /** Run the policy pack over the registrations, as `pulumi preview --policy-pack` does (default true). */
    policy?: boolean;
    /**
     * How the pack is reached: "in-process" (default) calls `@pulumi/policy`'s analyzer handlers in
     * this process; "protocol" starts the pack's own process and speaks the analyzer protocol to it,
     * exactly as the CLI does. Both give the same verdicts (tests/policies/in-process-verdicts.spec.ts).
     */
    analysis?: AnalysisPath;
    /** Told as each phase ends (the benchmark's breakdown, bench/preview-phases.ts). */
    onPhase?: (phase: PreviewPhase) => void;
    /**
     * Run the deploy checks (default true). They need the other stacks of the account evaluated
     * too, so specs that look only at registrations turn them off, as they do the policy pack.
     */
    deployChecks?: boolean;
}

export type AnalysisPath = "in-process" | "protocol";
export type PreviewPhase = "config read" | "pack started" | "program loaded" | "evaluated" | "neighbours evaluated" | "pack ready" | "analyzed" | "deploy checks";

export type PolicyViolationEntry = Omit<CitedViolation, "description">;

export interface PreviewDocument {
    stack: string;
    resources: Array<Omit<RecordedResource, "custom">>;
    policy: {
        pack: string;
        version: string;
        evaluated: boolean;
        violations: PolicyViolationEntry[];
        /** The pack config's exemptions in effect, each with the findings it silenced, as the pack reported them. */
        exempted: ExemptedFinding[];
    };
    deployChecks: DeployChecksReport;
    /** The design's traffic block; `breakingMigration` appears only on a slot that sets it. */
    traffic: { stableSlot: string; slots: Record<string, { image?: string; weight: number; breakingMigration?: true }> };
}

export interface PreviewResult {
    config: StackConfig;
    /** Registrations in the wire format, as the policy pack receives them. */
    resources: RecordedResource[];
    document: PreviewDocument;
}

export function stackFilePath(request: PreviewRequest): string {
    return path.resolve(request.configFile ?? stackFileOf(request.stack));
}

/** @throws StackConfigError or StackFileError when the stack cannot be evaluated as configured. */
export async function runOfflinePreview(request: PreviewRequest): Promise<PreviewResult> {
    const rawConfig = readStackFile(stackFilePath(request), PROJECT);
    const config = loadStackConfig(request.stack, rawConfig);
    const accounts = checkAccountOwnership(request.stack, rawConfig);
    const runChecks = request.deployChecks !== false;
    const phase = request.onPhase ?? (() => undefined);
    phase("config read");
    // In its own process (--protocol), the pack's start-up overlaps the program's evaluation, as under
    // the CLI; loading and running the program blocks this process, so it waits until that process
    // exists. In-process, the pack is loaded here, before the program.
    let spawned: () => void = () => undefined;
    const packProcessExists = new Promise<void>((resolve) => (spawned = resolve));
    const start = request.analysis === "protocol" ? startPolicyPack : startPolicyPackInProcess;
    const starting = request.policy === false ? undefined : start({
        packDir: POLICY_PACK_DIR,
        programDir: PROGRAM_DIR,
        project: PROJECT,
        stack: request.stack,
        dryRun: true,
        stackConfig: rawConfig,
        stackTags: { "pulumi:project": PROJECT, "pulumi:runtime": "nodejs" },
        onSpawned: spawned,
        ...PACK_SESSION_OPTIONS,
    });
    starting?.catch(() => spawned());
    if (starting) await packProcessExists;
    phase("pack started");
    let session: PolicyPackSession | undefined;
    try {
        // Loaded only now, so that the pack starts while the SDKs load. (`require`, not `import()`:
        // the program is CommonJS however it is run.)
        /* eslint-disable @typescript-eslint/no-require-imports */
        const { evaluate } = require("./engine") as typeof import("./engine");
        const { runProgram } = require("../program") as typeof import("../program");
        const { toDisplay } = require("./wire") as typeof import("./wire");
        /* eslint-enable @typescript-eslint/no-require-imports */
        phase("program loaded");
        const { resources } = await evaluate(runProgram, {
            project: PROJECT,
            stack: request.stack,
            config: rawConfig,
            region: config.region,
            accountId: config.account.id,
            firstDeployment: request.firstDeployment,
        });
        phase("evaluated");
        // Neighbours are evaluated while the pack's process is still starting, before its session is awaited.
        const neighbours = runChecks && checksNeedNeighbours()
            ? await evaluateNeighbours(accounts.filter((a) => a.stack !== request.stack && a.accountId === config.account.id), request.firstDeployment ?? false)
            : { plans: [], failures: [] };
        phase("neighbours evaluated");
        session = await starting;
        phase("pack ready");
        const policy = session ? await analyze(session, request.stack, resources) : { ...policyPackIdentity(), evaluated: false, violations: [], exempted: [] };
        phase("analyzed");
        const deployChecks = runChecks
            ? runDeployChecks({ plan: { stack: request.stack, config, resources }, neighbours: neighbours.plans }, DEPLOY_CHECKS, neighbours.failures)
            : skippedDeployChecks();
        phase("deploy checks");
        return {
            config,
            resources,
            document: {
                stack: request.stack,
                resources: resources.map(({ custom: _custom, ...resource }) => ({ ...resource, inputs: toDisplay(resource.inputs) as Record<string, unknown> })),
                policy,
                deployChecks,
                traffic: {
                    stableSlot: config.app.stableSlot,
                    slots: Object.fromEntries(Object.entries(config.app.slots).map(([name, { image, weight, breakingMigration }]) =>
                        [name, { ...(image === undefined ? {} : { image }), weight, ...(breakingMigration ? { breakingMigration: true as const } : {}) }])),
                },
            },
        };
    } finally {
        await (session ?? (await starting?.catch(() => undefined)))?.close();
    }
}

/**
 * Exactly one stack of each account owns the account-wide resources, and one per account and
 * region its regional ones, judged over the committed stack files with this stack's settings as given. A stack cannot see this from its own file alone.
 */
function checkAccountOwnership(stack: string, rawConfig: Record<string, string>): CommittedStack[] {
    // A DR stack is judged beside the committed stacks of its account, which it must not disturb.
    const stacks: string[] = (ENVIRONMENTS as readonly string[]).includes(stack) ? [...ENVIRONMENTS] : [...ENVIRONMENTS, stack];
    const accounts: CommittedStack[] = stacks.map((environment) => {
        const raw = environment === stack ? rawConfig : readStackFile(stackFileOf(environment), PROJECT);
        return {
            stack: environment,
            raw,
            accountId: accountIdOf(raw[ALLOWED_ACCOUNTS_KEY], []),
            region: raw["aws:region"],
            ownsAccountResources: raw[`${PROJECT}:ownsAccountResources`] === "true",
            ownsRegionalResources: raw[`${PROJECT}:ownsRegionalResources`] === "true",
        };
    });
    const own = accounts.find((a) => a.stack === stack)?.accountId;
    const problems = accountOwnershipProblems(accounts.filter((a) => a.accountId === own), (key) => `${PROJECT}:${key}`);
    if (problems.length > 0) throw new StackConfigError(stack, problems);
    return accounts;
}

/** A committed stack file as read for the account checks. */
interface CommittedStack extends StackAccount {
    raw: Record<string, string>;
}

/** Neighbour plans by stack, mode and settings: a process that previews several stacks evaluates each once. */
const neighbourCache = new Map<string, Promise<StackPlan>>();

/**
 * Evaluates the committed stacks that share this stack's account, without the policy pack, in the
 * same preview mode. A neighbour that cannot be evaluated is a finding, not a crash of this preview.
 */
async function evaluateNeighbours(stacks: CommittedStack[], firstDeployment: boolean): Promise<{ plans: StackPlan[]; failures: DeployCheckFailure[] }> {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { evaluate } = require("./engine") as typeof import("./engine");
    const { runProgram } = require("../program") as typeof import("../program");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const settled = await Promise.allSettled(stacks.map(({ stack, raw }) => {
        const key = `${stack}:${firstDeployment}:${JSON.stringify(raw)}`;
        if (!neighbourCache.has(key)) {
            const plan = (async (): Promise<StackPlan> => {
                const config = loadStackConfig(stack, raw);
                const { resources } = await evaluate(runProgram, { project: PROJECT, stack, config: raw, region: config.region, accountId: config.account.id, firstDeployment });
                return { stack, config, resources };
            })();
            neighbourCache.set(key, plan);
            plan.catch(() => neighbourCache.delete(key));
        }
        return neighbourCache.get(key) as Promise<StackPlan>;
    }));
    const plans: StackPlan[] = [];
    const failures: DeployCheckFailure[] = [];
    settled.forEach((result, index) => {
        if (result.status === "fulfilled") plans.push(result.value);
        else failures.push({ check: "", urn: "", message: `stack ${stacks[index].stack}, which shares this stack's account, could not be evaluated: ${(result.reason as Error).message ?? String(result.reason)}` });
    });
    return { plans, failures };
}

/** The pack's verdict on a stack's registrations, under the stack's pack config, as the document reports it. */
export async function analyze(session: PolicyPackSession, stack: string, resources: RecordedResource[]): Promise<PreviewDocument["policy"]> {
    await session.configure(packConfigPath(stack));
    const violations = await session.analyze(resources);
    return {
        pack: session.pack,
        version: session.version,
        evaluated: true,
        violations: citeViolations(violations, session.policies).map(({ description: _description, ...violation }) => violation),
        exempted: exemptionsIn(session.notApplicable()),
    };
}

function policyPackIdentity(): { pack: string; version: string } {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const manifest = require(path.join(POLICY_PACK_DIR, "package.json")) as { name: string; version: string };
    return { pack: manifest.name, version: manifest.version };
}
