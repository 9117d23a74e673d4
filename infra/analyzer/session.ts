import * as grpc from "@grpc/grpc-js";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { type AnalyzerClient, connectAnalyzer } from "./analyzer-client";
import { type EngineLogEntry, startEngineServer } from "./engine-server";
import { type EnforcementLevel, type PolicyConfig, readPackConfigFile, reconcilePackConfig } from "./pack-config";
import { ensurePackBuilt } from "./pack-build";
import { startPackProcess } from "./pack-process";
import { analyzeRequest, stackResource, toStruct } from "./requests";
import type { NotApplicableEntry, PackPolicyInfo, PolicyPackStartOptions, PolicyViolation, RecordedResource } from "./types";

export interface PolicyPackSession {
    readonly pack: string;
    readonly version: string;
    readonly policies: readonly PackPolicyInfo[];
    /** Messages the pack logged through the engine service. */
    readonly engineLogs: readonly EngineLogEntry[];
    /** Reconciles the pack config file with the policies' schemas and sends it (Configure). */
    configure(configFile: string): Promise<Record<string, PolicyConfig>>;
    /** Remediate (when a policy is set to remediate) and Analyze for each resource, then AnalyzeStack over all of them. */
    analyze(resources: readonly RecordedResource[]): Promise<PolicyViolation[]>;
    /** The last analyze's not-applicable entries whose reason starts with the `notApplicablePrefix` the session was started with. */
    notApplicable(): NotApplicableEntry[];
    close(): Promise<void>;
}

const CONCURRENT_REQUESTS = 32;
/** The organization the CLI's self-managed (file and cloud-storage) backends report. */
const DEFAULT_ORGANIZATION = "organization";

const LEVEL_TO_PROTO: Record<EnforcementLevel, analyzerProto.EnforcementLevel> = {
    advisory: analyzerProto.EnforcementLevel.ADVISORY,
    mandatory: analyzerProto.EnforcementLevel.MANDATORY,
    remediate: analyzerProto.EnforcementLevel.REMEDIATE,
    disabled: analyzerProto.EnforcementLevel.DISABLED,
};
const LEVEL_FROM_PROTO = new Map<number, EnforcementLevel>(
    Object.entries(LEVEL_TO_PROTO).map(([level, value]) => [value, level as EnforcementLevel]),
);
const SEVERITY_FROM_PROTO = new Map<number, string>([
    [analyzerProto.PolicySeverity.POLICY_SEVERITY_LOW, "low"],
    [analyzerProto.PolicySeverity.POLICY_SEVERITY_MEDIUM, "medium"],
    [analyzerProto.PolicySeverity.POLICY_SEVERITY_HIGH, "high"],
    [analyzerProto.PolicySeverity.POLICY_SEVERITY_CRITICAL, "critical"],
]);

type Callback<T> = (error: grpc.ServiceError | null, response: T) => void;

export function call<T>(invoke: (callback: Callback<T>) => unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
        invoke((error, response) => (error ? reject(error) : resolve(response)));
    });
}

export function withDefaults(given: PolicyPackStartOptions): PolicyPackStartOptions & { organization: string } {
    return { ...given, organization: given.organization ?? DEFAULT_ORGANIZATION };
}

/**
 * Starts a policy pack and speaks to it as the CLI does during `pulumi preview`: Handshake
 * (optional for Node packs), ConfigureStack, GetAnalyzerInfo, GetPluginInfo; then, per
 * preview, Configure, Analyze per resource (after Remediate, when a policy is set to
 * remediate) and one AnalyzeStack.
 */
export async function startPolicyPack(given: PolicyPackStartOptions): Promise<PolicyPackSession> {
    const options = withDefaults(given);
    // Both launches run the pack's `main`, the bundle.
    await ensurePackBuilt(options.packDir, ["bundle"]);
    const engine = await startEngineServer();
    const pack = await startPackProcess({
        packDir: options.packDir,
        launch: options.launch ?? "executable",
        policyPack: options.policyPack,
        programDir: options.programDir,
        engineAddress: engine.address,
        project: options.project,
        stack: options.stack,
        organization: options.organization,
        dryRun: options.dryRun,
        stackConfig: options.stackConfig,
        onSpawned: options.onSpawned,
    }).catch(async (error: unknown) => {
        await engine.close();
        throw error;
    });
    const client = connectAnalyzer(`127.0.0.1:${pack.port}`, options.notApplicablePrefix);
    const close = async () => {
        client.close();
        await pack.stop();
        await engine.close();
    };
    try {
        await handshake(client, engine.address, options.packDir);
        await configureStack(client, options);
        const info = await call<analyzerProto.AnalyzerInfo>((cb) => client.getAnalyzerInfo(new Empty(), cb));
        await call<unknown>((cb) => client.getPluginInfo(new Empty(), cb));
        return openSession(client, info, engine.logs, close, options.notApplicablePrefix);
    } catch (error) {
        await close();
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`policy pack failed during start-up: ${reason}\n${pack.stderr()}`.trimEnd(), { cause: error });
    }
}

export async function handshake(client: AnalyzerClient, engineAddress: string, packDir: string): Promise<void> {
    const request = new analyzerProto.AnalyzerHandshakeRequest();
    request.setEngineAddress(engineAddress);
    request.setRootDirectory(packDir);
    request.setProgramDirectory(packDir);
    try {
        await call<unknown>((cb) => client.handshake(request, cb));
    } catch (error) {
        // Node packs predate the handshake; the CLI carries on when it is unimplemented.
        if ((error as grpc.ServiceError).code !== grpc.status.UNIMPLEMENTED) {
            throw error;
        }
    }
}

export async function configureStack(client: AnalyzerClient, options: PolicyPackStartOptions): Promise<void> {
    const request = new analyzerProto.AnalyzerStackConfigureRequest();
    request.setStack(options.stack);
    request.setProject(options.project);
    request.setOrganization(options.organization ?? "");
    request.setDryRun(options.dryRun);
    for (const [key, value] of Object.entries(options.stackConfig ?? {})) {
        request.getConfigMap().set(key, value);
    }
    for (const [key, value] of Object.entries(options.stackTags ?? {})) {
        request.getTagsMap().set(key, value);
    }
    await call<unknown>((cb) => client.configureStack(request, cb));
}

function describePolicies(info: analyzerProto.AnalyzerInfo): PackPolicyInfo[] {
    return info.getPoliciesList().map((policy) => {
        const tags = policy.getTagsList();
        const schema = policy.getConfigschema();
        return {
            name: policy.getName(),
            description: policy.getDescription(),
            enforcementLevel: LEVEL_FROM_PROTO.get(policy.getEnforcementlevel()) ?? "advisory",
            severity: SEVERITY_FROM_PROTO.get(policy.getSeverity()) ?? "",
            remediation: policy.getRemediationSteps(),
            tags,
            kind: policy.getPolicyType() === analyzerProto.PolicyType.POLICY_TYPE_STACK ? "stack" : "resource",
            configSchema:
                schema === undefined
                    ? undefined
                    : { properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() },
        };
    });
}

function initialConfigOf(info: analyzerProto.AnalyzerInfo): Record<string, { enforcementLevel?: EnforcementLevel; properties?: Record<string, unknown> }> {
    const initial: Record<string, { enforcementLevel?: EnforcementLevel; properties?: Record<string, unknown> }> = {};
    info.getInitialconfigMap().forEach((config, policy) => {
        initial[policy] = {
            enforcementLevel: LEVEL_FROM_PROTO.get(config.getEnforcementlevel()),
            properties: config.getProperties()?.toJavaScript(),
        };
    });
    return initial;
}

export function openSession(
    client: AnalyzerClient,
    info: analyzerProto.AnalyzerInfo,
    engineLogs: readonly EngineLogEntry[],
    close: () => Promise<void>,
    notApplicablePrefix?: string,
): PolicyPackSession {
    const policies = describePolicies(info);
    const byName = new Map(policies.map((policy) => [policy.name, policy]));

    const toViolation = (diagnostic: analyzerProto.AnalyzeDiagnostic, resourceUrn: string): PolicyViolation => {
        const policy = byName.get(diagnostic.getPolicyname());
        const description = diagnostic.getDescription() || policy?.description || "";
        const message = diagnostic.getMessage();
        const level = LEVEL_FROM_PROTO.get(diagnostic.getEnforcementlevel());
        return {
            policy: diagnostic.getPolicyname(),
            level: level === "mandatory" || level === "remediate" ? level : "advisory",
            urn: diagnostic.getUrn() || resourceUrn,
            // The policy server prefixes every message with the policy's description.
            message: message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message,
            severity: policy?.severity || SEVERITY_FROM_PROTO.get(diagnostic.getSeverity()) || "",
            description,
            remediation: policy?.remediation ?? "",
        };
    };

    // The server only runs remediations for policies configured as "remediate"; without any,
    // a Remediate call is a guaranteed no-op, so it is skipped.
    let remediating = policies.some((policy) => policy.enforcementLevel === "remediate");
    let notApplicable: NotApplicableEntry[] = [];
    const notApplicableIn = (response: analyzerProto.AnalyzeResponse, urn: string): NotApplicableEntry[] =>
        notApplicablePrefix
            ? response.getNotApplicableList()
                  .filter((entry) => entry.getReason().startsWith(notApplicablePrefix))
                  .map((entry) => ({ policy: entry.getPolicyName(), urn, reason: entry.getReason() }))
            : [];

    return {
        pack: info.getName(),
        version: info.getVersion(),
        policies,
        engineLogs,
        async configure(configFile) {
            const config = reconcilePackConfig(
                policies.map((policy) => ({
                    name: policy.name,
                    enforcementLevel: policy.enforcementLevel,
                    configSchema: policy.configSchema,
                })),
                initialConfigOf(info),
                readPackConfigFile(configFile),
            );
            const request = new analyzerProto.ConfigureAnalyzerRequest();
            for (const [policy, { enforcementLevel, properties }] of Object.entries(config)) {
                const entry = new analyzerProto.PolicyConfig();
                entry.setEnforcementlevel(LEVEL_TO_PROTO[enforcementLevel]);
                entry.setProperties(Struct.fromJavaScript(properties as Record<string, never>));
                request.getPolicyconfigMap().set(policy, entry);
            }
            await call<unknown>((cb) => client.configure(request, cb));
            remediating = Object.values(config).some((entry) => entry.enforcementLevel === "remediate");
            return config;
        },
        async analyze(resources) {
            const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
            const effective: RecordedResource[] = [...resources];
            const properties: Struct[] = [];
            const perResource: PolicyViolation[][] = resources.map(() => []);
            const perNotApplicable: NotApplicableEntry[][] = resources.map(() => []);
            await forEachLimited(resources.length, CONCURRENT_REQUESTS, async (index) => {
                const resource = resources[index];
                let request = analyzeRequest(resource, byUrn);
                if (remediating) {
                    effective[index] = await remediate(client, request, resource);
                    request = effective[index] === resource ? request : analyzeRequest(effective[index], byUrn);
                }
                properties[index] = request.getProperties() ?? toStruct(effective[index].inputs);
                const response = await call<analyzerProto.AnalyzeResponse>((cb) => client.analyze(request, cb));
                perResource[index] = response.getDiagnosticsList().map((diagnostic) => toViolation(diagnostic, resource.urn));
                perNotApplicable[index] = notApplicableIn(response, resource.urn);
            });
            const stackRequest = new analyzerProto.AnalyzeStackRequest();
            stackRequest.setResourcesList(effective.map((resource, index) => stackResource(resource, byUrn, properties[index])));
            const stackResponse = await call<analyzerProto.AnalyzeResponse>((cb) => client.analyzeStack(stackRequest, cb));
            notApplicable = [...perNotApplicable.flat(), ...notApplicableIn(stackResponse, "")];
            return [...perResource.flat(), ...stackResponse.getDiagnosticsList().map((diagnostic) => toViolation(diagnostic, ""))];
        },
        notApplicable: () => notApplicable,
        close,
    };
}

/** Applies the properties a remediation returns, as the engine does before analysis. */
async function remediate(
    client: AnalyzerClient,
    request: analyzerProto.AnalyzeRequest,
    resource: RecordedResource,
): Promise<RecordedResource> {
    const response = await call<analyzerProto.RemediateResponse>((cb) => client.remediate(request, cb));
    let inputs = resource.inputs;
    for (const remediation of response.getRemediationsList()) {
        const properties = remediation.getProperties();
        if (properties !== undefined && remediation.getDiagnostic() === "") {
            inputs = properties.toJavaScript();
        }
    }
    return inputs === resource.inputs ? resource : { ...resource, inputs };
}

/** Runs `work(0 … count-1)` with at most `limit` calls in flight, as the engine analyzes resources as they register. */
async function forEachLimited(count: number, limit: number, work: (index: number) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
        while (next < count) {
            await work(next++);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}
