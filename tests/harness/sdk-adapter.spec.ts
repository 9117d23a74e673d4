/**
 * The Pulumi SDK internals the project relies on (infra/sdk-adapter.ts) are where it expects them.
 * An upgrade of @pulumi/pulumi or @pulumi/policy that moves one fails here, by name, before any
 * preview or policy spec fails in a way that hides why.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import Module from "module";
import * as path from "path";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import * as structModule from "google-protobuf/google/protobuf/struct_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as sdk from "../../infra/sdk-adapter";
import { POLICY_PACK_DIR } from "../../infra/paths";
import { PACK_MODULES_ENTRY, ensurePackBuilt } from "../../infra/analyzer/pack-build";

const ROOT = path.resolve(__dirname, "..", "..");
const REGISTER = "./infra/offline/register.js";

describe("the Pulumi SDK adapter", function () {
    this.timeout(60_000);

    it("finds every internal it relies on in the installed SDKs", () => {
        assert.deepEqual(sdk.sdkAdapterProblems(), []);
    });

    it("decodes the wire format as the policy server does: secrets unwrapped, unknowns throwing UnknownValueError", () => {
        const props = sdk.unknownCheckingProxy(sdk.deserializeProperties(Struct.fromJavaScript({
            name: "db",
            password: { [sdk.specialSigKey]: sdk.specialSecretSig, value: "hunter2" },
            arn: sdk.unknownValue,
        })));
        assert.equal(props.name, "db");
        assert.equal(props.password, "hunter2");
        assert.throws(() => props.arn, (error: unknown) => error instanceof sdk.UnknownValueError);
    });

    it("loads the SDK for the offline commands without TypeScript, arborist or the Automation API, and each on first use", () => {
        const probe = `
            const cached = (name) => Object.keys(require.cache).some((file) => file.includes("/node_modules/" + name + "/"));
            const pulumi = require("@pulumi/pulumi");
            const before = { typescript: cached("typescript"), arborist: cached("@npmcli/arborist"), automation: cached("@pulumi/pulumi/automation") };
            const shim = require("@pulumi/pulumi/typescript-shim");
            const parsed = shim.createSourceFile("f.ts", "const answer = 42;", shim.ScriptTarget.ES2020).statements.length;
            const workspace = typeof pulumi.automation.LocalWorkspace.create;
            console.log(JSON.stringify({ before, after: { typescript: cached("typescript"), automation: cached("@pulumi/pulumi/automation") }, parsed, workspace, version: shim.version === require("typescript").version }));
        `;
        const run = spawnSync(process.execPath, ["--require", REGISTER, "-e", probe], { cwd: ROOT, encoding: "utf8" });
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(JSON.parse(run.stdout), {
            before: { typescript: false, arborist: false, automation: false },
            after: { typescript: true, automation: true },
            parsed: 1,
            workspace: "function",
            version: true,
        });
    });

    it("keeps the Structs the SDK exchanges with the mock monitor as values, converted as google-protobuf converts them", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { inMemoryStructModule } = require("../../infra/offline/in-process-messages") as {
            inMemoryStructModule(real: object): { Struct: typeof Struct };
        };
        const InMemory = inMemoryStructModule(structModule).Struct;
        const inherited = Object.assign(Object.create({ fromPrototype: "kept" }), { own: 1 });
        const values: Array<Record<string, unknown>> = [
            { zebra: 1, apple: [true, null, "x", -0, 1.5e300], "10": "ten", "9": "nine", nested: { b: { c: [] }, a: {} } },
            { [sdk.specialSigKey]: sdk.specialSecretSig, value: { tags: { Name: "db" } } },
            { arn: sdk.unknownValue, empty: "", list: [[1, [2]], { k: "v" }] },
            inherited,
            {},
        ];
        for (const value of values) {
            const converted = InMemory.fromJavaScript(value as never).toJavaScript();
            const byProtobuf = Struct.fromJavaScript(value as never).toJavaScript();
            assert.equal(JSON.stringify(converted), JSON.stringify(byProtobuf));
            assert.deepEqual(InMemory.fromJavaScript(value as never).serializeBinary(), Struct.fromJavaScript(value as never).serializeBinary());
        }
        const parsed = JSON.parse('{"__proto__": {"polluted": true}, "plain": 1}') as Record<string, unknown>;
        const arrayLike = { list: Object.create(Array.prototype) as unknown[] };
        for (const value of [parsed, arrayLike]) {
            assert.equal(JSON.stringify(InMemory.fromJavaScript(value as never).toJavaScript()), JSON.stringify(Struct.fromJavaScript(value as never).toJavaScript()));
            assert.deepEqual(InMemory.fromJavaScript(value as never).serializeBinary(), Struct.fromJavaScript(value as never).serializeBinary());
        }
        // eslint-disable-next-line no-sparse-arrays
        for (const invalid of [{ missing: undefined }, { call: () => 1 }, { list: [Symbol("s")] }, { sparse: [1, , 3] }]) {
            assert.throws(() => Struct.fromJavaScript(invalid as never), /Unexpected struct type/);
            assert.throws(() => InMemory.fromJavaScript(invalid as never), /Unexpected struct type/);
        }
        const source = { tags: { Name: "before" } };
        const struct = InMemory.fromJavaScript(source as never);
        source.tags.Name = "after";
        const first = struct.toJavaScript() as { tags: { Name: string } };
        first.tags.Name = "changed by a reader";
        assert.equal((struct.toJavaScript() as { tags: { Name: string } }).tags.Name, "before");
    });

    it("answers not-applicable entries in-process with the fields, accessors and serialized bytes of the protocol's message", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { inProcessAnalyzerModule } = require("../../infra/offline/in-process-messages") as {
            inProcessAnalyzerModule(real: object): { PolicyNotApplicable: typeof analyzerProto.PolicyNotApplicable };
        };
        const InProcess = inProcessAnalyzerModule(analyzerProto).PolicyNotApplicable;
        const response = (Entry: typeof analyzerProto.PolicyNotApplicable) => {
            const entries = [["s3-versioning", "Policy only applies to resources of type 'aws:s3/bucketVersioning:BucketVersioning'"], ["rds-encrypted", ""]].map(([name, reason]) => {
                const entry = new Entry();
                entry.setPolicyName(name);
                if (reason) entry.setReason(reason);
                return entry;
            });
            const message = new analyzerProto.AnalyzeResponse();
            message.setNotApplicableList(entries);
            return message;
        };
        const inProcess = response(InProcess);
        const byProtocol = response(analyzerProto.PolicyNotApplicable);
        assert.deepEqual(inProcess.serializeBinary(), byProtocol.serializeBinary());
        const read = (message: analyzerProto.AnalyzeResponse) => message.getNotApplicableList().map((entry) => [entry.getPolicyName(), entry.getReason()]);
        assert.deepEqual(read(inProcess), read(byProtocol));
        assert.deepEqual(read(analyzerProto.AnalyzeResponse.deserializeBinary(inProcess.serializeBinary())), read(byProtocol));
    });

    it("gives the in-process messages, under the offline commands, only to the SDK's monitor traffic and the in-process pack", () => {
        const probe = `
            const Module = require("module");
            const structFor = (file) => Module._load("google-protobuf/google/protobuf/struct_pb", require.cache[require.resolve(file)]).Struct;
            require("@pulumi/pulumi");
            require("@pulumi/policy");
            const real = require("google-protobuf/google/protobuf/struct_pb").Struct;
            const notApplicableFor = (file) => Module._load("@pulumi/pulumi/proto/analyzer_pb", require.cache[require.resolve(file)]).PolicyNotApplicable;
            const realNotApplicable = require("@pulumi/pulumi/proto/analyzer_pb").PolicyNotApplicable;
            console.log(JSON.stringify({
                inProcess: ["@pulumi/pulumi/runtime/resource.js", "@pulumi/pulumi/runtime/mocks.js", "@pulumi/pulumi/runtime/invoke.js", "@pulumi/policy/protoutil.js"]
                    .map((file) => structFor(file) !== real)
                    .concat(notApplicableFor("@pulumi/policy/server.js") !== realNotApplicable),
                elsewhere: [structFor("@pulumi/pulumi/runtime/rpc.js") === real, real.fromJavaScript({}).constructor === real, notApplicableFor("@pulumi/policy/protoutil.js") === realNotApplicable],
            }));
        `;
        const run = spawnSync(process.execPath, ["--require", REGISTER, "-e", probe], { cwd: ROOT, encoding: "utf8" });
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(JSON.parse(run.stdout), { inProcess: [true, true, true, true, true], elsewhere: [true, true, true] });
        // This process loaded the adapter, which reads the substitutes' lists, but not register.js.
        const loadFor = (request: string, file: string) => {
            const parent = require.cache[require.resolve(file)];
            assert.ok(parent, `${file} is loaded in this process`);
            return (Module as unknown as { _load(request: string, parent: unknown): Record<string, unknown> })._load(request, parent);
        };
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("@pulumi/policy");
        assert.equal(loadFor("google-protobuf/google/protobuf/struct_pb", "@pulumi/pulumi/runtime/resource.js").Struct, Struct);
        assert.equal(loadFor("@pulumi/pulumi/proto/analyzer_pb", "@pulumi/policy/server.js").PolicyNotApplicable, analyzerProto.PolicyNotApplicable);
    });

    it("serves the pack's analyzer handlers in-process, without binding a port", async () => {
        await ensurePackBuilt(POLICY_PACK_DIR, ["modules"]);
        const handlers = sdk.loadPolicyPackHandlers(POLICY_PACK_DIR, PACK_MODULES_ENTRY);
        assert.deepEqual(Object.keys(handlers).sort(), ["analyze", "analyzeStack", "configure", "configureStack", "getAnalyzerInfo", "getPluginInfo", "remediate"]);
    });
});
