import { strict as assert } from "assert";
import { CommandResult, EXIT, RestoreIo, main } from "../../infra/restore";
import { existsSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { loadStackConfig } from "../../stacks";
import { readStackFile } from "../../stacks/stack-file";
import { scratchDir } from "../harness/scratch";
import { editedStackFile, specStackFile } from "../harness/stacks";

const NOW = new Date("2026-12-01T12:00:00Z");
const BACKUPS_ARN = "arn:aws:rds:us-west-2:111122223333:auto-backup:ab-7zq3example";
const DR_KEY_ARN = "arn:aws:kms:us-west-2:111122223333:key/7e57da7a-0000-4000-8000-000000000d20";

/** What the fake AWS answers to the describe calls, by region. */
function answers(region: string, command: readonly string[]): CommandResult {
    const ok = (body: unknown) => ({ status: 0, stdout: JSON.stringify(body), stderr: "" });
    if (command[2] === "describe-db-instances") {
        return ok({
            DBInstances: [{
                DBSubnetGroup: { DBSubnetGroupName: "database-0123abc" },
                VpcSecurityGroups: [{ VpcSecurityGroupId: "sg-0server" }],
                DBParameterGroups: [{ DBParameterGroupName: "database-4567def" }],
            }],
        });
    }
    if (command[2] === "describe-db-instance-automated-backups") {
        return ok({
            DBInstanceAutomatedBackups: [{
                DBInstanceAutomatedBackupsArn: region === "us-west-2" ? BACKUPS_ARN : "arn:aws:rds:us-east-1:111122223333:auto-backup:ab-home",
                KmsKeyId: region === "us-west-2" ? DR_KEY_ARN : "arn:aws:kms:us-east-1:111122223333:key/7e57da7a-0000-4000-8000-000000000da7",
                Status: region === "us-west-2" ? "replicating" : "active",
                RestoreWindow: { EarliestTime: "2026-11-01T03:10:00Z", LatestTime: "2026-12-01T11:55:00Z" },
            }],
        });
    }
    return { status: 0, stdout: "", stderr: "" };
}

interface Session { io: RestoreIo; out: string[]; err: string[]; ran: string[][] }

function session(fail?: string): Session {
    const out: string[] = [];
    const err: string[] = [];
    const ran: string[][] = [];
    return {
        out, err, ran,
        io: {
            out: (line) => out.push(line),
            err: (line) => err.push(line),
            now: () => NOW,
            run: (command) => {
                ran.push([...command]);
                if (fail && command[2] === fail) return { status: 254, stdout: "", stderr: "An error occurred (AccessDenied)" };
                return answers(command[command.indexOf("--region") + 1], command);
            },
        },
    };
}

const restore = (stack: string, args: string[], s = session()) =>
    ({ code: main(["--stack", stack, "--config-file", specStackFile(stack as "production"), ...args], s.io), ...s });

const TAGS = [
    "Key=Environment,Value=production", "Key=Owner,Value=clinical-platform-team", "Key=DataClassification,Value=phi",
    "Key=CostCenter,Value=CC-1042", "Key=Project,Value=clinical-platform", "Key=ManagedBy,Value=pulumi",
];

describe("the restore command", () => {
    it("restores production at home to a new instance from the instance's own backups, with its network, parameters and keys", () => {
        const { code, out, ran } = restore("production", ["--to", "2026-12-01T09:30:00Z", "--region", "home"]);
        assert.equal(code, EXIT.done);
        assert.deepEqual(ran, [
            ["aws", "rds", "describe-db-instances", "--region", "us-east-1", "--db-instance-identifier", "clinical-platform-production", "--output", "json"],
            ["aws", "rds", "describe-db-instance-automated-backups", "--region", "us-east-1", "--db-instance-identifier", "clinical-platform-production", "--output", "json"],
        ], "only read-only calls without --apply");
        const restoreLine = [
            "aws rds restore-db-instance-to-point-in-time --region us-east-1",
            "--source-db-instance-identifier clinical-platform-production",
            "--target-db-instance-identifier clinical-platform-production-restore-20261201t0930",
            "--restore-time 2026-12-01T09:30:00Z",
            "--db-instance-class db.r6g.xlarge --multi-az --storage-type gp3",
            "--db-subnet-group-name database-0123abc --vpc-security-group-ids sg-0server --db-parameter-group-name database-4567def",
            "--no-publicly-accessible --enable-iam-database-authentication",
            "--manage-master-user-password --master-user-secret-kms-key-id alias/clinical-platform-production-secrets",
            "--ca-certificate-identifier rds-ca-rsa2048-g1 --enable-cloudwatch-logs-exports postgresql upgrade",
            "--backup-retention-period 30 --copy-tags-to-snapshot --deletion-protection",
            "--tags", ...TAGS, "Key=RestoredFrom,Value=clinical-platform-production", "Key=RestorePoint,Value=2026-12-01T09:30:00Z",
        ].join(" ");
        assert.equal(out[1], restoreLine);
        assert.equal(out[2], "aws rds wait db-instance-available --region us-east-1 --db-instance-identifier clinical-platform-production-restore-20261201t0930");
        assert.match(out[3], /Not run: add --apply/);
    });

    it("runs the restore and the wait with --apply, after the same read-only calls", () => {
        const { code, ran } = restore("production", ["--to", "2026-12-01T09:30:00+01:00", "--region", "home", "--apply"]);
        assert.equal(code, EXIT.done);
        assert.deepEqual(ran.map((command) => command[2]), [
            "describe-db-instances", "describe-db-instance-automated-backups", "restore-db-instance-to-point-in-time", "wait",
        ]);
        assert.ok(ran[2].includes("2026-12-01T08:30:00Z"), "the time is given to RDS in UTC");
    });

    it("says how to point the platform at the restored instance: swap identifiers, move Pulumi's state to it, apply", () => {
        const { out } = restore("production", ["--to", "2026-12-01T09:30:00Z", "--region", "home"]);
        const steps = out.slice(4).filter((line) => !line.startsWith("#"));
        assert.deepEqual(steps, [
            "aws rds modify-db-instance --region us-east-1 --db-instance-identifier clinical-platform-production --new-db-instance-identifier clinical-platform-production-replaced --apply-immediately",
            "aws rds wait db-instance-available --region us-east-1 --db-instance-identifier clinical-platform-production-replaced",
            "aws rds modify-db-instance --region us-east-1 --db-instance-identifier clinical-platform-production-restore-20261201t0930 --new-db-instance-identifier clinical-platform-production --apply-immediately",
            "aws rds wait db-instance-available --region us-east-1 --db-instance-identifier clinical-platform-production",
            "aws rds describe-db-instances --region us-east-1 --db-instance-identifier clinical-platform-production --query 'DBInstances[0].DbiResourceId' --output text",
            "pulumi stack export --stack production --file state.json",
            "pulumi stack import --stack production --file state.json",
            "pulumi refresh --stack production --target 'urn:pulumi:production::clinical-platform::clinical-platform:database:Database$aws:rds/instance:Instance::database'",
            "pulumi up --stack production --replace 'urn:pulumi:production::clinical-platform::clinical-platform:recovery:Recovery$aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication::recovery-database'",
        ]);
    });

    it("writes the production-dr stack file from production's standby settings and the backups replicated to us-west-2, reading only", () => {
        const drFile = path.join(scratchDir("dr-"), "Pulumi.production-dr.yaml");
        const { code, ran } = restore("production", ["--to", "2026-12-01T09:30:00Z", "--region", "dr", "--dr-file", drFile, "--apply"]);
        assert.equal(code, EXIT.done);
        assert.deepEqual(ran, [
            ["aws", "rds", "describe-db-instance-automated-backups", "--region", "us-west-2", "--db-instance-identifier", "clinical-platform-production", "--output", "json"],
        ], "pulumi up restores the database; the command creates nothing in AWS");
        const config = loadStackConfig("production-dr", readStackFile(drFile, "clinical-platform"));
        assert.equal(config.region, "us-west-2");
        assert.equal(config.environment, "production");
        assert.equal(config.domain, "dr.app.clinical.example.com");
        assert.equal(config.network.cidr, "10.31.0.0/16");
        assert.deepEqual(config.certificates, {
            edgeArn: "arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d-3333-4aaa-8bbb-000000000003",
            regionalArn: "arn:aws:acm:us-west-2:111122223333:certificate/0a1b2c3d-3333-4aaa-8bbb-000000000004",
        });
        assert.deepEqual(config.recovery.restore, { automatedBackupsArn: BACKUPS_ARN, kmsKeyArn: DR_KEY_ARN, time: "2026-12-01T09:30:00Z" });
        assert.equal(config.recovery.drRegion, undefined, "the DR stack replicates nowhere while its home region is down");
        assert.deepEqual(config.account, { id: "111122223333", ownsAccountResources: false, ownsRegionalResources: true });
        assert.equal(config.ci.deployRoleArn, "arn:aws:iam::111122223333:role/clinical-platform-deploy-production-dr");
        assert.deepEqual(config.app.slots.blue, loadStackConfig("production", readStackFile(specStackFile("production"), "clinical-platform")).app.slots.blue,
            "the release production serves is the one the DR stack serves");
        assert.match(readFileSync(drFile, "utf8"), /# Where rollback sends all traffic\./, "production's comments are kept");
    });

    it("restores to the latest restorable time with --to latest, and prints the file without --apply", () => {
        const drFile = path.join(scratchDir("dr-"), "Pulumi.production-dr.yaml");
        const { code, out } = restore("production", ["--to", "latest", "--region", "dr", "--dr-file", drFile]);
        assert.equal(code, EXIT.done);
        assert.equal(existsSync(drFile), false);
        assert.ok(out.includes("#         time: latest"), out.join("\n"));
        assert.ok(out.includes("pulumi up --stack production-dr"));
    });

    it("leaves the home stack's secrets provider out of the DR stack, which gets its own key in the DR region", () => {
        const home = editedStackFile("production", (document) => {
            document.set("secretsprovider", "awskms://alias/clinical-platform-pulumi-secrets?region=us-east-1");
            document.set("encryptedkey", "AQICAHh1bm9wYXF1ZQ==");
        });
        const drFile = path.join(scratchDir("dr-"), "Pulumi.production-dr.yaml");
        const s = session();
        assert.equal(main(["--stack", "production", "--config-file", home, "--to", "latest", "--region", "dr", "--dr-file", drFile, "--apply"], s.io), EXIT.done);
        const written = readFileSync(drFile, "utf8");
        assert.doesNotMatch(written, /secretsprovider|encryptedkey|us-east-1\?region/);
        assert.ok(s.out.includes("pulumi stack init production-dr --secrets-provider 'awskms://alias/clinical-platform-pulumi-secrets?region=us-west-2'"), s.out.join("\n"));
    });

    it("never overwrites a DR stack file already written", () => {
        const drFile = path.join(scratchDir("dr-"), "Pulumi.production-dr.yaml");
        writeFileSync(drFile, "config: {}\n");
        const { code, err } = restore("production", ["--to", "latest", "--region", "dr", "--dr-file", drFile, "--apply"]);
        assert.equal(code, EXIT.refused);
        assert.match(err.join("\n"), /exists: a DR stack is written once per incident/);
        assert.equal(readFileSync(drFile, "utf8"), "config: {}\n");
    });

    it("refuses a DR restore of dev, which names no DR region, and of a stack without standby settings", () => {
        const dev = restore("dev", ["--to", "2026-12-01T09:30:00Z", "--region", "dr"]);
        assert.equal(dev.code, EXIT.refused);
        assert.match(dev.err.join("\n"), /names no DR region/);
        const configFile = editedStackFile("staging", (document) => document.deleteIn(["config", "clinical-platform:recovery", "standby"]));
        const s = session();
        const code = main(["--stack", "staging", "--config-file", configFile, "--to", "latest", "--region", "dr"], s.io);
        assert.equal(code, EXIT.refused);
        assert.match(s.err.join("\n"), /keeps no clinical-platform:recovery.standby/);
        assert.deepEqual(s.ran, []);
    });

    it("refuses a time without a zone, a time in the future, and one outside the restore window", () => {
        for (const [to, message] of [
            ["2026-12-01 09:30", /ISO 8601 time with a zone/],
            ["2026-12-01T09:30:00", /ISO 8601 time with a zone/],
            ["2026-12-02T09:30:00Z", /in the future/],
            ["2026-10-01T09:30:00Z", /outside the restore window in us-east-1, 2026-11-01T03:10:00Z to 2026-12-01T11:55:00Z/],
        ] as const) {
            const { code, err } = restore("production", ["--to", to, "--region", "home"]);
            assert.equal(code, EXIT.refused, to);
            assert.match(err.join("\n"), message);
        }
    });

    it("refuses a usage without --region, or with a region other than home or dr", () => {
        assert.equal(restore("production", ["--to", "2026-12-01T09:30:00Z"]).code, EXIT.refused);
        const { code, err } = restore("production", ["--to", "2026-12-01T09:30:00Z", "--region", "us-west-2"]);
        assert.equal(code, EXIT.refused);
        assert.match(err.join("\n"), /expected home or dr/);
    });

    it("stops with exit 3 and the AWS error when a call fails", () => {
        const { code, err } = restore("production", ["--to", "2026-12-01T09:30:00Z", "--region", "home"], session("describe-db-instances"));
        assert.equal(code, EXIT.failed);
        assert.match(err.join("\n"), /AccessDenied/);
    });
});
