import { strict as assert } from "assert";
import { EvaluationFailure, evaluate } from "../../infra/offline/engine";
import { runProgram } from "../../infra/program";
import { ConfigProblem, PROJECT, StackConfigError, loadStackConfig, ENVIRONMENTS } from "../../stacks";
import { EKS_VERSIONS, eksVersionProblem } from "../../stacks/eks-versions";
import { readStackFile } from "../../stacks/stack-file";
import { StackName, specStackFile } from "../harness/stacks";

type Raw = Record<string, string>;

/** The committed settings of the stack, with the spec-owned traffic block (the committed one is operational state). */
function committed(stack: string): Raw {
    return readStackFile(specStackFile(stack as StackName), PROJECT);
}

/** The committed production settings with `edit` applied to the decoded value of one key. */
function withValue(key: string, edit: (value: Record<string, unknown>) => void, stack = "production"): Raw {
    const raw = committed(stack);
    const value = JSON.parse(raw[`${PROJECT}:${key}`]);
    edit(value);
    return { ...raw, [`${PROJECT}:${key}`]: JSON.stringify(value) };
}

/**
 * The problems the config gets, after checking that the real program, run on it, stops with them
 * before registering any resource.
 */
async function problemsOf(raw: Raw, stack = "production"): Promise<ConfigProblem[]> {
    const registered = await registrationsFor(raw, stack);
    assert.deepEqual(registered.map((r) => r.urn), [], "an invalid config registered resources");
    try {
        loadStackConfig(stack, raw);
    } catch (error) {
        assert.ok(error instanceof StackConfigError, `expected a StackConfigError, got ${error}`);
        return [...error.problems];
    }
    assert.fail("the config was accepted");
}

async function problemAt(raw: Raw, key: string, stack = "production"): Promise<ConfigProblem> {
    const problems = await problemsOf(raw, stack);
    const found = problems.find((p) => p.key === key);
    assert.ok(found, `no problem reported at ${key}; got ${problems.map((p) => p.key).join(", ")}`);
    return found;
}

async function registrationsFor(raw: Raw, stack = "production") {
    try {
        await evaluate(runProgram, { project: PROJECT, stack, config: raw, region: "us-east-1" });
    } catch (error) {
        assert.ok(error instanceof EvaluationFailure);
        assert.match(error.message, /Invalid configuration/);
        return error.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    }
    assert.fail("the program accepted the config");
}

describe("stack config validation", () => {
    it("accepts each committed stack file", async () => {
        for (const stack of ENVIRONMENTS) {
            assert.equal(loadStackConfig(stack, committed(stack)).environment, stack);
        }
    });

    it("refuses a stack name that has no environment profile", async () => {
        const problem = await problemAt(committed("production"), "stack", "prod");
        assert.match(problem.expected, /dev, staging, production/);
        assert.equal(problem.received, '"prod"');
    });

    it("names a malformed VPC CIDR and says what is wrong with it", async () => {
        const raw = withValue("network", (n) => { n.cidr = "10.30.0.1/16"; });
        const problem = await problemAt(raw, "clinical-platform:network.cidr");
        assert.match(problem.expected, /host bits are set; the block starts at 10\.30\.0\.0\/16/);
        assert.equal((await problemAt(withValue("network", (n) => { n.cidr = "10.300.0.0/16"; }), "clinical-platform:network.cidr")).received, '"10.300.0.0/16"');
    });

    it("refuses a VPC too small for three tiers of subnets", async () => {
        const problem = await problemAt(withValue("network", (n) => { n.cidr = "10.30.0.0/24"; }), "clinical-platform:network.cidr");
        assert.match(problem.expected, /\/16 to \/20/);
        assert.equal(problem.received, "10.30.0.0/24");
    });

    it("refuses a public VPC block", async () => {
        assert.match((await problemAt(withValue("network", (n) => { n.cidr = "8.8.0.0/16"; }), "clinical-platform:network.cidr")).expected, /RFC 1918/);
    });

    it("refuses a VPC that overlaps a peered network or the cluster service range", async () => {
        const peer = await problemAt(withValue("network", (n) => { n.peerCidrs = ["10.30.128.0/20"]; }), "clinical-platform:network.peerCidrs[0]");
        assert.match(peer.expected, /does not overlap the VPC 10\.30\.0\.0\/16/);
        const service = await problemAt(withValue("network", (n) => { n.cidr = "172.20.0.0/16"; }), "clinical-platform:network.cidr");
        assert.match(service.expected, /cluster service range 172\.20\.0\.0\/16/);
    });

    it("names each malformed alert e-mail by its position", async () => {
        const raw = withValue("alerts", (a) => { (a.channels as Record<string, unknown>).email = ["oncall@example.com", "oncall.example.com"]; });
        const problem = await problemAt(raw, "clinical-platform:alerts.channels.email[1]");
        assert.match(problem.expected, /e-mail address/);
        assert.equal(problem.received, '"oncall.example.com"');
    });

    describe("alert routing", () => {
        const channels = (a: Record<string, unknown>) => a.channels as Record<string, Record<string, unknown> | string[] | undefined>;
        const routing = (a: Record<string, unknown>) => a.routing as Record<string, string[]>;

        it("refuses the old alertEmails key, saying what replaced it", async () => {
            const raw = { ...committed("production"), [`${PROJECT}:alertEmails`]: JSON.stringify(["oncall@example.com"]) };
            const problem = await problemAt(raw, "clinical-platform:alertEmails");
            assert.match(problem.expected, /^no value: alertEmails was replaced by clinical-platform:alerts, whose channels\.email lists the addresses and whose routing\.warning and routing\.critical/);
        });

        it("refuses routing to a channel the stack does not configure", async () => {
            const raw = withValue("alerts", (a) => { routing(a).warning = ["email", "pagerduty"]; }, "staging");
            const problem = await problemAt(raw, "clinical-platform:alerts.routing.warning[1]", "staging");
            assert.match(problem.expected, /a channel configured under channels \(email, slack\); pagerduty is not/);
        });

        it("refuses a stack whose critical alarms reach nobody", async () => {
            const raw = withValue("alerts", (a) => { routing(a).critical = []; }, "dev");
            assert.match((await problemAt(raw, "clinical-platform:alerts.routing.critical", "dev")).expected, /at least one channel: critical alarms must reach someone/);
        });

        it("refuses a configured channel no severity is routed to, and a channel named twice", async () => {
            const unused = withValue("alerts", (a) => { routing(a).warning = ["email"]; routing(a).critical = ["email", "slack", "email"]; });
            const problems = await problemsOf(unused);
            assert.match(problems.find((p) => p.key === "clinical-platform:alerts.channels.pagerduty")?.expected ?? "", /a channel that routing\.warning or routing\.critical names/);
            assert.equal(problems.find((p) => p.key === "clinical-platform:alerts.routing.critical[2]")?.expected, "each channel once");
        });

        it("refuses a PagerDuty integration key where the name of its secret belongs", async () => {
            const raw = withValue("alerts", (a) => { channels(a).pagerduty = { integrationKeySecret: "0123456789abcdef0123456789ABCDEF" }; });
            const problem = await problemAt(raw, "clinical-platform:alerts.channels.pagerduty.integrationKeySecret");
            assert.match(problem.expected, /never the key itself/);
        });

        it("refuses Slack ids that are not a workspace and a channel id", async () => {
            const raw = withValue("alerts", (a) => { channels(a).slack = { teamId: "#platform", channelId: "T07EA123LEP" }; });
            const problems = await problemsOf(raw);
            assert.match(problems.find((p) => p.key === "clinical-platform:alerts.channels.slack.teamId")?.expected ?? "", /Slack workspace \(team\) id/);
            assert.match(problems.find((p) => p.key === "clinical-platform:alerts.channels.slack.channelId")?.expected ?? "", /Slack channel id such as C07EZ1ABC23/);
        });

        it("turns the committed routing into the stack config: dev e-mail only, staging e-mail and Slack, production PagerDuty for critical alarms", () => {
            const alerts = (stack: StackName) => loadStackConfig(stack, committed(stack)).alerts;
            assert.deepEqual(alerts("dev").routing, { warning: ["email"], critical: ["email"] });
            assert.equal(alerts("dev").slack, undefined);
            assert.deepEqual([...alerts("staging").routing.critical].sort(), ["email", "slack"]);
            assert.equal(alerts("staging").pagerduty, undefined);
            assert.ok(alerts("production").routing.critical.includes("pagerduty"));
            assert.ok(!alerts("production").routing.warning.includes("pagerduty"), "warnings never page");
        });
    });

    it("refuses a certificate ARN that is not an ACM ARN", async () => {
        const raw = withValue("certificates", (c) => { c.regional = "arn:aws:iam::111122223333:server-certificate/clinical"; });
        assert.match((await problemAt(raw, "clinical-platform:certificates.regional")).expected, /ACM certificate ARN/);
    });

    it("refuses an edge certificate outside us-east-1, where CloudFront needs it", async () => {
        const raw = withValue("certificates", (c) => { c.edge = String(c.edge).replace("us-east-1", "eu-west-1"); });
        const problem = await problemAt(raw, "clinical-platform:certificates.edge");
        assert.match(problem.expected, /us-east-1/);
        assert.equal(problem.received, "one in eu-west-1");
    });

    it("refuses a malformed admin role ARN", async () => {
        const raw = withValue("cluster", (c) => { c.adminRoleArn = "platform-admin"; });
        assert.match((await problemAt(raw, "clinical-platform:cluster.adminRoleArn")).expected, /IAM role ARN/);
    });

    it("refuses an unknown region", async () => {
        const problem = await problemAt({ ...committed("production"), "aws:region": "us-central-1" }, "aws:region");
        assert.match(problem.expected, /known AWS region/);
        assert.equal(problem.received, '"us-central-1"');
    });

    it("refuses a GovCloud region, naming the partition and why the platform cannot serve it", async () => {
        const problem = await problemAt({ ...committed("production"), "aws:region": "us-gov-west-1" }, "aws:region");
        assert.match(problem.expected, /commercial aws partition/);
        assert.match(problem.expected, /GovCloud/);
        assert.match(problem.expected, /CloudFront/);
        assert.equal(problem.received, '"us-gov-west-1"');
    });

    it("refuses a China region, naming the partition", async () => {
        const problem = await problemAt({ ...committed("production"), "aws:region": "cn-north-1" }, "aws:region");
        assert.match(problem.expected, /commercial aws partition/);
        assert.match(problem.expected, /aws-cn \(China\)/);
        assert.equal(problem.received, '"cn-north-1"');
    });

    it("refuses a GovCloud certificate ARN, since only the commercial partition is served", async () => {
        const raw = withValue("certificates", (c) => { c.edge = "arn:aws-us-gov:acm:us-east-1:111122223333:certificate/0a1b2c3d-3333-4aaa-8bbb-000000000001"; });
        assert.match((await problemAt(raw, "clinical-platform:certificates.edge")).expected, /ACM certificate ARN \(arn:aws:acm:/);
    });

    it("classifies dev as holding no PHI and staging and production as holding PHI when the stack file is silent", () => {
        for (const [stack, expected] of [["dev", "internal"], ["staging", "phi"], ["production", "phi"]] as const) {
            const raw = { ...committed(stack) };
            delete raw[`${PROJECT}:dataClassification`];
            assert.equal(loadStackConfig(stack, raw).tags.DataClassification, expected, stack);
        }
    });

    it("holds a stack classified phi to the PHI bar: dev, without its protections, is refused at each key lacking", async () => {
        const raw = { ...committed("dev"), [`${PROJECT}:dataClassification`]: "phi" };
        const problems = await problemsOf(raw, "dev");
        const at = (key: string) => problems.find((p) => p.key === `${PROJECT}:${key}`);
        assert.match(at("dataClassification")?.expected ?? "", /internal or confidential: the dev profile does not protect data/);
        assert.equal(at("overrides.database.deletionProtection")?.expected, "true, because dataClassification is phi");
        assert.equal(at("overrides.database.deletionProtection")?.received, "false");
        assert.equal(at("overrides.database.backupRetentionDays")?.expected, "at least 7 days, because dataClassification is phi");
        assert.equal(at("overrides.database.backupRetentionDays")?.received, "1");
    });

    it("refuses overrides that take a phi stack below a week of backups or off deletion protection", async () => {
        const raw = withValue("overrides", (o) => { o.database = { backupRetentionDays: 3, deletionProtection: false }; }, "staging");
        const problems = await problemsOf(raw, "staging");
        assert.deepEqual(problems.map((p) => p.key).sort(), [
            `${PROJECT}:overrides.database.backupRetentionDays`,
            `${PROJECT}:overrides.database.deletionProtection`,
        ]);
        assert.match(problems[0].expected, /the staging profile classifies the stack phi/);
    });

    describe("of the application settings", () => {
        const application = (settings: Record<string, unknown>, stack = "production") =>
            withValue("overrides", (o) => { o.application = settings; }, stack);

        it("refuses debug mode in production, naming the key", async () => {
            const problem = await problemAt(application({ debugMode: true }), "clinical-platform:overrides.application.debugMode");
            assert.match(problem.expected, /^false in production/);
            assert.equal(problem.received, "true");
        });

        it("refuses debug mode in a stack classified phi, whatever its environment", async () => {
            const staging = await problemAt(application({ debugMode: true }, "staging"), "clinical-platform:overrides.application.debugMode", "staging");
            assert.match(staging.expected, /^false in a stack classified phi/);
            const dev = { ...application({ debugMode: true }, "dev"), [`${PROJECT}:dataClassification`]: "phi" };
            assert.match((await problemAt(dev, "clinical-platform:overrides.application.debugMode", "dev")).expected, /classified phi/);
        });

        it("refuses the debug log level in production and in a phi stack, since debug logs may carry request bodies", async () => {
            const production = await problemAt(application({ logLevel: "debug" }), "clinical-platform:overrides.application.logLevel");
            assert.match(production.expected, /in production: debug logs may carry request bodies/);
            assert.equal(production.received, "debug");
            const staging = await problemAt(application({ logLevel: "debug" }, "staging"), "clinical-platform:overrides.application.logLevel", "staging");
            assert.match(staging.expected, /in a stack classified phi/);
        });

        it("refuses a NODE_ENV other than production in production, naming the key", async () => {
            const problem = await problemAt(application({ nodeEnv: "development" }), "clinical-platform:overrides.application.nodeEnv");
            assert.equal(problem.expected, "production in the production stack");
            assert.equal(problem.received, '"development"');
        });

        it("lets dev, which holds no PHI, run with debug mode and debug logs", () => {
            const config = loadStackConfig("dev", application({ debugMode: true, logLevel: "debug", nodeEnv: "development" }, "dev"));
            assert.deepEqual([config.application.debugMode, config.application.logLevel, config.application.nodeEnv], [true, "debug", "development"]);
        });
    });

    it("refuses weights that are not integers from 0 to 100", async () => {
        const fractional = withValue("app", (a) => { (a.slots as Record<string, Record<string, unknown>>).blue.weight = 99.5; });
        assert.match((await problemAt(fractional, "clinical-platform:app.slots.blue.weight")).expected, /integer from 0 to 100/);
        const tooHigh = withValue("app", (a) => { (a.slots as Record<string, Record<string, unknown>>).green.weight = 150; });
        assert.equal((await problemAt(tooHigh, "clinical-platform:app.slots.green.weight")).received, "150");
    });

    it("refuses weights that do not sum to 100", async () => {
        const raw = withValue("app", (a) => { (a.slots as Record<string, Record<string, unknown>>).green.weight = 10; });
        const problem = await problemAt(raw, "clinical-platform:app.slots");
        assert.equal(problem.expected, "weights that sum to 100");
        assert.equal(problem.received, "blue 100 + green 10 = 110");
    });

    it("refuses a slot that carries traffic without an image", async () => {
        const raw = withValue("app", (a) => {
            const slots = a.slots as Record<string, Record<string, unknown>>;
            slots.blue.weight = 50;
            slots.green = { weight: 50 };
        });
        assert.match((await problemAt(raw, "clinical-platform:app.slots.green.image")).expected, /carries 50 % of traffic/);
    });

    it("refuses a stable slot without an image, since rollback sends all traffic there", async () => {
        const raw = withValue("app", (a) => {
            const slots = a.slots as Record<string, Record<string, unknown>>;
            a.stableSlot = "green";
            delete slots.green.image;
            slots.blue.weight = 100;
            slots.green.weight = 0;
        });
        const problem = await problemAt(raw, "clinical-platform:app.stableSlot");
        assert.equal(problem.expected, "a slot with an image, since rollback sends all traffic there");
        assert.equal(problem.received, "green, which has no image");
    });

    it("refuses a breaking migration while the other slot serves traffic, naming the key and why", async () => {
        const raw = withValue("app", (a) => {
            const slots = a.slots as Record<string, Record<string, unknown>>;
            slots.blue.weight = 90;
            slots.green.weight = 10;
            slots.green.breakingMigration = true;
        });
        const problem = await problemAt(raw, "clinical-platform:app.slots.green.breakingMigration");
        assert.match(problem.expected, /false while slot blue serves traffic: its release still uses the schema a breaking migration changes/);
        assert.match(problem.expected, /expand and contract/);
        assert.equal(problem.received, "true, with slot blue at 90 %");
    });

    it("refuses the stable slot's breaking migration once the candidate gets a share, and accepts it while the candidate serves nothing", async () => {
        const flagged = (greenWeight: number) => withValue("app", (a) => {
            const slots = a.slots as Record<string, Record<string, unknown>>;
            slots.blue.breakingMigration = true;
            slots.blue.weight = 100 - greenWeight;
            slots.green.weight = greenWeight;
        });
        assert.equal((await problemAt(flagged(10), "clinical-platform:app.slots.blue.breakingMigration")).received, "true, with slot green at 10 %");
        const config = loadStackConfig("production", flagged(0));
        assert.deepEqual([config.app.slots.blue.breakingMigration, config.app.slots.green.breakingMigration], [true, false]);
    });

    it("refuses a breakingMigration that is not a boolean", async () => {
        const raw = withValue("app", (a) => { (a.slots as Record<string, Record<string, unknown>>).green.breakingMigration = "yes"; });
        assert.match((await problemAt(raw, "clinical-platform:app.slots.green.breakingMigration")).expected, /true or false/);
    });

    it("refuses an image tagged latest, which cannot be rolled back to", async () => {
        const raw = withValue("app", (a) => { (a.slots as Record<string, Record<string, unknown>>).green.image = "registry.example.com/clinical-api:latest"; });
        assert.match((await problemAt(raw, "clinical-platform:app.slots.green.image")).expected, /pinned container image/);
    });

    it("names an unknown key and suggests the key it is probably a typo of", async () => {
        const raw = { ...committed("production"), [`${PROJECT}:alert`]: "oncall@example.com" };
        const problem = await problemAt(raw, "clinical-platform:alert");
        assert.match(problem.expected, /did you mean alerts\?/);
        const nested = withValue("app", (a) => { a.stabelSlot = "green"; });
        assert.match((await problemAt(nested, "clinical-platform:app.stabelSlot")).expected, /did you mean stableSlot\?/);
        const namespace = await problemAt({ ...committed("production"), "clinical-platfrom:owner": "x" }, "clinical-platfrom:owner");
        assert.match(namespace.expected, /did you mean clinical-platform:owner\?/);
    });

    it("names values of the wrong type", async () => {
        const raw = withValue("overrides", (o) => { o.database = { multiAz: "yes", backupRetentionDays: "30" }; });
        assert.equal((await problemAt(raw, "clinical-platform:overrides.database.multiAz")).expected, "true or false");
        assert.match((await problemAt(raw, "clinical-platform:overrides.database.backupRetentionDays")).expected, /integer from 1 to 35/);
        const list = withValue("alerts", (a) => { (a.channels as Record<string, unknown>).email = "oncall@example.com"; });
        assert.match((await problemAt(list, "clinical-platform:alerts.channels.email")).expected, /list of e-mail addresses/);
    });

    it("refuses a public cluster endpoint open to the whole internet outside dev", async () => {
        const raw = withValue("cluster", (c) => { c.publicAccessCidrs = ["0.0.0.0/0"]; });
        assert.match((await problemAt(raw, "clinical-platform:cluster.publicAccessCidrs[0]")).expected, /specific source ranges/);
        assert.doesNotThrow(() => loadStackConfig("dev", withValue("cluster", (c) => { c.publicAccessCidrs = ["0.0.0.0/0"]; }, "dev")));
    });

    it("refuses the node-group sizes elastic capacity replaced, saying why, and log retention CloudWatch does not offer", async () => {
        const raw = withValue("overrides", (o) => { o.nodes = { minSize: 4, instanceTypes: ["m6i.xlarge"] }; o.logs = { retentionDays: 100 }; });
        const minSize = await problemAt(raw, "clinical-platform:overrides.nodes.minSize");
        assert.match(minSize.expected, /node capacity is elastic now \(EKS Auto Mode/);
        assert.equal(minSize.received, "4");
        assert.match((await problemAt(raw, "clinical-platform:overrides.nodes.instanceTypes")).expected, /remove this key/);
        assert.match((await problemAt(raw, "clinical-platform:overrides.logs.retentionDays")).expected, /CloudWatch retention period/);
        const shaped = loadStackConfig("production", withValue("overrides", (o) => { o.nodes = { instanceCategories: ["m"], diskSizeGiB: 200 }; }));
        assert.deepEqual(shaped.cluster.nodes, { instanceCategories: ["m"], minInstanceCpu: 4, diskSizeGiB: 200 });
        const larger = loadStackConfig("production", withValue("overrides", (o) => { o.nodes = { instanceCategories: ["c", "m"], minInstanceCpu: 8 }; }));
        assert.deepEqual(larger.cluster.nodes, { instanceCategories: ["c", "m"], minInstanceCpu: 8, diskSizeGiB: 100 });
        const tooSmall = withValue("overrides", (o) => { o.nodes = { minInstanceCpu: 1 }; });
        assert.match((await problemAt(tooSmall, "clinical-platform:overrides.nodes.minInstanceCpu")).expected, /an integer from 2 to 192/);
    });

    it("defaults to an EKS version in standard support and pins its add-on builds", () => {
        for (const stack of ENVIRONMENTS) {
            const config = loadStackConfig(stack, committed(stack));
            // 1.34 leaves standard support on 2026-12-02 (EKS release calendar); the default must outlive that.
            assert.notEqual(config.cluster.version, "1.34");
            assert.ok(EKS_VERSIONS[config.cluster.version].standardSupportEnds > "2026-12-02");
            assert.deepEqual(Object.keys(config.cluster.addons).sort(), ["amazon-cloudwatch-observability", "metrics-server"]);
        }
    });

    it("refuses an EKS version that has left standard support, naming the date", async () => {
        const raw = withValue("cluster", (c) => { c.version = "1.33"; });
        const problem = await problemAt(raw, "clinical-platform:cluster.version");
        assert.match(problem.expected, /in standard support such as 1\.35; 1\.33 left it on 2026-07-29/);
        assert.equal(problem.received, '"1.33"');
    });

    it("refuses an EKS version without pinned add-on builds", async () => {
        const problem = await problemAt(withValue("cluster", (c) => { c.version = "1.36"; }), "clinical-platform:cluster.version");
        assert.match(problem.expected, /pinned add-on builds in stacks\/eks-versions\.ts .*add a row for 1\.36/);
    });

    it("refuses 1.34 from the day it leaves standard support", () => {
        assert.equal(eksVersionProblem("1.34", new Date("2026-12-01T23:59:59Z")), undefined);
        assert.match(eksVersionProblem("1.34", new Date("2026-12-02T00:00:00Z")) ?? "", /1\.34 left it on 2026-12-02/);
        assert.equal(eksVersionProblem("1.35", new Date("2027-03-26T12:00:00Z")), undefined);
        assert.match(eksVersionProblem("1.35", new Date("2027-03-27T00:00:00Z")) ?? "", /the table has none left/);
    });

    it("reports every problem at once", async () => {
        const raw = {
            ...withValue("app", (a) => { (a.slots as Record<string, Record<string, unknown>>).green.weight = 5; }),
            "aws:region": "mars-1",
            [`${PROJECT}:alerts`]: JSON.stringify({ channels: { email: ["nope"] }, routing: { warning: [], critical: ["email"] } }),
        };
        const keys = (await problemsOf(raw)).map((p) => p.key).sort();
        assert.deepEqual(keys, ["aws:region", "clinical-platform:alerts.channels.email[0]", "clinical-platform:app.slots"]);
    });

    it("registers no resource when the config is invalid", async () => {
        const raw = withValue("app", (a) => { (a.slots as Record<string, Record<string, unknown>>).green.weight = 5; });
        assert.deepEqual(await registrationsFor(raw), []);
        assert.deepEqual(await registrationsFor({ ...committed("production"), "aws:region": "mars-1" }), []);
    });

    it("applies overrides on top of the environment profile", async () => {
        const config = loadStackConfig("staging", withValue("overrides", (o) => { o.app = { replicas: 3 }; }, "staging"));
        assert.equal(config.app.replicas, 3);
        assert.equal(config.app.cpuLimit, "1000m");
        assert.ok(Object.isFrozen(config.app));
    });
});
