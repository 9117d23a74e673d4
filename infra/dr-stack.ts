/**
 * The DR stack file (`Pulumi.<environment>-dr.yaml`) that `npm run restore -- --region dr` writes:
 * the home stack's file, comments kept, with what differs when the platform runs in the DR region.
 * Its network, domain and certificates come from the home stack's `recovery.standby`; its database
 * from the backups RDS replicated there (`recovery.restore`). The account's baseline stays with its
 * owner; the DR stack owns its region's services unless a committed stack there already does.
 */
import { Document, isMap, parseDocument } from "yaml";
import { deployRoleName } from "../bootstrap/documents";
import { PROJECT, StackConfig, drStackOf } from "../stacks";

export interface DrRestorePoint {
    automatedBackupsArn: string;
    kmsKeyArn: string;
    /** `latest`, or a UTC time to the second. */
    time: string;
}

const key = (name: string) => `${PROJECT}:${name}`;

/**
 * @param homeText the home stack's file as committed.
 * @param regionOwned whether a committed stack already owns the DR region's services in the account.
 */
export function drStackDocument(homeText: string, home: StackConfig, point: DrRestorePoint, regionOwned: boolean): Document {
    const standby = home.recovery.standby;
    const drRegion = home.recovery.drRegion;
    if (!standby || !drRegion) throw new Error(`stack ${home.stack} keeps no recovery.standby and drRegion to run in the DR region`);
    const document = parseDocument(homeText);
    const config = document.get("config");
    if (!isMap(config)) throw new Error(`the stack file of ${home.stack} has no config mapping`);
    document.commentBefore = ` The ${drStackOf(home.environment)} stack: ${home.stack}'s platform in ${drRegion}, its database restored from the backups replicated there.`
        + `\n Written by npm run restore -- --stack ${home.stack} --region dr (docs/runbooks/restore.md); edit ${home.stack}'s file, not this one.`;
    // A new stack: it gets its own secrets key when it is created, in the DR region's backend.
    for (const field of ["secretsprovider", "encryptedkey", "encryptionsalt"]) document.delete(field);
    config.set("aws:region", drRegion);
    config.set(key("ownsAccountResources"), false);
    if (regionOwned) config.delete(key("ownsRegionalResources"));
    else config.set(key("ownsRegionalResources"), true);
    config.set(key("domain"), standby.domain);
    config.setIn([key("certificates"), "edge"], standby.certificates.edge);
    config.setIn([key("certificates"), "regional"], standby.certificates.regional);
    config.setIn([key("network"), "cidr"], standby.cidr);
    // The account bootstrap gives each stack, the DR one included, a deploy role of its own.
    config.setIn([key("ci"), "deployRoleArn"], home.ci.deployRoleArn.replace(/:role\/.*$/, `:role/${deployRoleName(drStackOf(home.environment))}`));
    config.set(key("recovery"), document.createNode({ restore: { ...point } }));
    return document;
}
