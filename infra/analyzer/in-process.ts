/**
 * The policy pack run in this process through `@pulumi/policy`'s own analyzer handlers: the same
 * functions its gRPC server serves to `pulumi preview --policy-pack`, called with the same request
 * messages, minus the process, the port and the encoding of every request and response.
 *
 * The protocol path (`startPolicyPack`, the pack's own process over gRPC, as the CLI drives it)
 * remains the reference: tests/policies/in-process-verdicts.spec.ts runs every stack and the
 * insecure program both ways and requires identical verdicts.
 */
import * as path from "path";
import { type PolicyServerHandlers, loadPolicyPackHandlers } from "../sdk-adapter";
import type { AnalyzerClient } from "./analyzer-client";
import { PACK_MODULES_ENTRY, ensurePackBuilt } from "./pack-build";
import { type PolicyPackSession, call, configureStack, openSession, withDefaults } from "./session";
import type { PolicyPackStartOptions } from "./types";
import type * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";

/**
 * The server keeps its configuration (Configure, ConfigureStack) in module state, so sessions
 * take turns: each analysis runs alone, after replaying its own session's configuration.
 */
let turn: Promise<unknown> = Promise.resolve();
function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = turn.then(work);
    turn = result.catch(() => undefined);
    return result;
}

interface StructLike {
    toJavaScript(): unknown;
}
interface WithProperties {
    getProperties?(): StructLike | undefined;
    getProvider?(): WithProperties | undefined;
    getResourcesList?(): WithProperties[];
}

/**
 * The server decodes a resource's properties again for every policy that looks at it, each time
 * from the request's Struct (`deserializeProperties` calls its `toJavaScript()`, then copies what
 * that returns into a fresh object graph). In one process the Struct is the request's own object, so
 * its conversion is done once and handed back on each later call; every policy still gets a fresh
 * copy, built by the server as before.
 */
function convertOnce(request: unknown): void {
    const messages = [request as WithProperties, ...((request as WithProperties).getResourcesList?.() ?? [])];
    for (const message of messages) {
        for (const struct of [message.getProperties?.(), message.getProvider?.()?.getProperties?.()]) {
            if (struct === undefined || Object.prototype.hasOwnProperty.call(struct, "toJavaScript")) continue;
            const converted = struct.toJavaScript();
            struct.toJavaScript = () => converted;
        }
    }
}

/** An analyzer client whose calls go straight to the handlers; handshake is unimplemented, as for any Node pack. */
function inProcessClient(handlers: PolicyServerHandlers, sent: { configureStack?: unknown; configure?: unknown }): AnalyzerClient {
    const unary = (name: keyof PolicyServerHandlers, remember?: "configureStack" | "configure") =>
        (request: unknown, callback: (error: never, response: never) => void) => {
            if (remember !== undefined) sent[remember] = request;
            if (name === "analyze" || name === "analyzeStack" || name === "remediate") convertOnce(request);
            void handlers[name]({ request }, callback as (error: unknown, response?: unknown) => void);
            return undefined as never;
        };
    return {
        handshake: () => {
            throw new Error("the in-process pack has no handshake");
        },
        configureStack: unary("configureStack", "configureStack"),
        getAnalyzerInfo: unary("getAnalyzerInfo"),
        getPluginInfo: unary("getPluginInfo"),
        configure: unary("configure", "configure"),
        remediate: unary("remediate"),
        analyze: unary("analyze"),
        analyzeStack: unary("analyzeStack"),
        close: () => undefined,
    };
}

/** Starts the pack in this process and opens a session speaking to it as the CLI does. */
export async function startPolicyPackInProcess(given: PolicyPackStartOptions): Promise<PolicyPackSession> {
    const options = withDefaults(given);
    const packDir = path.resolve(options.packDir);
    // The pack's compiled modules, not the bundle the CLI runs: they share this process's SDK and
    // gRPC package, whose server the handlers are taken from.
    await ensurePackBuilt(packDir, ["modules"]);
    // The stack's identity reaches the handlers through ConfigureStack; the pack's rules read
    // nothing else of the process (no pulumi.getStack(), no environment), so one process can
    // analyze several stacks in turn.
    const handlers = loadPolicyPackHandlers(packDir, PACK_MODULES_ENTRY);
    options.onSpawned?.();
    const sent: { configureStack?: unknown; configure?: unknown } = {};
    const client = inProcessClient(handlers, sent);
    const session = await exclusive(async () => {
        await configureStack(client, options);
        const info = await call<analyzerProto.AnalyzerInfo>((cb) => client.getAnalyzerInfo(new Empty(), cb));
        await call<unknown>((cb) => client.getPluginInfo(new Empty(), cb));
        return openSession(client, info, [], async () => undefined, options.notApplicablePrefix);
    });
    const replay = async () => {
        for (const name of ["configureStack", "configure"] as const) {
            if (sent[name] !== undefined) await call<unknown>((cb) => handlers[name]({ request: sent[name] }, cb as (error: unknown, response?: unknown) => void));
        }
    };
    return {
        pack: session.pack,
        version: session.version,
        policies: session.policies,
        engineLogs: session.engineLogs,
        configure: (configFile) => exclusive(async () => {
            await replay();
            return session.configure(configFile);
        }),
        analyze: (resources) => exclusive(async () => {
            await replay();
            return session.analyze(resources);
        }),
        notApplicable: session.notApplicable,
        close: session.close,
    };
}
