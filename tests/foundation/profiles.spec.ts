import { strict as assert } from "assert";
import { previewOf, STACKS } from "../harness/stacks";

describe("environment profiles", () => {
    it("size each environment as agreed", async () => {
        const [dev, staging, production] = await Promise.all([previewOf("dev"), previewOf("staging"), previewOf("production")]);
        assert.deepEqual(
            [dev, staging, production].map(({ config }) => [config.app.replicas, config.app.cpuLimit, config.app.memoryLimit]),
            [[1, "500m", "1Gi"], [2, "1000m", "2Gi"], [5, "2000m", "4Gi"]],
        );
        assert.deepEqual([dev, staging, production].map(({ config }) => config.database.backupRetentionDays), [1, 7, 30]);
        assert.deepEqual([dev, staging, production].map(({ config }) => config.database.multiAz), [false, false, true]);
        assert.deepEqual([dev, staging, production].map(({ config }) => config.network.natGateways), ["single", "single", "perAz"]);
        assert.deepEqual([dev, staging, production].map(({ config }) => config.network.azCount), [2, 3, 3]);
        assert.ok(production.config.logs.retentionDays >= 365);
    });

    it("alarm on the same thresholds everywhere", async () => {
        for (const stack of STACKS) {
            const { alarms } = (await previewOf(stack)).config;
            assert.deepEqual(
                [alarms.errorRatePercent, alarms.errorRateWindowMinutes, alarms.latencyP95Milliseconds, alarms.latencyWindowMinutes, alarms.cpuPercent, alarms.memoryPercent],
                [1, 5, 500, 1, 80, 85],
                stack,
            );
        }
    });
});
