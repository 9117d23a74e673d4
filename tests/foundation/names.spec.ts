import { strict as assert } from "assert";
import { RecordedResource } from "../../infra/offline/types";
import { STACKS, previewOf } from "../harness/stacks";

/** Inputs that set a resource's physical name in AWS, by path into the inputs. */
const NAME_INPUTS = ["name", "identifier", "finalSnapshotIdentifier", "vpcOriginEndpointConfig.name"];

/**
 * Types whose `name` is no physical name of the stack's: a GuardDuty feature's is the feature, and AWS
 * allows one Config recorder and delivery channel per account and region, which keep the name the
 * console gives them (`default`) so an existing one can be adopted; only the region's owner creates them.
 */
const NOT_STACK_NAMES = new Set([
    "aws:guardduty/detectorFeature:DetectorFeature",
    "aws:cfg/recorder:Recorder",
    "aws:cfg/deliveryChannel:DeliveryChannel",
    "aws:cfg/recorderStatus:RecorderStatus",
]);

function explicitNames(resources: RecordedResource[]): { resource: string; input: string; value: string }[] {
    return resources.filter((r) => r.type.startsWith("aws:") && !NOT_STACK_NAMES.has(r.type)).flatMap((r) => NAME_INPUTS.flatMap((input) => {
        const value = input.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], r.inputs);
        return typeof value === "string" ? [{ resource: `${r.type} ${r.name}`, input, value }] : [];
    }));
}

describe("explicit physical names", () => {
    for (const stack of STACKS) {
        it(`in ${stack} each carry the stack's environment`, async () => {
            const { resources } = await previewOf(stack);
            const names = explicitNames(resources);
            assert.ok(names.length > 30, "the program names many resources itself");
            const carriesStack = new RegExp(`clinical-platform[-/]${stack}\\b`);
            assert.deepEqual(names.filter(({ value }) => !carriesStack.test(value)), []);
        });
    }

    it("never repeat between staging and production, which share an account and region", async () => {
        const [staging, production] = await Promise.all((["staging", "production"] as const).map((stack) => previewOf(stack)));
        assert.equal(staging.config.region, production.config.region);
        const key = (n: { resource: string; input: string; value: string }) => `${n.resource.split(" ")[0]} ${n.value}`;
        const inStaging = new Set(explicitNames(staging.resources).map(key));
        assert.deepEqual(explicitNames(production.resources).map(key).filter((name) => inStaging.has(name)), []);
    });
});
