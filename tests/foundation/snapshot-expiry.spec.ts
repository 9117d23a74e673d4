import { strict as assert } from "assert";
import * as path from "path";
import { RETAIN_DAYS_TAG as TAGGED_BY_RELEASES } from "../../components/blue-green";
import { REPOSITORY_ROOT } from "../../infra/offline/preview";
import { grantOf, previewOf, single } from "../harness/stacks";
import { inputs } from "../compute/support";
import { assertInPrivateSubnets } from "../harness/function-network";

// The handler is the plain JavaScript Lambda runs; it is loaded as is.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const expiry = require(path.join(REPOSITORY_ROOT, "components", "snapshot-expiry", "index.js")) as {
    createExpiry: (rds: unknown, options: { databaseIdentifier: string; snapshotPrefix: string; now: () => Date }) => () => Promise<{ deleted: string[]; kept: string[] }>;
    settingsFrom: (env: Record<string, string | undefined>) => { databaseIdentifier: string; snapshotPrefix: string };
    RETAIN_DAYS_TAG: string;
};

const NOW = new Date("2026-12-01T06:00:00Z");
const DATABASE = "clinical-platform-production";
const PREFIX = "clinical-platform-production-release-";
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 60 * 60 * 1000);

interface FakeSnapshot {
    id: string;
    type?: "manual" | "automated";
    instance?: string;
    status?: string;
    created: Date;
    retainDays?: string;
}

/**
 * RDS as the function sees it: DescribeDBSnapshots filtered by instance and type (as the API
 * documents), a page of at most `pageSize` with a Marker, tags per ARN, and deletions recorded.
 */
class FakeRds {
    readonly deleted: string[] = [];
    readonly describeCalls: Array<Record<string, unknown>> = [];
    constructor(private readonly snapshots: FakeSnapshot[], private readonly pageSize = 2, private readonly ignoreTypeFilter = false) {}

    private arn(id: string): string {
        return `arn:aws:rds:eu-west-1:111122223333:snapshot:${id}`;
    }

    async describeDBSnapshots(input: { DBInstanceIdentifier: string; SnapshotType: string; Marker?: string }) {
        this.describeCalls.push(input);
        const matching = this.snapshots.filter((s) => (s.instance ?? DATABASE) === input.DBInstanceIdentifier
            && (this.ignoreTypeFilter || (s.type ?? "manual") === input.SnapshotType));
        const start = Number(input.Marker ?? "0");
        const page = matching.slice(start, start + this.pageSize);
        return {
            DBSnapshots: page.map((s) => ({
                DBSnapshotIdentifier: s.id,
                DBSnapshotArn: this.arn(s.id),
                DBInstanceIdentifier: s.instance ?? DATABASE,
                SnapshotType: s.type ?? "manual",
                Status: s.status ?? "available",
                SnapshotCreateTime: s.created,
            })),
            ...(start + this.pageSize < matching.length ? { Marker: String(start + this.pageSize) } : {}),
        };
    }

    async listTagsForResource(input: { ResourceName: string }) {
        const snapshot = this.snapshots.find((s) => this.arn(s.id) === input.ResourceName);
        if (!snapshot) throw Object.assign(new Error("not found"), { name: "DBSnapshotNotFoundFault" });
        return { TagList: snapshot.retainDays === undefined ? [{ Key: "Environment", Value: "production" }] : [{ Key: expiry.RETAIN_DAYS_TAG, Value: snapshot.retainDays }] };
    }

    async deleteDBSnapshot(input: { DBSnapshotIdentifier: string }) {
        const snapshot = this.snapshots.find((s) => s.id === input.DBSnapshotIdentifier);
        if (snapshot?.type === "automated") throw new Error("automated snapshots cannot be deleted");
        this.deleted.push(input.DBSnapshotIdentifier);
        return {};
    }
}

/** One run against the fake, its log lines (JSON, as Lambda's JSON log format expects) kept out of the spec output. */
async function run(rds: FakeRds): Promise<{ deleted: string[]; kept: string[] }> {
    const { log, warn } = console;
    console.log = console.warn = () => undefined;
    try {
        return await expiry.createExpiry(rds, { databaseIdentifier: DATABASE, snapshotPrefix: PREFIX, now: () => NOW })();
    } finally {
        Object.assign(console, { log, warn });
    }
}

describe("the release snapshot expiry function", () => {
    it("deletes this stack's release snapshots older than their retain-days tag, and keeps the younger ones", async () => {
        const rds = new FakeRds([
            { id: `${PREFIX}1-4-2-aaaaaaaaaa`, created: daysAgo(31), retainDays: "30" },
            { id: `${PREFIX}1-5-0-bbbbbbbbbb`, created: daysAgo(29), retainDays: "30" },
            { id: `${PREFIX}1-3-9-cccccccccc`, created: daysAgo(8), retainDays: "7" },
        ]);
        const result = await run(rds);
        assert.deepEqual(rds.deleted.sort(), [`${PREFIX}1-3-9-cccccccccc`, `${PREFIX}1-4-2-aaaaaaaaaa`]);
        assert.deepEqual(result.kept, [`${PREFIX}1-5-0-bbbbbbbbbb`]);
    });

    it("reads every page of snapshots", async () => {
        const old = Array.from({ length: 5 }, (_, i) => ({ id: `${PREFIX}1-${i}-0-dddddddddd`, created: daysAgo(40), retainDays: "30" }));
        const rds = new FakeRds(old, 2);
        await run(rds);
        assert.equal(rds.describeCalls.length, 3);
        assert.deepEqual(rds.describeCalls.map((c) => c.Marker), [undefined, "2", "4"]);
        assert.equal(rds.deleted.length, 5);
    });

    it("asks only for manual snapshots of the stack's instance, and never deletes an automated one even if listed", async () => {
        const rds = new FakeRds([
            { id: `rds:${DATABASE}-2026-10-01-03-00`, type: "automated", created: daysAgo(60), retainDays: "1" },
            { id: `${PREFIX}automated-looking-eeeeeeeeee`, type: "automated", created: daysAgo(60), retainDays: "1" },
        ], 10, true);
        await run(rds);
        assert.deepEqual(rds.describeCalls.map((c) => [c.DBInstanceIdentifier, c.SnapshotType]), [[DATABASE, "manual"]]);
        assert.deepEqual(rds.deleted, []);
    });

    it("leaves other stacks' snapshots, other manual snapshots, untagged or badly tagged ones and those still being created", async () => {
        const rds = new FakeRds([
            { id: "clinical-platform-staging-release-1-4-2-ffffffffff", created: daysAgo(90), retainDays: "1" },
            { id: "clinical-platform-production-final", created: daysAgo(90), retainDays: "1" },
            { id: `${PREFIX}1-2-0-gggggggggg`, created: daysAgo(90) },
            { id: `${PREFIX}1-2-1-hhhhhhhhhh`, created: daysAgo(90), retainDays: "0" },
            { id: `${PREFIX}1-2-2-iiiiiiiiii`, created: daysAgo(90), retainDays: "thirty" },
            { id: `${PREFIX}1-2-3-jjjjjjjjjj`, created: daysAgo(90), retainDays: "1", status: "creating" },
            { id: `${PREFIX}1-2-4-kkkkkkkkkk`, instance: "clinical-platform-production-restore", created: daysAgo(90), retainDays: "1" },
        ], 10);
        await run(rds);
        assert.deepEqual(rds.deleted, []);
    });

    it("refuses to start without its instance and a release prefix, naming the setting", () => {
        assert.throws(() => expiry.settingsFrom({ SNAPSHOT_PREFIX: PREFIX }), /DATABASE_IDENTIFIER/);
        assert.throws(() => expiry.settingsFrom({ DATABASE_IDENTIFIER: DATABASE, SNAPSHOT_PREFIX: "clinical-platform-production-" }), /SNAPSHOT_PREFIX/);
        assert.deepEqual(expiry.settingsFrom({ DATABASE_IDENTIFIER: DATABASE, SNAPSHOT_PREFIX: PREFIX }), { databaseIdentifier: DATABASE, snapshotPrefix: PREFIX });
    });

    it("reads the tag the release snapshots are given", () => {
        assert.equal(expiry.RETAIN_DAYS_TAG, TAGGED_BY_RELEASES);
    });

    describe("in production", () => {
        it("runs once a day on the rotation function's runtime, from the handler file as is, with its own encrypted log group", async () => {
            const { resources, config } = await previewOf("production");
            const fn = inputs(single(resources, "aws:lambda/function:Function", "release-snapshots"));
            assert.equal(fn.name, "clinical-platform-production-release-snapshots");
            assert.equal(fn.runtime, inputs(single(resources, "aws:lambda/function:Function", "secrets-rotation")).runtime);
            assert.equal(fn.handler, "index.handler");
            assert.equal(fn.environment.variables.SNAPSHOT_PREFIX, PREFIX);
            const logGroup = single(resources, "aws:cloudwatch/logGroup:LogGroup", "release-snapshots");
            assert.equal(inputs(logGroup).name, "/aws/lambda/clinical-platform-production-release-snapshots");
            assert.equal(inputs(logGroup).retentionInDays, config.logs.retentionDays);
            assert.ok(logGroup.propertyDependencies.kmsKeyId.length > 0);
            const rule = inputs(single(resources, "aws:cloudwatch/eventRule:EventRule", "release-snapshots"));
            assert.equal(rule.scheduleExpression, "rate(1 day)");
            const permission = inputs(single(resources, "aws:lambda/permission:Permission", "release-snapshots"));
            assert.equal(permission.principal, "events.amazonaws.com");
            assert.ok(single(resources, "aws:lambda/permission:Permission", "release-snapshots").propertyDependencies.sourceArn.length > 0);
        });

        it("runs in the VPC's private subnets, HTTPS out only", async () => {
            const { resources } = await previewOf("production");
            assertInPrivateSubnets(resources, "release-snapshots");
        });

        it("may list snapshots, and read the tags of and delete only this stack's release snapshots", async () => {
            const { resources } = await previewOf("production");
            const statements = grantOf(resources, "release-snapshots").Statement;
            const byAction = (action: string) => statements.filter((s) => ([] as unknown[]).concat(s.Action).includes(action));
            assert.deepEqual(byAction("rds:DescribeDBSnapshots").map((s) => s.Resource), ["*"]);
            for (const action of ["rds:DeleteDBSnapshot", "rds:ListTagsForResource"]) {
                assert.equal(byAction(action).length, 1);
                assert.match(String(byAction(action)[0].Resource), /^arn:aws:rds:[a-z0-9-]+:\d{12}:snapshot:clinical-platform-production-release-\*$/);
            }
            const actions = statements.flatMap((s) => ([] as unknown[]).concat(s.Action));
            assert.deepEqual(actions.filter((a) => String(a).startsWith("rds:")).sort(), ["rds:DeleteDBSnapshot", "rds:DescribeDBSnapshots", "rds:ListTagsForResource"]);
        });
    });
});
