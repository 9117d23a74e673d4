// @ts-check
/**
 * Deletes this stack's release snapshots once their days are over. A release snapshot is a manual
 * RDS snapshot of the stack's instance whose identifier starts with `<project>-<stack>-release-`
 * and whose `clinical-platform:retain-days` tag says how long it is kept, counted from its creation.
 * Anything else is left alone: automated snapshots (only manual ones are listed, and each is checked
 * again), other stacks' snapshots (other prefix), snapshots still being created, and snapshots with
 * no valid retain-days tag.
 *
 * Plain JavaScript under `// @ts-check`, like the rotation function: the file Lambda runs is the file
 * reviewed. The AWS SDK v3 ships with the Lambda Node.js runtime; its RDS client is loaded by name at
 * run time (the repository does not install @aws-sdk/client-rds), typed by the few calls used here.
 */

/** The SDK module the Lambda runtime provides. */
const RDS_SDK = "@aws-sdk/client-rds";
const RETAIN_DAYS_TAG = "clinical-platform:retain-days";
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * @typedef {object} Tag
 * @property {string} [Key]
 * @property {string} [Value]
 */

/**
 * The fields of a DBSnapshot (RDS API reference) the function reads.
 * @typedef {object} DbSnapshot
 * @property {string} [DBSnapshotIdentifier]
 * @property {string} [DBSnapshotArn]
 * @property {string} [DBInstanceIdentifier]
 * @property {string} [SnapshotType]
 * @property {string} [Status]
 * @property {Date} [SnapshotCreateTime]
 */

/**
 * What the function needs of RDS: the three calls, with the shapes of the SDK's aggregated `RDS`
 * client (describeDBSnapshots, listTagsForResource, deleteDBSnapshot). Specs pass a fake.
 * @typedef {object} SnapshotApi
 * @property {(input: { DBInstanceIdentifier: string; SnapshotType: "manual"; Marker?: string }) => Promise<{ DBSnapshots?: DbSnapshot[]; Marker?: string }>} describeDBSnapshots
 * @property {(input: { ResourceName: string }) => Promise<{ TagList?: Tag[] }>} listTagsForResource
 * @property {(input: { DBSnapshotIdentifier: string }) => Promise<unknown>} deleteDBSnapshot
 */

/**
 * @typedef {object} ExpiryOptions
 * @property {string} databaseIdentifier The stack's RDS instance.
 * @property {string} snapshotPrefix `<project>-<stack>-release-`.
 * @property {() => Date} now
 */

/**
 * @typedef {object} ExpiryResult
 * @property {string[]} deleted
 * @property {string[]} kept
 */

/**
 * @param {Record<string, string | undefined>} env
 * @returns {{ databaseIdentifier: string; snapshotPrefix: string }}
 */
function settingsFrom(env) {
    const databaseIdentifier = env.DATABASE_IDENTIFIER ?? "";
    const snapshotPrefix = env.SNAPSHOT_PREFIX ?? "";
    if (!/^[a-zA-Z][a-zA-Z0-9-]*$/.test(databaseIdentifier)) {
        throw new Error(`DATABASE_IDENTIFIER must be an RDS instance identifier, got ${JSON.stringify(env.DATABASE_IDENTIFIER)}`);
    }
    if (!/^[a-z][a-z0-9-]*-release-$/.test(snapshotPrefix)) {
        throw new Error(`SNAPSHOT_PREFIX must be "<project>-<stack>-release-", got ${JSON.stringify(env.SNAPSHOT_PREFIX)}`);
    }
    return { databaseIdentifier, snapshotPrefix };
}

/**
 * Days from the tag, or undefined when the tag is absent or not a positive whole number.
 * @param {Tag[] | undefined} tags
 * @returns {number | undefined}
 */
function retainDaysOf(tags) {
    const raw = (tags ?? []).find((tag) => tag.Key === RETAIN_DAYS_TAG)?.Value;
    if (raw === undefined || !/^[1-9]\d{0,4}$/.test(raw)) return undefined;
    return Number(raw);
}

/**
 * Builds the expiry run around a client, so specs can drive it against a fake.
 * @param {SnapshotApi} rds
 * @param {ExpiryOptions} options
 * @returns {() => Promise<ExpiryResult>}
 */
function createExpiry(rds, options) {
    return async () => {
        /** @type {ExpiryResult} */
        const result = { deleted: [], kept: [] };
        const now = options.now().getTime();
        /** @type {string | undefined} */
        let marker;
        do {
            const page = await rds.describeDBSnapshots({
                DBInstanceIdentifier: options.databaseIdentifier,
                SnapshotType: "manual",
                ...(marker === undefined ? {} : { Marker: marker }),
            });
            for (const snapshot of page.DBSnapshots ?? []) {
                const id = snapshot.DBSnapshotIdentifier;
                const isRelease = id !== undefined && id.startsWith(options.snapshotPrefix)
                    && snapshot.SnapshotType === "manual" && snapshot.DBInstanceIdentifier === options.databaseIdentifier;
                if (!isRelease || snapshot.Status !== "available" || !snapshot.DBSnapshotArn || !snapshot.SnapshotCreateTime) continue;
                const { TagList } = await rds.listTagsForResource({ ResourceName: snapshot.DBSnapshotArn });
                const days = retainDaysOf(TagList);
                if (days === undefined) {
                    console.warn(JSON.stringify({ message: "release snapshot without a valid retain-days tag kept", snapshot: id }));
                    result.kept.push(id);
                    continue;
                }
                if (now - new Date(snapshot.SnapshotCreateTime).getTime() <= days * DAY_MS) {
                    result.kept.push(id);
                    continue;
                }
                await rds.deleteDBSnapshot({ DBSnapshotIdentifier: id });
                console.log(JSON.stringify({ message: "expired release snapshot deleted", snapshot: id, retainDays: days }));
                result.deleted.push(id);
            }
            marker = page.Marker;
        } while (marker);
        return result;
    };
}

/** @type {SnapshotApi | undefined} */
let defaultClient;

/**
 * The Lambda entry point (`index.handler`), invoked once a day by an EventBridge schedule.
 * @returns {Promise<ExpiryResult>}
 */
async function handler() {
    const settings = settingsFrom(process.env);
    defaultClient ??= new (/** @type {{ RDS: new (config: object) => SnapshotApi }} */ (require(RDS_SDK)).RDS)({});
    return createExpiry(defaultClient, { ...settings, now: () => new Date() })();
}

module.exports = { handler, createExpiry, settingsFrom, retainDaysOf, RETAIN_DAYS_TAG };
