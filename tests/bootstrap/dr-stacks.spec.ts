import { strict as assert } from "assert";
import { ACCOUNT, SHARED_ACCOUNT, grantsOf, previewOf } from "./support";

const STACKS = "clinical-platform-bootstrap:stacks";
/** SHARED_ACCOUNT with production's DR stack: production replicates to eu-west-1, where production-dr runs. */
const WITH_DR_STACK = {
    ...SHARED_ACCOUNT,
    [STACKS]: { ...SHARED_ACCOUNT[STACKS], "production-dr": { environment: "production-dr", region: "eu-west-1", restoresFrom: "production" } },
};

describe("a DR stack's deploy role, made by the account bootstrap before any region is lost", () => {
    it("may restore its own database from the backups replicated to its region, and nothing named for another stack", async () => {
        const { resources } = await previewOf(WITH_DR_STACK);
        const restore = grantsOf(resources, "production-dr-deploy").filter((s) => s.Sid === "RestoreFromReplicatedBackups");
        assert.equal(restore.length, 1);
        assert.deepEqual(restore[0].Action, ["rds:RestoreDBInstanceToPointInTime"]);
        assert.ok(([] as string[]).concat(restore[0].Resource).includes(`arn:aws:rds:eu-west-1:${ACCOUNT}:db:clinical-platform-production-dr`));
        assert.equal(grantsOf(resources, "production-deploy").some((s) => s.Sid === "RestoreFromReplicatedBackups"), false);
    });

    it("uses its home stack's DR key only through RDS in its own region", async () => {
        const { resources } = await previewOf(WITH_DR_STACK);
        const [key] = grantsOf(resources, "production-dr-deploy").filter((s) => s.Sid === "HomeStackDrKeyThroughRds");
        assert.deepEqual(key.Condition, { StringEquals: { "aws:ResourceTag/Environment": "production", "kms:ViaService": "rds.eu-west-1.amazonaws.com" } });
        assert.equal(key.Resource, `arn:aws:kms:eu-west-1:${ACCOUNT}:key/*`);
    });
});
