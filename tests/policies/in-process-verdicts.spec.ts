/**
 * The preview analyzes in-process through @pulumi/policy's own handlers; the pack's own process
 * over the analyzer protocol, as `pulumi preview --policy-pack` drives it, is the reference. Every
 * committed stack (existing and first deployment), the compliant fixture and the insecure program
 * go through both, and the verdicts must be identical, field for field and in order.
 */
import { strict as assert } from "node:assert";
import type { PolicyPackSession, PolicyViolation, RecordedResource } from "../../infra/analyzer";
import { startPolicyPackInProcess } from "../../infra/analyzer/in-process";
import { PACK_SESSION_OPTIONS } from "../../infra/offline/pack-metadata";
import { STACKS as SPEC_STACKS, previewOf } from "../harness/stacks";
import { compliantStack } from "./fixtures/compliant-stack";
import { expectedOffenders, insecureStack } from "./fixtures/insecure-stack";
import { PACK_DIR, PACK_START_TIMEOUT_MS, type StackName, configFile, startPack } from "./harness/pack";

const PROJECT = "clinical-platform";
const STACK_TAGS = { "pulumi:project": PROJECT, "pulumi:runtime": "nodejs" };

describe("the in-process analysis, against the analyzer protocol", function () {
    this.timeout(PACK_START_TIMEOUT_MS);
    let protocol: PolicyPackSession;
    let inProcess: PolicyPackSession;

    before(async () => {
        [protocol, inProcess] = await Promise.all([
            startPack("production"),
            startPolicyPackInProcess({ packDir: PACK_DIR, project: PROJECT, stack: "production", dryRun: true, stackTags: STACK_TAGS, ...PACK_SESSION_OPTIONS }),
        ]);
    });

    after(async () => {
        await protocol?.close();
        await inProcess?.close();
    });

    /** Both verdicts on `resources` under the stack's pack config, after checking the pack describes itself alike. */
    async function bothWays(stack: StackName, resources: RecordedResource[]): Promise<[PolicyViolation[], PolicyViolation[]]> {
        const [viaProtocol, viaHandlers] = await Promise.all([protocol.configure(configFile(stack)), inProcess.configure(configFile(stack))]);
        assert.deepEqual(viaHandlers, viaProtocol, "the same reconciled pack config");
        return [await protocol.analyze(resources), await inProcess.analyze(resources)];
    }

    it("describes the same pack: name, version and every policy with its metadata", () => {
        assert.equal(inProcess.pack, protocol.pack);
        assert.equal(inProcess.version, protocol.version);
        assert.deepEqual(inProcess.policies, protocol.policies);
    });

    for (const stack of SPEC_STACKS) {
        for (const firstDeployment of [false, true]) {
            it(`gives the same verdict on the ${stack} stack${firstDeployment ? " as a first deployment" : ""}`, async () => {
                const { resources } = await previewOf(stack, { firstDeployment });
                const [viaProtocol, viaHandlers] = await bothWays(stack, resources);
                assert.deepEqual(viaHandlers, viaProtocol);
                assert.deepEqual(inProcess.notApplicable(), protocol.notApplicable(), "the same exemptions, silencing the same findings");
            });
        }
    }

    it("gives the same verdict on the compliant fixture, where every id is unknown", async () => {
        const [viaProtocol, viaHandlers] = await bothWays("production", compliantStack("production"));
        assert.deepEqual(viaHandlers, viaProtocol);
    });

    it("gives the same violations, in the same order, on the insecure program", async () => {
        const [viaProtocol, viaHandlers] = await bothWays("production", insecureStack());
        assert.ok(viaProtocol.length >= Object.keys(expectedOffenders).length, "the insecure program offends every policy");
        assert.deepEqual(viaHandlers, viaProtocol);
    });

    it("keeps each session's configuration when two sessions take turns", async () => {
        const other = await startPolicyPackInProcess({ packDir: PACK_DIR, project: PROJECT, stack: "dev", dryRun: true, stackTags: STACK_TAGS });
        await other.configure(configFile("dev"));
        await inProcess.configure(configFile("production"));
        const singleAz = compliantStack("dev").map((resource) =>
            resource.type === "aws:rds/instance:Instance" ? { ...resource, inputs: { ...resource.inputs, multiAz: false } } : resource,
        );
        const [dev, production] = await Promise.all([other.analyze(singleAz), inProcess.analyze(singleAz)]);
        assert.deepEqual(dev.map((v) => [v.policy, v.level]), [["rds-multi-az", "advisory"]]);
        assert.deepEqual(production.map((v) => [v.policy, v.level]), [["rds-multi-az", "mandatory"]]);
    });
});
