import * as grpc from "@grpc/grpc-js";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { BinaryReader } from "google-protobuf";
import type { Empty } from "google-protobuf/google/protobuf/empty_pb";

type Unary<Request, Response> = (request: Request, callback: (error: grpc.ServiceError | null, response: Response) => void) => grpc.ClientUnaryCall;

/** The Analyzer service methods the CLI calls during a preview. */
export interface AnalyzerClient {
    handshake: Unary<analyzerProto.AnalyzerHandshakeRequest, analyzerProto.AnalyzerHandshakeResponse>;
    configureStack: Unary<analyzerProto.AnalyzerStackConfigureRequest, analyzerProto.AnalyzerStackConfigureResponse>;
    getAnalyzerInfo: Unary<Empty, analyzerProto.AnalyzerInfo>;
    getPluginInfo: Unary<Empty, unknown>;
    configure: Unary<analyzerProto.ConfigureAnalyzerRequest, Empty>;
    remediate: Unary<analyzerProto.AnalyzeRequest, analyzerProto.RemediateResponse>;
    analyze: Unary<analyzerProto.AnalyzeRequest, analyzerProto.AnalyzeResponse>;
    analyzeStack: Unary<analyzerProto.AnalyzeStackRequest, analyzerProto.AnalyzeResponse>;
    close(): void;
}

const DIAGNOSTICS_FIELD = 2;
const NOT_APPLICABLE_FIELD = 3;

/**
 * Decodes an AnalyzeResponse's diagnostics and skips its not-applicable list. The policy
 * server lists every policy that did not apply to the resource, a hundred entries per call
 * that a caller rarely reads; decoding them dominated the client's time on large stacks.
 * The one exception is a response whose raw bytes contain `keep` (found by one search): its
 * list is decoded, for the caller to pick the entries it asked for.
 */
function decodeDiagnostics(bytes: Uint8Array, keep: Buffer | undefined): analyzerProto.AnalyzeResponse {
    const response = new analyzerProto.AnalyzeResponse();
    const reader = new BinaryReader(bytes);
    const keeping = keep !== undefined && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(keep);
    while (reader.nextField() && !reader.isEndGroup()) {
        if (reader.getFieldNumber() === DIAGNOSTICS_FIELD) {
            const diagnostic = new analyzerProto.AnalyzeDiagnostic();
            reader.readMessage(diagnostic, analyzerProto.AnalyzeDiagnostic.deserializeBinaryFromReader);
            response.addDiagnostics(diagnostic);
        } else if (keeping && reader.getFieldNumber() === NOT_APPLICABLE_FIELD) {
            const entry = new analyzerProto.PolicyNotApplicable();
            reader.readMessage(entry, analyzerProto.PolicyNotApplicable.deserializeBinaryFromReader);
            response.addNotApplicable(entry);
        } else {
            reader.skipField();
        }
    }
    return response;
}

const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

/** `notApplicablePrefix`: decode the not-applicable lists of responses that contain it (see decodeDiagnostics). */
export function connectAnalyzer(address: string, notApplicablePrefix?: string): AnalyzerClient {
    const keep = notApplicablePrefix ? Buffer.from(notApplicablePrefix) : undefined;
    const decode = (bytes: Uint8Array) => decodeDiagnostics(bytes, keep);
    const service = analyzerGrpc.AnalyzerService;
    const definition: grpc.ServiceDefinition = {
        ...service,
        analyze: { ...service.analyze, responseDeserialize: decode },
        analyzeStack: { ...service.analyzeStack, responseDeserialize: decode },
    };
    const Client = grpc.makeGenericClientConstructor(definition, "Analyzer");
    const client = new Client(address, grpc.credentials.createInsecure(), {
        "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
        "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
        "grpc.enable_channelz": 0,
    });
    return client as unknown as AnalyzerClient;
}
