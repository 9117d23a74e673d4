import { strict as assert } from "assert";
import { ACCOUNT, SHARED_ACCOUNT, ofType, previewOf } from "./support";

const QUOTA = "aws:servicequotas/serviceQuota:ServiceQuota";

describe("the account bootstrap's service quotas", () => {
    it("asks for 1,000 concurrent Lambda executions in every region a platform stack deploys to, once per region", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const quotas = ofType(resources, QUOTA);
        // The platform's functions reserve concurrency, and Lambda keeps 100 executions unreserved.
        assert.deepEqual(quotas.map((q) => [q.inputs.serviceCode, q.inputs.quotaCode, q.inputs.value]), [
            ["lambda", "L-B99A9384", 1000],
            ["lambda", "L-B99A9384", 1000],
        ]);
        const regionOf = (quota: (typeof quotas)[number]) => {
            const provider = quota.options.provider as string | undefined;
            if (provider === undefined) return "eu-west-1";
            const match = resources.find((r) => provider.startsWith(`${r.urn}::`));
            assert.ok(match, `the provider ${provider} is registered`);
            assert.deepEqual(match.inputs.allowedAccountIds, JSON.stringify([ACCOUNT]));
            return match.inputs.region;
        };
        assert.deepEqual(quotas.map(regionOf).sort(), ["eu-central-1", "eu-west-1"]);
    });
});
