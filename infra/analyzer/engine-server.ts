import * as grpc from "@grpc/grpc-js";
import * as engineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";

export interface EngineLogEntry {
    severity: "debug" | "info" | "warning" | "error";
    message: string;
    urn: string;
}

export interface EngineServer {
    /** host:port the pack is told to reach the engine at. */
    address: string;
    logs: EngineLogEntry[];
    close(): Promise<void>;
}

const SEVERITIES: Record<number, EngineLogEntry["severity"]> = {
    [engineProto.LogSeverity.DEBUG]: "debug",
    [engineProto.LogSeverity.INFO]: "info",
    [engineProto.LogSeverity.WARNING]: "warning",
    [engineProto.LogSeverity.ERROR]: "error",
};

/**
 * The slice of the engine's gRPC service a policy pack may call: it logs through `Log`; the
 * rest answer as an engine with no root resource and any CLI version would.
 */
export async function startEngineServer(): Promise<EngineServer> {
    const logs: EngineLogEntry[] = [];
    const server = new grpc.Server();
    const implementation: engineGrpc.IEngineServer = {
        log(call, callback) {
            const request = call.request;
            logs.push({ severity: SEVERITIES[request.getSeverity()] ?? "info", message: request.getMessage(), urn: request.getUrn() });
            callback(null, new Empty());
        },
        getRootResource(_call, callback) {
            callback(null, new engineProto.GetRootResourceResponse());
        },
        setRootResource(_call, callback) {
            callback(null, new engineProto.SetRootResourceResponse());
        },
        startDebugging(_call, callback) {
            callback(null, new Empty());
        },
        requirePulumiVersion(_call, callback) {
            callback(null, new engineProto.RequirePulumiVersionResponse());
        },
    };
    server.addService(engineGrpc.EngineService, implementation);
    const port = await new Promise<number>((resolve, reject) => {
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, boundPort) =>
            error ? reject(error) : resolve(boundPort),
        );
    });
    return {
        address: `127.0.0.1:${port}`,
        logs,
        close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
    };
}
