/**
 * Checks that span several keys, run on the decoded config whether or not its shape is valid, so a
 * user sees every problem in one run. Each check guards the types it reads.
 */
import { cidrProblem, cidrsOverlap, isPrivateCidr, parseCidr } from "./cidr";
import { CLUSTER_SERVICE_CIDR, LARGEST_VPC_PREFIX, SMALLEST_VPC_PREFIX } from "./layout";
import { ConfigProblem } from "./problems";
import {
    Environment, EnvironmentProfile, PHI_MINIMUM_BACKUP_RETENTION_DAYS, PRODUCTION_MINIMUM_BACKUP_RETENTION_DAYS, VAULT_LOCK_MAX_RETENTION_DAYS,
} from "./profiles";
import { AWS_REGIONS, CLOUDFRONT_CERTIFICATE_REGION } from "./regions";
import { ACM_CERTIFICATE_ARN, AUTOMATED_BACKUPS_ARN, CONNECTION_ARN, IAM_ROLE_ARN, KMS_KEY_ARN, SLOT_NAMES } from "./schema";

type Decoded = Record<string, unknown>;
type Report = (key: string, expected: string, received: string) => void;

const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);
const isWeight = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100;

export function crossKeyProblems(
    config: Decoded,
    region: unknown,
    accountId: string | undefined,
    environment: Environment | undefined,
    profile: EnvironmentProfile | undefined,
    keyOf: (path: string) => string,
    disasterRecovery = false,
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const report: Report = (key, expected, received) => problems.push({ key: keyOf(key), expected, received });
    checkSlots(config.app, report);
    checkCertificates(config.certificates, region, accountId, report);
    checkNetwork(config.network, report);
    checkClusterAccess(config.cluster, environment, report);
    checkCi(config.ci, config.cluster, accountId, report);
    if (profile) checkSizes(config.overrides, profile, report);
    if (profile && environment) checkPhiBar(config.dataClassification, config.overrides, environment, profile, report);
    if (profile && environment) checkApplication(config.dataClassification, config.overrides, environment, profile, report);
    if (profile && environment) checkRelease(config.overrides, environment, profile, report);
    if (profile && environment) checkRecovery(config.recovery, config.overrides, region, environment, profile, report, disasterRecovery);
    if (environment) checkStandby(config, region, accountId, environment, disasterRecovery, report);
    return problems;
}

/** `report` for checks written for top-level keys, reporting them under `prefix` instead. */
function under(prefix: string, report: Report): Report {
    return (key, expected, received) => report(`${prefix}.${key}`, expected, received);
}

function checkSlots(app: unknown, report: Report): void {
    if (!isObject(app) || !isObject(app.slots)) return;
    const slots = app.slots;
    const weights = SLOT_NAMES.map((name) => (isObject(slots[name]) ? slots[name].weight : undefined));
    if (weights.every(isWeight)) {
        const total = (weights as number[]).reduce((sum, weight) => sum + weight, 0);
        if (total !== 100) {
            const terms = SLOT_NAMES.map((name, i) => `${name} ${weights[i]}`).join(" + ");
            report("app.slots", "weights that sum to 100", `${terms} = ${total}`);
        }
    }
    for (const name of SLOT_NAMES) {
        const slot = slots[name];
        if (isObject(slot) && isWeight(slot.weight) && slot.weight > 0 && slot.image === undefined) {
            report(`app.slots.${name}.image`, `an image, because slot ${name} carries ${slot.weight} % of traffic`, "no image");
        }
    }
    // Both slots share the database: a migration the other slot's release cannot work with may run
    // only while that slot serves nothing (docs/runbooks/release.md, expand and contract).
    for (const name of SLOT_NAMES) {
        const slot = slots[name];
        if (!isObject(slot) || slot.breakingMigration !== true) continue;
        for (const other of SLOT_NAMES.filter((candidate) => candidate !== name)) {
            const otherWeight = isObject(slots[other]) ? slots[other].weight : undefined;
            if (isWeight(otherWeight) && otherWeight > 0) {
                report(
                    `app.slots.${name}.breakingMigration`,
                    `false while slot ${other} serves traffic: its release still uses the schema a breaking migration changes; `
                        + "split the change into expand and contract releases, or move all traffic off the other slot first",
                    `true, with slot ${other} at ${otherWeight} %`,
                );
            }
        }
    }
    const stable = app.stableSlot;
    if (typeof stable === "string" && isObject(slots[stable]) && slots[stable].image === undefined) {
        report("app.stableSlot", "a slot with an image, since rollback sends all traffic there", `${stable}, which has no image`);
    }
}

function checkCertificates(certificates: unknown, region: unknown, accountId: string | undefined, report: Report): void {
    if (!isObject(certificates)) return;
    for (const use of ["edge", "regional"]) {
        const owner = typeof certificates[use] === "string" ? ACM_CERTIFICATE_ARN.exec(certificates[use] as string)?.[2] : undefined;
        // CloudFront and the load balancer only accept certificates from their own account.
        if (owner && accountId && owner !== accountId) {
            report(`certificates.${use}`, `a certificate in the stack's account ${accountId} (aws:allowedAccountIds)`, `one in account ${owner}`);
        }
    }
    const regionOf = (arn: unknown) => (typeof arn === "string" ? ACM_CERTIFICATE_ARN.exec(arn)?.[1] : undefined);
    const edgeRegion = regionOf(certificates.edge);
    if (edgeRegion && edgeRegion !== CLOUDFRONT_CERTIFICATE_REGION) {
        report("certificates.edge", `a certificate in ${CLOUDFRONT_CERTIFICATE_REGION}, the only region CloudFront accepts`, `one in ${edgeRegion}`);
    }
    const regionalRegion = regionOf(certificates.regional);
    if (regionalRegion && typeof region === "string" && AWS_REGIONS.includes(region) && regionalRegion !== region) {
        report("certificates.regional", `a certificate in the stack's region ${region}, where the load balancer runs`, `one in ${regionalRegion}`);
    }
}

function checkNetwork(network: unknown, report: Report): void {
    if (!isObject(network) || typeof network.cidr !== "string") return;
    const problem = cidrProblem(network.cidr);
    if (problem) {
        report("network.cidr", `an IPv4 CIDR block such as 10.20.0.0/16 (${problem})`, JSON.stringify(network.cidr));
        return;
    }
    const vpc = parseCidr(network.cidr);
    if (!isPrivateCidr(vpc)) {
        report("network.cidr", "a private (RFC 1918) block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16", network.cidr);
    }
    if (vpc.prefix < LARGEST_VPC_PREFIX || vpc.prefix > SMALLEST_VPC_PREFIX) {
        report(
            "network.cidr",
            `a block from /${LARGEST_VPC_PREFIX} to /${SMALLEST_VPC_PREFIX}, large enough for three subnet tiers in up to four zones`,
            network.cidr,
        );
    }
    if (cidrsOverlap(vpc, parseCidr(CLUSTER_SERVICE_CIDR))) {
        report("network.cidr", `a block that does not overlap the cluster service range ${CLUSTER_SERVICE_CIDR}`, network.cidr);
    }
    const peers = Array.isArray(network.peerCidrs) ? network.peerCidrs : [];
    peers.forEach((peer, index) => {
        if (typeof peer !== "string") return;
        const peerProblem = cidrProblem(peer);
        if (peerProblem) {
            report(`network.peerCidrs[${index}]`, `an IPv4 CIDR block (${peerProblem})`, JSON.stringify(peer));
        } else if (cidrsOverlap(vpc, parseCidr(peer))) {
            report(`network.peerCidrs[${index}]`, `a block that does not overlap the VPC ${network.cidr}`, peer);
        }
    });
}

function checkClusterAccess(cluster: unknown, environment: Environment | undefined, report: Report): void {
    if (!isObject(cluster) || !Array.isArray(cluster.publicAccessCidrs)) return;
    cluster.publicAccessCidrs.forEach((cidr, index) => {
        if (typeof cidr !== "string") return;
        const problem = cidrProblem(cidr);
        if (problem) {
            report(`cluster.publicAccessCidrs[${index}]`, `an IPv4 CIDR block (${problem})`, JSON.stringify(cidr));
        } else if (parseCidr(cidr).prefix === 0 && environment !== "dev") {
            report(`cluster.publicAccessCidrs[${index}]`, "specific source ranges; the whole internet may not reach the API of this environment", cidr);
        }
    });
}

/**
 * The CI roles and the connection live in the stack's own account, and each CI role is a principal of
 * its own: EKS keeps one access entry per principal, so a role shared with the admin or with the other
 * CI role would get the wrong access or make the second entry fail to create.
 */
function checkCi(ci: unknown, cluster: unknown, accountId: string | undefined, report: Report): void {
    if (!isObject(ci)) return;
    const accountOf = (key: string) => {
        const value = ci[key];
        if (typeof value !== "string") return undefined;
        return key === "connectionArn" ? CONNECTION_ARN.exec(value)?.[3] : IAM_ROLE_ARN.exec(value)?.[1];
    };
    for (const key of ["connectionArn", "deployRoleArn", "previewRoleArn"]) {
        const owner = accountOf(key);
        if (owner && accountId && owner !== accountId) {
            report(`ci.${key}`, `an ARN in the stack's account ${accountId} (aws:allowedAccountIds)`, `one in account ${owner}`);
        }
    }
    const admin = isObject(cluster) ? cluster.adminRoleArn : undefined;
    for (const key of ["deployRoleArn", "previewRoleArn"]) {
        if (typeof ci[key] === "string" && ci[key] === admin) {
            report(`ci.${key}`, "a CI role other than cluster.adminRoleArn: no CI job acts as the people's admin role", String(ci[key]));
        }
    }
    if (typeof ci.deployRoleArn === "string" && ci.deployRoleArn === ci.previewRoleArn) {
        report("ci.previewRoleArn", "a role other than ci.deployRoleArn: previews get read-only access, deploys what `up` needs", String(ci.previewRoleArn));
    }
}

function checkSizes(overrides: unknown, profile: EnvironmentProfile, report: Report): void {
    if (!isObject(overrides)) return;
    const app = { ...profile.app, ...(isObject(overrides.app) ? overrides.app : {}) };
    if ([app.replicas, app.warmReplicas, app.maxReplicas].every(Number.isInteger) && app.maxReplicas < Math.max(app.replicas, app.warmReplicas)) {
        report("overrides.app.maxReplicas", `at least replicas and warmReplicas (${Math.max(app.replicas, app.warmReplicas)})`, String(app.maxReplicas));
    }
    const database = { ...profile.database, ...(isObject(overrides.database) ? overrides.database : {}) };
    if (Number.isInteger(database.allocatedStorageGiB) && Number.isInteger(database.maxAllocatedStorageGiB)
        && database.maxAllocatedStorageGiB < database.allocatedStorageGiB) {
        report("overrides.database.maxAllocatedStorageGiB", `at least the allocated storage (${database.allocatedStorageGiB} GiB)`, String(database.maxAllocatedStorageGiB));
    }
}

/**
 * A stack classified `phi` is held to the PHI bar whatever its environment: data protected in AWS and
 * in Pulumi, database deletion protection, and a week of backups. Each missing protection is reported
 * at the key that would give it.
 */
function checkPhiBar(classification: unknown, overrides: unknown, environment: Environment, profile: EnvironmentProfile, report: Report): void {
    const effective = classification ?? profile.dataClassification;
    if (effective !== "phi") return;
    const because = classification === undefined
        ? `the ${environment} profile classifies the stack phi`
        : "dataClassification is phi";
    if (!profile.protectData) {
        report(
            "dataClassification",
            `internal or confidential: the ${environment} profile does not protect data (no deletion protection, no final snapshot, no protect), so the stack may not hold PHI`,
            JSON.stringify(effective),
        );
    }
    const database = { ...profile.database, ...(isObject(overrides) && isObject(overrides.database) ? overrides.database : {}) };
    if (database.deletionProtection !== true) {
        report("overrides.database.deletionProtection", `true, because ${because}`, String(database.deletionProtection));
    }
    if (Number.isInteger(database.backupRetentionDays) && database.backupRetentionDays < PHI_MINIMUM_BACKUP_RETENTION_DAYS) {
        report(
            "overrides.database.backupRetentionDays",
            `at least ${PHI_MINIMUM_BACKUP_RETENTION_DAYS} days, because ${because}`,
            String(database.backupRetentionDays),
        );
    }
}

/**
 * Diagnostics for people stay out of wherever patient data is: debug mode and debug logging may write
 * request bodies into logs, and production runs as production.
 */
function checkApplication(classification: unknown, overrides: unknown, environment: Environment, profile: EnvironmentProfile, report: Report): void {
    const application = { ...profile.application, ...(isObject(overrides) && isObject(overrides.application) ? overrides.application : {}) };
    const holdsPhi = (classification ?? profile.dataClassification) === "phi";
    const where = environment === "production" ? "production" : holdsPhi ? "a stack classified phi" : undefined;
    if (where && application.debugMode === true) {
        report("overrides.application.debugMode", `false in ${where}: debug mode exposes diagnostics and request data`, "true");
    }
    if (where && application.logLevel === "debug") {
        report("overrides.application.logLevel", `error, warn or info in ${where}: debug logs may carry request bodies`, "debug");
    }
    if (environment === "production" && application.nodeEnv !== undefined && application.nodeEnv !== "production") {
        report("overrides.application.nodeEnv", "production in the production stack", JSON.stringify(application.nodeEnv));
    }
}

/** Canary steps rise to 100 (the promote); production keeps a restore point of its own before every migration. */
function checkRelease(overrides: unknown, environment: Environment, profile: EnvironmentProfile, report: Report): void {
    const release = { ...profile.release, ...(isObject(overrides) && isObject(overrides.release) ? overrides.release : {}) };
    const steps = release.canarySteps;
    if (Array.isArray(steps) && steps.length > 0 && steps.every((step) => Number.isInteger(step))) {
        const rising = steps.every((step, index) => index === 0 || step > steps[index - 1]);
        if (!rising || steps[steps.length - 1] !== 100) {
            report("overrides.release.canarySteps", "percentages that rise step by step and end at 100, such as [10, 25, 50, 100]", JSON.stringify(steps));
        }
    }
    if (environment === "production" && release.snapshotBeforeMigration === false) {
        report("overrides.release.snapshotBeforeMigration", "true in production: every migration starts from a snapshot named after its release", "false");
    }
}

/**
 * Disaster recovery: production names a DR region, dev names none (its data is
 * disposable); the DR region is another region than the stack's, since a copy in the same region
 * fails with it. Production keeps AWS Backup recovery points 35 days or more in locked vaults;
 * only production locks them, since a compliance-mode lock can never be lifted.
 */
function checkRecovery(
    recovery: unknown, overrides: unknown, region: unknown, environment: Environment, profile: EnvironmentProfile, report: Report, disasterRecovery: boolean,
): void {
    const drRegion = isObject(recovery) ? recovery.drRegion : undefined;
    if (environment === "production" && !disasterRecovery && (!isObject(recovery) || recovery.drRegion === undefined)) {
        report("recovery.drRegion", "a DR region in production, such as us-west-2: backups must survive the loss of the stack's region", "no recovery block");
    }
    if (environment !== "production" && !disasterRecovery && isObject(recovery) && recovery.drRegion === undefined) {
        report("recovery.drRegion", "an AWS region other than the stack's, such as us-west-2: a recovery block names where the copies go", "nothing");
    }
    if (environment === "dev" && recovery !== undefined) {
        report("recovery", "no recovery block in dev: dev holds no data worth copying to another region", JSON.stringify(recovery));
    }
    if (typeof drRegion === "string" && drRegion === region) {
        report("recovery.drRegion", `a region other than the stack's own ${region}: a copy in the same region is lost with it`, drRegion);
    }
    const settings = { ...profile.recovery, ...(isObject(overrides) && isObject(overrides.recovery) ? overrides.recovery : {}) };
    const days = settings.backupRetentionDays;
    if (environment === "production" && Number.isInteger(days) && days < PRODUCTION_MINIMUM_BACKUP_RETENTION_DAYS) {
        report(
            "overrides.recovery.backupRetentionDays",
            `at least ${PRODUCTION_MINIMUM_BACKUP_RETENTION_DAYS} days in production: each recovery point outlives the 30-day window of point-in-time restores`,
            String(days),
        );
    }
    if (environment === "production" && settings.vaultLock === false) {
        report("overrides.recovery.vaultLock", "true in production: no one may delete a recovery point before its retention ends", "false");
    }
    if (environment !== "production" && settings.vaultLock === true) {
        report(
            "overrides.recovery.vaultLock",
            `false in ${environment}: a compliance-mode lock can never be lifted, and only production keeps its vaults for good`,
            "true",
        );
    }
    if (settings.vaultLock === true && Number.isInteger(days) && days > VAULT_LOCK_MAX_RETENTION_DAYS) {
        report(
            "overrides.recovery.backupRetentionDays",
            `at most ${VAULT_LOCK_MAX_RETENTION_DAYS} days in a locked vault (its maximum retention): a longer one is billed for its whole life and cannot be deleted`,
            String(days),
        );
    }
}

/**
 * The DR stack (`<environment>-dr`, stacks/stack-name.ts) and what its home stack keeps for it.
 * A DR stack's database comes from the backups RDS replicated to its region, so `recovery.restore`
 * is required there and refused elsewhere (a home restore swaps instances, docs/runbooks/restore.md).
 * The home stack's `recovery.standby` holds what the platform needs to run in the DR region: a
 * network that does not overlap home (so the two can be peered while data is moved back), and
 * certificates for its own domain, the regional one issued in the DR region. Production must keep
 * one, so a region's loss never waits for a certificate to be issued.
 */
function checkStandby(config: Decoded, region: unknown, accountId: string | undefined, environment: Environment, disasterRecovery: boolean, report: Report): void {
    const recovery = isObject(config.recovery) ? config.recovery : {};
    if (disasterRecovery) {
        if (recovery.restore === undefined) {
            report("recovery.restore", "the replicated backups this DR stack's database is restored from (npm run restore -- --region dr writes them)", "nothing");
        }
        if (recovery.standby !== undefined) report("recovery.standby", "no standby block in a DR stack: it is the standby", "a standby block");
        if (config.ownsAccountResources === true || config.ownsAccountResources === "true") {
            report("ownsAccountResources", "false in a DR stack: the account's baseline stays with its owner stack", "true");
        }
        const restore = isObject(recovery.restore) ? recovery.restore : {};
        for (const [key, pattern] of [["automatedBackupsArn", AUTOMATED_BACKUPS_ARN], ["kmsKeyArn", KMS_KEY_ARN]] as const) {
            const match = typeof restore[key] === "string" ? pattern.exec(restore[key] as string) : null;
            if (match && typeof region === "string" && match[1] !== region) {
                report(`recovery.restore.${key}`, `an ARN in the stack's region ${region}: RDS restores from backups in its own region`, `one in ${match[1]}`);
            }
            if (match && accountId && match[2] !== accountId) {
                report(`recovery.restore.${key}`, `an ARN in the stack's account ${accountId}`, `one in account ${match[2]}`);
            }
        }
        return;
    }
    if (recovery.restore !== undefined) {
        report("recovery.restore", `no restore block outside a DR stack (${environment}-dr): a home restore swaps instances (npm run restore -- --region home)`, "a restore block");
    }
    const standby = recovery.standby;
    if (environment === "production" && recovery.drRegion !== undefined && standby === undefined) {
        report("recovery.standby", "the cidr, domain and certificates production uses in its DR region, so a region's loss waits for nothing to be issued", "nothing");
    }
    if (!isObject(standby)) return;
    if (recovery.drRegion === undefined) report("recovery.standby", "a drRegion beside it: the standby runs there", "no drRegion");
    if (typeof standby.domain === "string" && standby.domain === config.domain) {
        report("recovery.standby.domain", `a domain other than ${String(config.domain)}: CloudFront allows one distribution per alternate name`, standby.domain);
    }
    if (typeof standby.cidr === "string" && !cidrProblem(standby.cidr) && isObject(config.network) && typeof config.network.cidr === "string"
        && !cidrProblem(config.network.cidr) && cidrsOverlap(parseCidr(standby.cidr), parseCidr(config.network.cidr))) {
        report("recovery.standby.cidr", `a block that does not overlap the home VPC ${config.network.cidr}, so the two can be peered`, standby.cidr);
    }
    // The standby's VPC is sized and placed by the same rules as the home one.
    checkNetwork({ cidr: standby.cidr, peerCidrs: [] }, (key, expected, received) => report(key.replace(/^network\./, "recovery.standby."), expected, received));
    // The standby's certificates obey the home stack's rules, with the DR region as the stack's region.
    checkCertificates(standby.certificates, recovery.drRegion, accountId, under("recovery.standby", report));
}
