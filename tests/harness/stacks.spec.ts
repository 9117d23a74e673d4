import { strict as assert } from "assert";
import { readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { REPOSITORY_ROOT, runOfflinePreview } from "../../infra/offline/preview";
import { RecordedResource } from "../../infra/offline/types";
import { ofType, previewOf, setTraffic, specStackFile } from "./stacks";

/** The weights the weighted HTTPS listener (port 443; the test listener forwards to one group) forwards with, in slot order. */
function listenerWeights(resources: RecordedResource[]): number[] {
    const https = ofType(resources, "aws:lb/listener:Listener").find((r) => (r.inputs as { protocol?: string; port?: number }).protocol === "HTTPS" && (r.inputs as { port?: number }).port === 443);
    assert.ok(https, "the weighted HTTPS listener");
    return (https.inputs as { defaultActions: Array<{ forward: { targetGroups: Array<{ weight: number }> } }> }).defaultActions[0].forward.targetGroups.map((g) => g.weight);
}

describe("the specs' stacks", function () {
    this.timeout(180_000);

    it("do not depend on the split or images committed in Pulumi.<stack>.yaml, which the traffic workflow changes on main", async () => {
        // A canary in flight on main: green at 30 % with an image no spec knows, and green stable.
        const canary = parseDocument(readFileSync(path.join(REPOSITORY_ROOT, "Pulumi.production.yaml"), "utf8"));
        setTraffic(canary, {
            stableSlot: "green",
            slots: { blue: { image: "registry.example.com/clinical-api:9.9.8", weight: 70 }, green: { image: "registry.example.com/clinical-api:9.9.9", weight: 30 } },
        });
        const committedElsewhere = path.join(path.dirname(specStackFile("production")), "committed.yaml");
        writeFileSync(committedElsewhere, canary.toString());

        const asSpecsSeeIt = specStackFile("production", undefined, committedElsewhere);
        assert.equal(readFileSync(asSpecsSeeIt, "utf8"), readFileSync(specStackFile("production"), "utf8"), "the same file, whatever main's split");
        const [specs, onMain] = await Promise.all([
            previewOf("production"),
            runOfflinePreview({ stack: "production", configFile: committedElsewhere, policy: false, deployChecks: false }),
        ]);
        assert.deepEqual(listenerWeights(onMain.resources), [70, 30], "the canary split reaches the program");
        assert.deepEqual(listenerWeights(specs.resources), [100, 0], "previewOf keeps the specs' own split");
        assert.equal(specs.config.app.stableSlot, "blue");
        assert.equal(specs.config.app.slots.green.image, "registry.example.com/clinical-api:1.5.0");
    });
});
