/**
 * The Pulumi SDK internals the project relies on (infra/sdk-adapter.ts) are where it expects them.
 * An upgrade of @pulumi/pulumi or @pulumi/policy that moves one fails here, by name, before any
 * preview or policy spec fails in a way that hides why.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import Module from "module";
import * as path from "path";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import * as structModule from "google-protobuf/google/protobuf/struct_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as sdk from "../../infra/sdk-adapter";
import { POLICY_PACK_DIR } from "../../infra/paths";
import { PACK_MODULES_ENTRY, ensurePackBuilt } from "../../infra/analyzer/pack-build";
import { scratchDir } from "./scratch";

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

    it("loads the dependencies of the offline commands without what only function serialization, the Automation API, a real engine, YAML globs or translations use, and each on first use", () => {
        const workspace = scratchDir("code-paths-");
        writeFileSync(path.join(workspace, "package.json"), JSON.stringify({ name: "root", version: "1.0.0", workspaces: ["member"] }));
        mkdirSync(path.join(workspace, "member"));
        writeFileSync(path.join(workspace, "member", "package.json"), JSON.stringify({ name: "member", version: "1.0.0" }));
        writeFileSync(path.join(workspace, "member", "service.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: probe\n");
        const probe = `
            const loaded = (file) => Object.keys(require.cache).some((name) => name.includes("/node_modules/" + file));
            const watched = { typescript: "typescript/", arborist: "@npmcli/arborist/", automation: "@pulumi/pulumi/automation/", closure: "@pulumi/pulumi/runtime/closure/createClosure.js", fdir: "fdir/", upath: "upath/", glob: "glob/", semver: "semver/", locales: "zod/v4/locales/de.cjs" };
            const state = () => Object.fromEntries(Object.entries(watched).map(([name, file]) => [name, loaded(file)]));
            const pulumi = require("@pulumi/pulumi");
            const k8s = require("@pulumi/kubernetes");
            const { z } = require("zod");
            const before = { ...state(), telemetry: loaded("@opentelemetry/api/") };
            const english = z.string().safeParse(1).error.issues[0].message;
            (async () => {
                const shim = require("@pulumi/pulumi/typescript-shim");
                const parsed = shim.createSourceFile("f.ts", "const answer = 42;", shim.ScriptTarget.ES2020).statements.length;
                const workspace = typeof pulumi.automation.LocalWorkspace.create;
                const serialized = (await pulumi.runtime.serializeFunction(() => 6 * 7)).text.includes("6 * 7");
                process.chdir(${JSON.stringify(workspace)});
                const codePaths = [...(await pulumi.runtime.computeCodePaths({ extraIncludePaths: ["member"] })).keys()];
                const evaluation = await require(${JSON.stringify(path.join(ROOT, "infra", "offline", "engine"))})
                    .evaluate(() => { new k8s.yaml.ConfigGroup("group", { files: "member/*.yaml" }); return {}; }, { project: "p", stack: "s", config: {}, region: "eu-west-1" })
                    .then((result) => result.resources, (failure) => failure.resources);
                const globbed = evaluation.filter((r) => r.type === "kubernetes:yaml:ConfigFile").map((r) => r.name);
                // A provider package registered twice is compared by version (semver).
                const module = { version: "1.2.3", construct: () => undefined };
                pulumi.runtime.registerResourceModule("probe", "index", module);
                pulumi.runtime.registerResourceModule("probe", "index", module);
                const oneLocales = z.locales === z.core.locales;
                z.config(z.locales.de());
                const german = z.string().safeParse(1).error.issues[0].message;
                console.log(JSON.stringify({ before, after: state(), parsed, workspace, serialized, codePaths, globbed, translated: english !== german, oneLocales, version: shim.version === require("typescript").version }));
            })();
        `;
        const run = spawnSync(process.execPath, ["--require", REGISTER, "-e", probe], { cwd: ROOT, encoding: "utf8" });
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(JSON.parse(run.stdout), {
            before: { typescript: false, arborist: false, automation: false, closure: false, fdir: false, upath: false, glob: false, semver: false, locales: false, telemetry: false },
            after: { typescript: true, arborist: true, automation: true, closure: true, fdir: true, upath: true, glob: true, semver: true, locales: true },
            parsed: 1,
            workspace: "function",
            serialized: true,
            codePaths: ["member"],
            globbed: ["./member/service.yaml"],
            translated: true,
            oneLocales: true,
            version: true,
        });
    });

    it("hands a deferred module to the SDKs' import helpers as they would hand the module itself, loading it on first read", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { deferredModule } = require("../../infra/offline/deferred-loads") as { deferredModule: (load: () => unknown) => Record<string, unknown> };
        const commonJs = Object.assign(() => "called", { member: 1 });
        let loads = 0;
        const standIn = deferredModule(() => (loads++, commonJs));
        // What TypeScript's __importDefault and __importStar do with a module that reports __esModule.
        const importDefault = (module: Record<string, unknown>) => (module.__esModule ? module : { default: module });
        assert.equal(loads, 0, "not loaded by being required");
        assert.equal(importDefault(standIn).default, commonJs, "default is the CommonJS module itself");
        assert.equal(standIn.member, 1);
        assert.equal(loads, 1, "loaded once, on first read");
        const esModule = { __esModule: true, default: "the default export" };
        assert.equal(deferredModule(() => esModule).default, "the default export", "an ES module keeps its own default");
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
