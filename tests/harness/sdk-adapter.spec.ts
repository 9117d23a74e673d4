/**
 * The Pulumi SDK internals the project relies on (infra/sdk-adapter.ts) are where it expects them.
 * An upgrade of @pulumi/pulumi or @pulumi/policy that moves one fails here, by name, before any
 * preview or policy spec fails in a way that hides why.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
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

    it("keeps a program error's stack while the SDK's promise stack traces are off", async () => {
        const error = await sdk.withoutPromiseStackTraces(async () => new Error("from the program"));
        assert.match(error.stack ?? "", /\n\s+at /);
    });

    it("loads the SDK for the offline commands without TypeScript or arborist, and TypeScript on first use", () => {
        const probe = `
            const cached = (name) => Object.keys(require.cache).some((file) => file.includes("/node_modules/" + name + "/"));
            require("@pulumi/pulumi");
            const before = { typescript: cached("typescript"), arborist: cached("@npmcli/arborist") };
            const shim = require("@pulumi/pulumi/typescript-shim");
            const parsed = shim.createSourceFile("f.ts", "const answer = 42;", shim.ScriptTarget.ES2020).statements.length;
            console.log(JSON.stringify({ before, after: { typescript: cached("typescript") }, parsed, version: shim.version === require("typescript").version }));
        `;
        const run = spawnSync(process.execPath, ["--require", REGISTER, "-e", probe], { cwd: ROOT, encoding: "utf8" });
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(JSON.parse(run.stdout), {
            before: { typescript: false, arborist: false },
            after: { typescript: true },
            parsed: 1,
            version: true,
        });
    });

    it("serves the pack's analyzer handlers in-process, without binding a port", async () => {
        await ensurePackBuilt(POLICY_PACK_DIR, ["modules"]);
        const handlers = sdk.loadPolicyPackHandlers(POLICY_PACK_DIR, PACK_MODULES_ENTRY);
        assert.deepEqual(Object.keys(handlers).sort(), ["analyze", "analyzeStack", "configure", "configureStack", "getAnalyzerInfo", "getPluginInfo", "remediate"]);
    });
});
