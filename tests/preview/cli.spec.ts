import { strict as assert } from "assert";
import { execFile } from "child_process";
import { REPOSITORY_ROOT, runOfflinePreview } from "../../infra/offline/preview";
import { editedStackFile, specStackFile } from "../harness/stacks";

interface Run { code: number; stdout: string; stderr: string }

/** Runs the preview command as a user would, in its own process. */
function preview(...args: string[]): Promise<Run> {
    return new Promise((resolve) => {
        execFile(process.execPath, ["--require", "./infra/offline/register.js", "infra/preview.ts", ...args], { cwd: REPOSITORY_ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
            resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
        });
    });
}

describe("npm run preview", function () {
    this.timeout(60_000);
    const runs: Record<string, Run> = {};
    const shiftedFile = editedStackFile("staging", (doc) => {
        doc.setIn(["config", "clinical-platform:app", "slots", "blue", "weight"], 75);
        doc.setIn(["config", "clinical-platform:app", "slots", "green", "weight"], 25);
    });
    const weakBackupsFile = editedStackFile("production", (doc) => {
        doc.setIn(["config", "clinical-platform:overrides", "database"], { backupRetentionDays: 7 });
    });
    // The committed split is operational state; the runs that print traffic read a spec-owned one.
    const productionFile = specStackFile("production");
    const devFile = specStackFile("dev");
    const invalidFile = editedStackFile("production", (doc) => {
        doc.setIn(["config", "clinical-platform:network", "cidr"], "10.30.0.0/28");
        doc.setIn(["config", "clinical-platform:alerts", "channels", "email"], ["not-an-address"]);
    });

    before(async () => {
        const [json, human, shifted, invalid, invalidJson, usage, unknownStack, weakBackups] = await Promise.all([
            preview("--stack", "production", "--json", "--config-file", productionFile),
            preview("--stack", "dev", "--config-file", devFile),
            preview("--stack", "staging", "--json", "--config-file", shiftedFile),
            preview("--stack", "production", "--config-file", invalidFile),
            preview("--stack", "production", "--json", "--config-file", invalidFile),
            preview("--stak", "production"),
            preview("--stack", "qa"),
            preview("--stack", "production", "--config-file", weakBackupsFile),
        ]);
        Object.assign(runs, { json, human, shifted, invalid, invalidJson, usage, unknownStack, weakBackups });
    });

    it("prints one JSON document of the shape the design fixes and exits 0 on a clean stack", () => {
        assert.equal(runs.json.code, 0, runs.json.stderr);
        const document = JSON.parse(runs.json.stdout);
        assert.deepEqual(Object.keys(document).sort(), ["deployChecks", "policy", "resources", "stack", "traffic"]);
        assert.deepEqual(document.deployChecks.failures, []);
        assert.equal(document.stack, "production");
        const resource = document.resources.find((r: { type: string }) => r.type === "aws:rds/instance:Instance");
        assert.deepEqual(Object.keys(resource).sort(), ["dependencies", "inputs", "name", "options", "parent", "propertyDependencies", "type", "urn"]);
        assert.deepEqual([resource.options.protect, resource.options.retainOnDelete], [true, true]);
        // Every option the registration carries: the explicit ordering after its log groups, the SDK's secret outputs.
        assert.ok(resource.options.dependsOn.some((urn: string) => urn.endsWith("aws:cloudwatch/logGroup:LogGroup::database-postgresql")));
        assert.ok(resource.options.additionalSecretOutputs.includes("password"));
        assert.match(resource.parent, /clinical-platform:database:Database::database$/);
        assert.deepEqual(Object.keys(document.policy).sort(), ["evaluated", "exempted", "pack", "version", "violations"]);
        assert.deepEqual(document.traffic, {
            stableSlot: "blue",
            slots: {
                blue: { image: "registry.example.com/clinical-api:1.4.2", weight: 100 },
                green: { image: "registry.example.com/clinical-api:1.5.0", weight: 0 },
            },
        });
    });

    it("prints, byte for byte, the document of the same preview run in this process, where every message is a protobuf message", async () => {
        // The command's process keeps the messages exchanged with the mock monitor and the in-process
        // pack as plain values (infra/offline/in-process-messages.js); this one, under mocha's loader, does not.
        const inProcess = await runOfflinePreview({ stack: "production", configFile: productionFile });
        assert.equal(runs.json.stdout, `${JSON.stringify(inProcess.document, null, 2)}\n`);
    });

    it("never prints a secret value", () => {
        const versions = JSON.parse(runs.json.stdout).resources.filter((r: { type: string }) => r.type === "aws:secretsmanager/secretVersion:SecretVersion");
        // Each application secret is written twice, so AWSPREVIOUS exists before the first rotation.
        assert.equal(versions.length, 4);
        for (const version of versions) assert.match(version.inputs.secretString, /^\[secret sha256:[0-9a-f]{12}\]$/);
    });

    it("reports counts, stateful settings and the traffic split to a person", () => {
        assert.equal(runs.human.code, 0, runs.human.stderr);
        assert.match(runs.human.stdout, /Stack dev \(us-east-2\): \d+ resources in \d+ groups/);
        assert.match(runs.human.stdout, /database clinical-platform-dev: postgres 16 on db\.t4g\.medium, single-AZ/);
        assert.match(runs.human.stdout, /blue +█{20} +100 %/);
        assert.match(runs.human.stdout, /Evaluated offline in \d+\.\d s/);
    });

    it("reads the settings from --config-file when given", () => {
        assert.equal(runs.shifted.code, 0, runs.shifted.stderr);
        const { traffic } = JSON.parse(runs.shifted.stdout);
        assert.deepEqual([traffic.slots.blue.weight, traffic.slots.green.weight], [75, 25]);
    });

    it("exits 2 on invalid config, naming every bad key", () => {
        assert.equal(runs.invalid.code, 2);
        assert.match(runs.invalid.stderr, /clinical-platform:network\.cidr: expected a block from \/16 to \/20/);
        assert.match(runs.invalid.stderr, /clinical-platform:alerts.channels.email\[0\]: expected an e-mail address/);
        assert.equal(runs.invalid.stdout, "");
        const document = JSON.parse(runs.invalidJson.stdout);
        assert.equal(runs.invalidJson.code, 2);
        assert.deepEqual(document.problems.map((p: { key: string }) => p.key).sort(), ["clinical-platform:alerts.channels.email[0]", "clinical-platform:network.cidr"]);
    });

    it("runs the policy pack and exits 1 on a mandatory violation, naming the rule and its citations", () => {
        assert.equal(runs.weakBackups.code, 1, runs.weakBackups.stderr);
        assert.match(runs.weakBackups.stdout, /Policy: clinical-platform-hipaa-soc2@\d+\.\d+\.\d+ — \d+ violation/);
        assert.match(runs.weakBackups.stdout, /\n {2}(critical|high|medium|low) \(\d+\)\n(.*\n)*? {4}✗ \[mandatory\] rds-backup-retention +database\n/);
        assert.match(runs.weakBackups.stdout, /HIPAA 164\.308\(a\)\(7\)/);
        const document = JSON.parse(runs.json.stdout);
        assert.equal(document.policy.evaluated, true);
        assert.deepEqual(document.policy.violations, []);
    });

    it("exits 2 on a usage error or an unknown stack", () => {
        assert.equal(runs.usage.code, 2);
        assert.match(runs.usage.stderr, /usage: npm run preview/);
        assert.equal(runs.unknownStack.code, 2);
        assert.match(runs.unknownStack.stderr, /Pulumi\.qa\.yaml: cannot be read/);
    });
});
