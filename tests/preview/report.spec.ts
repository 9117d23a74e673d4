import { strict as assert } from "assert";
import { humanReport } from "../../infra/report";
import { previewOf } from "../harness/stacks";

const bucketLine = (report: string, name: string) => report.split("\n").find((line) => line.startsWith(`  bucket ${name}:`));

describe("the human report of a preview", () => {
    it("says a bucket is versioned and blocks public access only because its own companion resources say so", async () => {
        const { document, resources, config } = await previewOf("dev");
        assert.equal(bucketLine(humanReport(document, resources, config), "storage-assets"), "  bucket storage-assets: aws:kms, versioned, public access blocked, unprotected");

        const bucket = resources.find((r) => r.type === "aws:s3/bucket:Bucket" && r.name === "storage-assets")!;
        const belongsToBucket = (r: (typeof resources)[number]) => (r.propertyDependencies.bucket ?? []).includes(bucket.urn);
        const withoutCompanions = resources.filter((r) => !(belongsToBucket(r) && /bucketVersioning|bucketPublicAccessBlock/.test(r.type)));
        assert.equal(bucketLine(humanReport(document, withoutCompanions, config), "storage-assets"), "  bucket storage-assets: aws:kms, not versioned, no public access block, unprotected");
        // The other buckets keep theirs and are reported as before.
        assert.match(bucketLine(humanReport(document, withoutCompanions, config), "storage-backups") ?? "", /versioned, public access blocked/);
    });

    it("counts a single day of backups in the singular", async () => {
        const { document, resources, config } = await previewOf("dev");
        // Dev keeps one day of backups (stacks/profiles.ts).
        assert.match(humanReport(document, resources, config), /backups 1 day, deletion protection off/);
    });

    it("lists a rule broken by several resources once, naming each resource", async () => {
        const { document, resources, config } = await previewOf("dev");
        const violation = (name: string) => ({
            policy: "cloudwatch-log-retention", level: "mandatory" as const, urn: `urn:pulumi:dev::clinical-platform::aws:cloudwatch/logGroup:LogGroup::${name}`,
            message: "Log group keeps events 30 days; at least 2192 are required.", hipaa: ["164.316(b)(2)(i)"], soc2: ["CC7.2"], severity: "medium", remediation: "Raise retentionInDays.",
        });
        const withFindings = { ...document, policy: { ...document.policy, evaluated: true, violations: ["flow-logs", "rotation", "api"].map(violation) } };
        const report = humanReport(withFindings, resources, config);
        assert.equal(report.split("cloudwatch-log-retention").length - 1, 1, "one block for the rule");
        assert.match(report, /✗ \[mandatory\] cloudwatch-log-retention {2}3 resources: flow-logs, rotation, api\n {8}Log group keeps events 30 days/);
    });

    it("shows each exemption the pack applied, with its reason, beside the finding it silences", async () => {
        const { document, resources, config } = await previewOf("dev");
        const urn = "urn:pulumi:dev::clinical-platform::aws:secretsmanager/secret:Secret::auto-rollback-github-token";
        const exempted = [
            { policy: "secretsmanager-rotation-enabled", resource: "auto-rollback-github-token", urn, reason: "Only GitHub can issue the token.", expires: "2099-12-31", silenced: ["No SecretRotation targets this secret, so its value never changes."] },
            { policy: "rds-multi-az", resource: "db", urn: "urn:pulumi:dev::clinical-platform::aws:rds/instance:Instance::db", reason: "Dev runs one AZ.", silenced: [] },
        ];
        const report = humanReport({ ...document, policy: { ...document.policy, evaluated: true, violations: [], exempted } }, resources, config);
        assert.match(report, /— no violations\.\n {2}exempted by the pack config \(2\)\n/);
        assert.match(report, /~ secretsmanager-rotation-enabled {2}auto-rollback-github-token until 2099-12-31: Only GitHub can issue the token\.\n {8}silences: No SecretRotation targets this secret/);
        assert.match(report, /~ rds-multi-az {2}db: Dev runs one AZ\.\n {8}silences nothing/);
    });

    it("counts in its header the groups it lists beneath", async () => {
        const { document, resources, config } = await previewOf("dev");
        const report = humanReport(document, resources, config);
        const header = /: (\d+) resources in (\d+) groups/.exec(report);
        assert.ok(header, report.split("\n")[0]);
        const section = report.split("Resources by component (every resource: --json)\n")[1].split("\n\n")[0];
        const groups = section.split("\n").filter((line) => /^ {2}\S/.test(line));
        assert.equal(Number(header[2]), groups.length);
        const counted = groups.reduce((sum, line) => sum + Number(/— (\d+)$/.exec(line)![1]), 0);
        assert.equal(Number(header[1]), counted);
    });

    it("gives the policy verdict and the deploy checks first, and a resource summary of one line per group", async () => {
        const { document, resources, config } = await previewOf("dev");
        const report = humanReport(document, resources, config);
        const lines = report.split("\n");
        assert.match(lines[2], /^Policy: /);
        assert.ok(lines.findIndex((line) => line.startsWith("Deploy checks")) < lines.findIndex((line) => line.startsWith("Resources by component")));
        const section = report.split("Resources by component (every resource: --json)\n")[1];
        assert.ok(section.split("\n").every((line) => line === "" || /^ {2}\S.* — \d+$/.test(line)), section);
    });
});
