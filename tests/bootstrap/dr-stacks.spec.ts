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

/** An account whose state lives in us-east-1, with production's DR stack in us-west-2. */
const DR_ELSEWHERE = {
    ...SHARED_ACCOUNT,
    "aws:region": "us-east-1",
    [STACKS]: {
        production: { environment: "production", region: "us-east-1", drRegion: "us-west-2", ownsAccountResources: true },
        "production-dr": { environment: "production-dr", region: "us-west-2", restoresFrom: "production" },
    },
};

describe("the DR stacks' state backend, in their own region", () => {
    it("holds a state bucket under its own key and a secrets key in each DR stack's region, kept if removed", async () => {
        const { resources } = await previewOf(DR_ELSEWHERE);
        const inUsWest2 = (r: { options: { provider?: string } }) => (r.options.provider ?? "").includes("::state-us-west-2::");
        const buckets = resources.filter((r) => r.type === "aws:s3/bucket:Bucket" && inUsWest2(r)).map((b) => b.inputs.bucket).sort();
        assert.deepEqual(buckets, [`clinical-platform-state-${ACCOUNT}-us-west-2`, `clinical-platform-state-${ACCOUNT}-us-west-2-access-logs`]);
        const keys = resources.filter((r) => r.type === "aws:kms/key:Key" && inUsWest2(r));
        assert.deepEqual(keys.map((k) => [k.name, k.options.protect, k.options.retainOnDelete]).sort(), [["us-west-2-pulumi-secrets", true, true], ["us-west-2-state", true, true]]);
        const aliases = resources.filter((r) => r.type === "aws:kms/alias:Alias" && inUsWest2(r)).map((a) => a.inputs.name).sort();
        assert.deepEqual(aliases, ["alias/clinical-platform-pulumi-secrets", "alias/clinical-platform-pulumi-state"].sort());
    });

    it("gives the DR stack's deploy role its state there, and leaves the home stack's in the home bucket", async () => {
        const { resources } = await previewOf(DR_ELSEWHERE);
        const listed = (role: string) => grantsOf(resources, role).filter((s) => s.Sid === "StateList").map((s) => s.Resource);
        assert.deepEqual(listed("production-dr-deploy"), [`arn:aws:s3:::clinical-platform-state-${ACCOUNT}-us-west-2`]);
        assert.deepEqual(listed("production-deploy"), [`arn:aws:s3:::clinical-platform-state-${ACCOUNT}-us-east-1`]);
    });
});
