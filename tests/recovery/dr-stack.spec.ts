import { strict as assert } from "assert";
import * as path from "path";
import type { RecordedResource } from "../../infra/analyzer";
import { PreviewResult, runOfflinePreview } from "../../infra/offline/preview";
import { EXIT, main } from "../../infra/restore";
import { PROJECT, StackConfigError, loadStackConfig } from "../../stacks";
import { readStackFile } from "../../stacks/stack-file";
import { scratchDir } from "../harness/scratch";
import { specStackFile } from "../harness/stacks";

const BACKUPS_ARN = "arn:aws:rds:us-west-2:111122223333:auto-backup:ab-7zq3example";
const DR_KEY_ARN = "arn:aws:kms:us-west-2:111122223333:key/7e57da7a-0000-4000-8000-000000000d20";

/** The production-dr stack file, as the restore command writes it after production's region is lost. */
function writeProductionDr(time = "2026-12-01T09:30:00Z"): string {
    const file = path.join(scratchDir("dr-stack-"), "Pulumi.production-dr.yaml");
    const backups = { DBInstanceAutomatedBackups: [{ DBInstanceAutomatedBackupsArn: BACKUPS_ARN, KmsKeyId: DR_KEY_ARN, Status: "replicating",
        RestoreWindow: { EarliestTime: "2026-11-01T03:10:00Z", LatestTime: "2026-12-01T11:55:00Z" } }] };
    const code = main(["--stack", "production", "--config-file", specStackFile("production"), "--to", time, "--region", "dr", "--dr-file", file, "--apply"], {
        out: () => undefined,
        err: (line) => assert.fail(line),
        now: () => new Date("2026-12-01T12:00:00Z"),
        run: () => ({ status: 0, stdout: JSON.stringify(backups), stderr: "" }),
    });
    assert.equal(code, EXIT.done);
    return file;
}

const only = (resources: RecordedResource[], type: string) => {
    const found = resources.filter((resource) => resource.type === type);
    assert.equal(found.length, 1, `${found.length} resources of ${type}`);
    return found[0];
};

describe("the DR stack, production-dr", function () {
    let preview: PreviewResult;

    before(async function () {
        this.timeout(300_000);
        preview = await runOfflinePreview({ stack: "production-dr", configFile: writeProductionDr(), policy: true, deployChecks: true });
    });

    it("passes the policy pack with production's rules, and every deploy check", () => {
        // Only the copies to another region wait, named as advisories: that region is the one lost.
        assert.deepEqual(preview.document.policy.violations.map((v) => `${v.level} ${v.policy}`).sort(),
            ["advisory backup-plan-covers-database", "advisory rds-backups-replicated-to-dr-region", "advisory s3-replication-enabled", "advisory s3-replication-enabled"]);
        assert.equal(preview.document.deployChecks.evaluated, true);
        assert.deepEqual(preview.document.deployChecks.failures, []);
    });

    it("creates its database from the backups replicated to us-west-2, under the key they are encrypted with", () => {
        const database = only(preview.resources, "aws:rds/instance:Instance");
        assert.deepEqual(database.inputs.restoreToPointInTime, { sourceDbInstanceAutomatedBackupsArn: BACKUPS_ARN, restoreTime: "2026-12-01T09:30:00Z" });
        assert.equal(database.inputs.kmsKeyId, DR_KEY_ARN);
        assert.equal(database.inputs.identifier, "clinical-platform-production-dr");
        assert.equal(database.inputs.deletionProtection, true);
        assert.ok(database.options.protect);
    });

    it("never replaces the restored database when the restore point is later edited or cleared", () => {
        const database = only(preview.resources, "aws:rds/instance:Instance");
        assert.ok(database.options.ignoreChanges?.includes("restoreToPointInTime"), JSON.stringify(database.options));
    });

    it("names everything after its own stack, so nothing collides with production's names in the account", () => {
        const names = preview.resources.flatMap((resource) => [resource.inputs.name, resource.inputs.identifier])
            .filter((name): name is string => typeof name === "string" && /clinical-platform[-/]production/.test(name));
        assert.ok(names.length > 10, names.join(", "));
        assert.deepEqual(names.filter((name) => !/clinical-platform[-/]production-dr/.test(name)), []);
        for (const role of preview.resources.filter((resource) => resource.type === "aws:iam/role:Role")) {
            assert.match(String(role.inputs.permissionsBoundary), /:policy\/clinical-platform-production-dr-boundary$/);
        }
    });

    it("runs in us-west-2 with production's profile and leaves the account's baseline to its owner", () => {
        assert.equal(preview.config.region, "us-west-2");
        assert.equal(preview.config.database.multiAz, true);
        assert.equal(preview.resources.some((resource) => resource.type === "aws:cloudtrail/trail:Trail"), false);
        assert.equal(preview.resources.some((resource) => resource.type === "aws:backup/vault:Vault"), false, "no DR region of its own while home is down");
    });
});

describe("DR stack settings", () => {
    const committed = (stack: string) => readStackFile(specStackFile(stack as "production"), PROJECT);
    const problemsOf = (stack: string, raw: Record<string, string>) => {
        try {
            loadStackConfig(stack, raw);
            return [];
        } catch (error) {
            assert.ok(error instanceof StackConfigError, String(error));
            return error.problems.map((problem) => problem.key);
        }
    };
    const restore = JSON.stringify({ restore: { automatedBackupsArn: BACKUPS_ARN, kmsKeyArn: DR_KEY_ARN, time: "latest" } });

    it("require the replicated backups a DR stack restores from, in its own region", () => {
        const inDr = readStackFile(writeProductionDr(), PROJECT);
        assert.ok(problemsOf("production-dr", { ...inDr, [`${PROJECT}:recovery`]: "{}" }).includes(`${PROJECT}:recovery.restore`));
        const elsewhere = JSON.stringify({ restore: { automatedBackupsArn: BACKUPS_ARN.replace("us-west-2", "eu-west-1"), kmsKeyArn: DR_KEY_ARN, time: "latest" } });
        assert.deepEqual(problemsOf("production-dr", { ...inDr, [`${PROJECT}:recovery`]: elsewhere }), [`${PROJECT}:recovery.restore.automatedBackupsArn`]);
    });

    it("refuse a restore block outside a DR stack, a dev-dr stack, and a DR stack that owns the account's baseline", () => {
        const home = committed("production");
        assert.ok(problemsOf("production", { ...home, [`${PROJECT}:recovery`]: JSON.stringify({ drRegion: "us-west-2", restore: JSON.parse(restore).restore }) })
            .includes(`${PROJECT}:recovery.restore`));
        assert.ok(problemsOf("dev-dr", { ...committed("dev"), [`${PROJECT}:recovery`]: restore }).includes("stack"));
        assert.ok(problemsOf("production-dr", { ...home, "aws:region": "us-west-2", [`${PROJECT}:recovery`]: restore }).includes(`${PROJECT}:ownsAccountResources`));
    });

    it("keep production's standby ready: present, in the DR region, on its own domain and a network apart from home", () => {
        const home = committed("production");
        const recovery = JSON.parse(home[`${PROJECT}:recovery`]);
        assert.ok(problemsOf("production", { ...home, [`${PROJECT}:recovery`]: JSON.stringify({ drRegion: "us-west-2" }) }).includes(`${PROJECT}:recovery.standby`));
        const standby = (edit: Record<string, unknown>) => ({ ...home, [`${PROJECT}:recovery`]: JSON.stringify({ ...recovery, standby: { ...recovery.standby, ...edit } }) });
        assert.deepEqual(problemsOf("production", standby({ domain: "app.clinical.example.com" })), [`${PROJECT}:recovery.standby.domain`]);
        assert.deepEqual(problemsOf("production", standby({ cidr: "10.30.128.0/17" })), [`${PROJECT}:recovery.standby.cidr`]);
        assert.deepEqual(problemsOf("production", standby({ certificates: { ...recovery.standby.certificates, regional: recovery.standby.certificates.regional.replace("us-west-2", "us-east-1") } })),
            [`${PROJECT}:recovery.standby.certificates.regional`]);
    });
});
