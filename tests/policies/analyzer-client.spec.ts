import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type PolicyPackSession, type RecordedResource, startPolicyPack } from "../../infra/analyzer";
import { type ConfigurablePolicy, readPackConfigFile, reconcilePackConfig } from "../../infra/analyzer/pack-config";
import { analyzeRequest, nameFromUrn, stackResource, typeFromUrn } from "../../infra/analyzer/requests";
import { scratchDir } from "../harness/scratch";
import { StackRecorder, UNKNOWN } from "./fixtures/recorder";
import { PACK_START_TIMEOUT_MS } from "./harness/pack";

const scratch = scratchDir("clinical-analyzer-");
function configFileWith(name: string, content: unknown): string {
    const file = join(scratch, name);
    writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
    return file;
}

const policies: ConfigurablePolicy[] = [
    {
        name: "retention",
        enforcementLevel: "mandatory",
        configSchema: { properties: { minimumDays: { type: "integer", minimum: 1, default: 7 }, exemptResources: { type: "array", default: [] } }, required: [] },
    },
    { name: "replicas", enforcementLevel: "advisory", configSchema: undefined },
];

describe("the analyzer client's pack config", () => {
    it("reads enforcement levels given as strings or objects and ignores the ESC environments key", () => {
        const file = configFileWith("levels.json", { retention: "advisory", replicas: { enforcementLevel: "disabled", minimum: 2 }, environments: ["shared/aws"] });
        assert.deepEqual(readPackConfigFile(file), {
            retention: { enforcementLevel: "advisory" },
            replicas: { enforcementLevel: "disabled", properties: { minimum: 2 } },
        });
    });

    it("rejects an unknown enforcement level", () => {
        assert.throws(() => readPackConfigFile(configFileWith("bad-level.json", { retention: "strict" })), /retention: "strict" is not a valid enforcement level/);
    });

    it("starts every policy from its schema defaults, then applies the file", () => {
        const reconciled = reconcilePackConfig(policies, {}, { retention: { properties: { minimumDays: 30 } } });
        assert.deepEqual(reconciled, {
            retention: { enforcementLevel: "mandatory", properties: { minimumDays: 30, exemptResources: [] } },
            replicas: { enforcementLevel: "advisory", properties: {} },
        });
    });

    it("lets an 'all' entry set every policy's level before per-policy entries", () => {
        const reconciled = reconcilePackConfig(policies, {}, { all: { enforcementLevel: "advisory" }, replicas: { enforcementLevel: "mandatory" } });
        assert.deepEqual([reconciled["retention"].enforcementLevel, reconciled["replicas"].enforcementLevel], ["advisory", "mandatory"]);
        assert.equal(reconciled["all"], undefined);
    });

    it("refuses values that break the schema, listing each with its policy", () => {
        assert.throws(() => reconcilePackConfig(policies, {}, { retention: { properties: { minimumDays: 0 } } }), /retention: minimumDays: must be >= 1/);
    });

    it("lists every problem at once, each at its own key or item", () => {
        assert.throws(
            () => reconcilePackConfig(policies, {}, { retention: { properties: { minimumDays: 2.5, exemptResources: "bucket" } } }),
            (error: Error) => {
                assert.match(error.message, /retention: minimumDays: must be integer/);
                assert.match(error.message, /retention: exemptResources: must be array/);
                return true;
            },
        );
        const ports: ConfigurablePolicy = {
            name: "public-ports",
            enforcementLevel: "mandatory",
            configSchema: { properties: { ports: { type: "array", items: { type: "integer", maximum: 65535 }, uniqueItems: true } } },
        };
        assert.throws(() => reconcilePackConfig([ports], {}, { "public-ports": { properties: { ports: [443, 70000] } } }), /public-ports: ports\[1\]: must be <= 65535/);
        assert.throws(() => reconcilePackConfig([ports], {}, { "public-ports": { properties: { ports: [443, 443] } } }), /public-ports: ports: must NOT have duplicate items/);
    });

    it("applies the schema keywords a hand-written subset skipped: multipleOf, anyOf, not, required", () => {
        const policy: ConfigurablePolicy = {
            name: "window",
            enforcementLevel: "advisory",
            configSchema: {
                properties: {
                    minutes: { type: "integer", multipleOf: 15 },
                    target: { anyOf: [{ type: "string", pattern: "^arn:" }, { type: "null" }] },
                    engine: { type: "string", not: { enum: ["mysql"] } },
                },
                required: ["minutes"],
            },
        };
        const problems = (properties: Record<string, unknown>) => {
            try {
                reconcilePackConfig([policy], {}, { window: { properties } });
                return "";
            } catch (error) {
                return (error as Error).message;
            }
        };
        assert.match(problems({ minutes: 20 }), /window: minutes: must be multiple of 15/);
        assert.match(problems({ minutes: 30, target: "bucket" }), /window: target: must match a schema in anyOf/);
        assert.match(problems({ minutes: 30, engine: "mysql" }), /window: engine: must NOT be valid/);
        assert.match(problems({}), /window: minutes: is required/);
        assert.equal(problems({ minutes: 45, target: null, engine: "postgres" }), "");
    });

    it("stops on a pack whose own config schema is malformed, naming the policy", () => {
        const broken: ConfigurablePolicy = { name: "typo", enforcementLevel: "advisory", configSchema: { properties: { days: { type: "integer", minimun: 1 } } } };
        assert.throws(() => reconcilePackConfig([broken], {}, {}), /typo: the pack's config schema is invalid: .*minimun/);
    });
});

describe("the analyzer client's requests", () => {
    const recorder = new StackRecorder("dev");
    const component = recorder.component("clinical-platform:storage:Buckets", "buckets");
    const provider = recorder.custom("pulumi:providers:aws", "eu", { region: "eu-west-1" });
    const bucket = recorder.custom("aws:s3/bucket:Bucket", "assets", { tags: { purpose: "assets" } }, {}, component);
    const block = recorder.custom("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "assets-pab", { bucket: UNKNOWN, skipped: undefined }, { bucket }, component);
    block.options = { protect: true, retainOnDelete: false, ignoreChanges: ["tags"], deleteBeforeReplace: true, provider: `${provider.urn}::${UNKNOWN}` };
    block.propertyDependencies["region"] = [];
    const byUrn = new Map(recorder.resources.map((resource) => [resource.urn, resource]));

    it("qualifies child URNs by their parents' types, and reads type and name back from a URN", () => {
        assert.equal(block.urn, "urn:pulumi:dev::clinical-platform::clinical-platform:storage:Buckets$aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::assets-pab");
        assert.equal(typeFromUrn(block.urn), "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
        assert.equal(nameFromUrn(block.urn), "assets-pab");
    });

    it("sends inputs with unknowns kept as the engine's sentinel and undefined inputs dropped", () => {
        assert.deepEqual(analyzeRequest(block, byUrn).getProperties()?.toJavaScript(), { bucket: UNKNOWN });
    });

    it("sends options and the recorded provider with its inputs", () => {
        const request = analyzeRequest(block, byUrn);
        const options = request.getOptions();
        assert.deepEqual(
            [options?.getProtect(), options?.getIgnorechangesList(), options?.getDeletebeforereplacedefined(), options?.getDeletebeforereplace(), options?.getParent()],
            [true, ["tags"], true, true, component.urn],
        );
        const sent = request.getProvider();
        assert.deepEqual([sent?.getUrn(), sent?.getType(), sent?.getName(), sent?.getProperties()?.toJavaScript()], [provider.urn, "pulumi:providers:aws", "eu", { region: "eu-west-1" }]);
    });

    it("derives an unrecorded provider's type and name from its reference", () => {
        const orphan: RecordedResource = { ...bucket, options: { protect: false, retainOnDelete: false, provider: `urn:pulumi:dev::clinical-platform::pulumi:providers:kubernetes::eks::id-1` } };
        const sent = analyzeRequest(orphan, byUrn).getProvider();
        assert.deepEqual([sent?.getType(), sent?.getName()], ["pulumi:providers:kubernetes", "eks"]);
    });

    it("sends the stack call's parent, dependencies and only the non-empty property dependencies", () => {
        const message = stackResource(block, byUrn);
        assert.equal(message.getParent(), component.urn);
        assert.deepEqual(message.getDependenciesList(), [bucket.urn]);
        assert.deepEqual([...message.getPropertydependenciesMap().entries()].map(([key, value]) => [key, value.getUrnsList()]), [["bucket", [bucket.urn]]]);
    });
});

describe("starting a pack directory as the Pulumi CLI's Node language host does", () => {
    let session: PolicyPackSession;
    let seen: Record<string, unknown>;
    const echoPack = join(__dirname, "fixtures", "echo-pack");

    before(async function () {
        this.timeout(PACK_START_TIMEOUT_MS);
        session = await startPolicyPack({
            packDir: echoPack,
            launch: "directory",
            project: "clinical-platform",
            stack: "staging",
            organization: "acme",
            dryRun: true,
            stackConfig: { "aws:region": "eu-west-1" },
        });
        await session.configure(configFileWith("empty.json", ""));
        const recorder = new StackRecorder("staging");
        const provider = recorder.custom("pulumi:providers:aws", "eu", { region: "eu-west-1" });
        const bucket = recorder.custom("aws:s3/bucket:Bucket", "assets", {});
        bucket.options = { protect: true, retainOnDelete: false, provider: `${provider.urn}::${UNKNOWN}` };
        const [violation] = await session.analyze([bucket]);
        seen = JSON.parse(violation.message) as Record<string, unknown>;
    });

    after(async () => session?.close());

    it("runs it in the pack directory, with the pack's own package.json as its version", () => {
        assert.equal(seen["cwd"], echoPack);
        assert.equal(session.version, "0.0.7");
    });

    it("passes the organization, project, stack, dry-run flag and stack config in the environment", () => {
        assert.deepEqual(
            [seen["organization"], seen["project"], seen["stack"], seen["dryRun"], seen["config"]],
            ["acme", "clinical-platform", "staging", "true", JSON.stringify({ "aws:region": "eu-west-1" })],
        );
    });

    it("loads the TypeScript entry through run-policy-pack's compiler hook", () => {
        assert.equal(seen["typeScriptCompiler"], true);
    });

    it("hands the policy the resource's options and provider", () => {
        assert.equal(seen["provider"], "pulumi:providers:aws");
        assert.equal((seen["options"] as { protect: boolean }).protect, true);
    });
});
