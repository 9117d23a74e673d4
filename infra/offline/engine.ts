/**
 * Runs the real program in-process against Pulumi's engine mocks and records every registration
 * as the engine would receive it: type, name, URN, parent, inputs, options, dependencies and
 * property dependencies. The stock mock monitor hands mocks only the inputs, so registrations are
 * read here from the request itself.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor, setMockOptions, takeLeakedPromises, waitUntilSettled, withoutDebugBookkeeping } from "../sdk-adapter";
import { CloudOptions, MOCK_ACCOUNT_ID, mockCall, mockResource } from "./cloud";
import { RecordedResource } from "./types";

export { MOCK_ACCOUNT_ID } from "./cloud";
export type { RecordedResource } from "./types";

/** The register-resource request, as much of it as is recorded. */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getProvider(): string;
    getIgnorechangesList(): string[];
    getDeletebeforereplace(): boolean;
    getAliasurnsList(): string[];
    getAliasesList(): Array<{ getUrn(): string; getSpec(): AliasSpec | undefined }>;
    getReplaceonchangesList(): string[];
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string; getRead(): string } | undefined;
    getAdditionalsecretoutputsList(): string[];
    getVersion(): string;
    getPlugindownloadurl(): string;
    getDeletedwith(): string;
    getImportid(): string;
    getHidediffsList(): string[];
    getReplaceWithList(): string[];
}

interface AliasSpec {
    getName(): string;
    getType(): string;
    getStack(): string;
    getProject(): string;
    getParenturn(): string;
    getNoparent(): boolean;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/** The engine's URN scheme: children of the stack are unqualified, deeper ones carry the parent's type chain. */
function engineUrn(parent: string, type: string, name: string): string {
    const parentType = parent ? parent.split("::")[2] : "";
    const qualified = parentType && parentType !== STACK_TYPE ? `${parentType}$${type}` : type;
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
}

type Callback = (error: unknown, response: unknown) => void;

class RecordingMonitor extends MockMonitor {
    readonly registrations: RecordedResource[] = [];

    constructor(mocks: pulumi.runtime.Mocks) {
        super(mocks);
        // The stock monitor qualifies a child by its parent's last type only; the engine keeps the chain.
        (this as unknown as { newUrn: typeof engineUrn }).newUrn = engineUrn;
    }

    override async registerResource(request: RegisterRequest, callback: Callback): Promise<void> {
        await super.registerResource(request, (error: unknown, response: unknown) => {
            if (!error && response) this.record(request, (response as { getUrn(): string }).getUrn());
            callback(error, response);
        });
    }

    private record(request: RegisterRequest, urn: string): void {
        const propertyDependencies: Record<string, string[]> = {};
        request.getPropertydependenciesMap().forEach((value, key) => {
            propertyDependencies[key] = [...value.getUrnsList()].sort();
        });
        const dependencies = [...new Set(request.getDependenciesList())].sort();
        this.registrations.push({
            urn,
            type: request.getType(),
            name: request.getName(),
            parent: request.getParent() || null,
            inputs: request.getObject()?.toJavaScript() ?? {},
            options: recordedOptions(request, dependencies, propertyDependencies),
            dependencies,
            propertyDependencies,
            custom: request.getCustom(),
        });
    }
}

/**
 * Every resource option the request carries, each only when set (protect and retainOnDelete always).
 * Some are set by the provider SDK rather than the program: its plugin `version`, the
 * `additionalSecretOutputs` of secret attributes and `aliases` for renamed resource types. `dependsOn` is not a field of its own: the request merges the explicit
 * list into `dependencies` with every resource an input refers to, so what is recorded are the
 * dependencies no input accounts for. A `dependsOn` entry that an input also refers to is
 * indistinguishable, and one on a component arrives as the component's children.
 */
function recordedOptions(request: RegisterRequest, dependencies: string[], propertyDependencies: Record<string, string[]>): RecordedResource["options"] {
    const options: RecordedResource["options"] = {
        protect: request.getProtect() ?? false,
        retainOnDelete: request.getRetainondelete() ?? false,
    };
    const list = (values: string[]) => (values.length > 0 ? [...values] : undefined);
    const implied = new Set(Object.values(propertyDependencies).flat());
    const timeouts = request.getCustomtimeouts();
    const customTimeouts = timeouts && Object.fromEntries(
        ([["create", timeouts.getCreate()], ["update", timeouts.getUpdate()], ["delete", timeouts.getDelete()], ["read", timeouts.getRead()]] as const)
            .filter(([, value]) => value !== ""),
    );
    const aliases = [...new Set([
        ...request.getAliasurnsList(),
        ...request.getAliasesList().map((alias) => alias.getUrn() || aliasUrn(alias.getSpec(), request)),
    ])];
    const optional: Omit<RecordedResource["options"], "protect" | "retainOnDelete"> = {
        ignoreChanges: list(request.getIgnorechangesList()),
        replaceOnChanges: list(request.getReplaceonchangesList()),
        deleteBeforeReplace: request.getDeletebeforereplace() || undefined,
        dependsOn: list(dependencies.filter((urn) => !implied.has(urn))),
        provider: request.getProvider() || undefined,
        customTimeouts: customTimeouts && Object.keys(customTimeouts).length > 0 ? customTimeouts : undefined,
        aliases: aliases.length > 0 ? aliases : undefined,
        additionalSecretOutputs: list(request.getAdditionalsecretoutputsList()),
        version: request.getVersion() || undefined,
        pluginDownloadURL: request.getPlugindownloadurl() || undefined,
        deletedWith: request.getDeletedwith() || undefined,
        replaceWith: list(request.getReplaceWithList()),
        import: request.getImportid() || undefined,
        hideDiffs: list(request.getHidediffsList()),
    };
    for (const [key, value] of Object.entries(optional)) {
        if (value !== undefined) (options as Record<string, unknown>)[key] = value;
    }
    return options;
}

/** The URN a structured alias stands for: each part the program left out is the resource's own. */
function aliasUrn(spec: AliasSpec | undefined, request: RegisterRequest): string {
    const parent = spec?.getNoparent() ? "" : spec?.getParenturn() || request.getParent();
    const urn = engineUrn(parent, spec?.getType() || request.getType(), spec?.getName() || request.getName());
    const [, , type, ...name] = urn.split("::");
    return `urn:pulumi:${spec?.getStack() || pulumi.getStack()}::${spec?.getProject() || pulumi.getProject()}::${type}::${name.join("::")}`;
}

export interface EvaluationOptions {
    project: string;
    stack: string;
    /** Every config value as the CLI hands it to the program (`namespace:key` to string). */
    config: Record<string, string>;
    /** Region the mocked cloud answers for. */
    region: string;
    /** Account the mocked cloud answers for (the stack's `aws:allowedAccountIds`); a fixed mock id when absent. */
    accountId?: string;
    /** Preview as for a stack that does not exist yet: ids, ARNs and computed attributes unknown. */
    firstDeployment?: boolean;
}

export interface Evaluation {
    resources: RecordedResource[];
    outputs: Record<string, unknown>;
}

/**
 * Evaluates `program` as the body of a Pulumi stack. The program's own errors propagate; nothing is
 * kept between evaluations, so several stacks can be evaluated in one process, one at a time.
 */
export function evaluate(program: () => unknown, options: EvaluationOptions): Promise<Evaluation> {
    // The Pulumi runtime is process-wide state: evaluations take turns.
    const turn = queue.then(() => evaluateAlone(program, options));
    queue = turn.catch(() => undefined);
    return turn;
}

let queue: Promise<unknown> = Promise.resolve();

async function evaluateAlone(program: () => unknown, options: EvaluationOptions): Promise<Evaluation> {
    const cloud: CloudOptions = { region: options.region, accountId: options.accountId ?? MOCK_ACCOUNT_ID, firstDeployment: options.firstDeployment ?? false, providerRegions: new Map() };
    const mocks: pulumi.runtime.Mocks = {
        newResource: (args) => mockResource(args, cloud),
        call: (args) => mockCall(args, cloud),
    };
    await pulumi.runtime.setMocks(mocks, options.project, options.stack, true);
    const monitor = new RecordingMonitor(mocks);
    setMockOptions(monitor, options.project, options.stack, true);
    pulumi.runtime.setAllConfig(options.config);

    // A program error is caught inside the stack body so it surfaces here, with what was registered
    // before it, instead of as an unhandled rejection from the stack's registration.
    let failure: unknown;
    let outputs: Record<string, unknown> | undefined;
    // A registration waiting on a promise that never settles leaves nothing to run: the process
    // would exit with the evaluation unfinished. The SDK reports that at exit; here it fails the
    // evaluation, so the command reports it like any program error.
    let stalled: (error: Error) => void = () => undefined;
    const drained = new Promise<never>((_, reject) => (stalled = reject));
    const onDrained = () => {
        const reason = new Error(`stack ${options.stack}: the program cannot finish, nothing is left to run. ${takeLeakedPromises() ?? ""}`.trim());
        stalled(new EvaluationFailure(reason, monitor.registrations));
    };
    process.once("beforeExit", onDrained);
    try {
        await withoutDebugBookkeeping(() => Promise.race([drained, (async () => {
            outputs = await pulumi.runtime.runInPulumiStack(async () => {
                try {
                    return (await program()) as Record<string, unknown>;
                } catch (error) {
                    failure = error;
                    return {};
                }
            });
            // After a program error the registrations it left waiting never finish; its error is the result.
            if (failure === undefined) await waitUntilSettled();
        })()]));
    } finally {
        process.off("beforeExit", onDrained);
    }
    if (failure !== undefined) throw new EvaluationFailure(failure, monitor.registrations);
    // A promise still pending once the program has settled fails `pulumi up` at exit, with this message.
    const leaked = takeLeakedPromises();
    if (leaked !== undefined) throw new EvaluationFailure(new Error(`stack ${options.stack}: ${leaked}`), monitor.registrations);
    return { resources: monitor.registrations, outputs: outputs ?? {} };
}

/** The program threw; `resources` holds what it had registered until then. */
export class EvaluationFailure extends Error {
    constructor(
        readonly reason: unknown,
        readonly resources: RecordedResource[],
    ) {
        super(reason instanceof Error ? reason.message : String(reason));
        this.name = "EvaluationFailure";
    }
}
