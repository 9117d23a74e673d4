/**
 * npm run restore -- --stack <dev|staging|production> --to <ISO time> --region home|dr
 *                    [--subnet-group NAME --security-group sg-… [--security-group sg-…]] [--target NAME]
 *                    [--apply] [--config-file FILE]
 *
 * Restores the stack's database, as it was at --to, to a NEW instance: in the stack's region from the
 * instance's own automated backups, or in the DR region from the automated backups RDS replicates
 * there (components/recovery). The existing instance is never touched. It reads what it needs with
 * describe calls (read-only, always run), prints the restore and the wait, runs them with --apply,
 * then prints how to point the platform at the new instance (docs/runbooks/restore.md).
 *
 * In the DR region the stack has no VPC, so the operator gives a DB subnet group and security
 * groups of a VPC there (--subnet-group, --security-group); the parameters come from the parameter
 * group the stack keeps there, the master password secret from the DR key.
 *
 * Exit codes: 0 printed (or restored, with --apply); 2 refused or bad usage; 3 an aws command failed.
 */
import { spawnSync } from "child_process";
import { parseArgs } from "util";
import { CA_CERTIFICATE, POSTGRES_LOG_EXPORTS } from "../components/database";
import { ENVIRONMENTS, PROJECT, StackConfig, StackConfigError, loadStackConfig } from "../stacks";
import { readStackFile } from "../stacks/stack-file";
import { stackFileOf } from "./paths";

export const EXIT = { done: 0, refused: 2, failed: 3 } as const;
const USAGE = `usage: npm run restore -- --stack <${ENVIRONMENTS.join("|")}> --to <ISO time, e.g. 2026-12-01T09:30:00Z> --region home|dr `
    + "[--subnet-group NAME --security-group sg-… (dr)] [--target NAME] [--apply] [--config-file FILE]";

export interface CommandResult { status: number; stdout: string; stderr: string }
/** Runs one command (argv, no shell); the specs pass a fake. */
export type Runner = (command: readonly string[]) => CommandResult;

export interface RestoreIo {
    out(line: string): void;
    err(line: string): void;
    run: Runner;
    now(): Date;
}

const processIo: RestoreIo = {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    run: (command) => {
        const result = spawnSync(command[0], command.slice(1), { encoding: "utf8" });
        if (result.error) return { status: 127, stdout: "", stderr: result.error.message };
        return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
    },
    now: () => new Date(),
};

/** An RDS identifier: 1-63 letters, digits or hyphens, a letter first, no double or trailing hyphen. */
const IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)$/;
/** An ISO 8601 time with a zone (Z or ±hh:mm), to the second at most. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Quotes an argument for a POSIX shell when it needs it, so a printed command can be pasted. */
export function shellWord(word: string): string {
    return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
const shellLine = (command: readonly string[]) => command.map(shellWord).join(" ");

class Refusal extends Error {}
class Failure extends Error {}

interface Source {
    /** The instance's region, or the DR region. */
    region: string;
    /** restore-db-instance-to-point-in-time's source arguments. */
    sourceArgs: string[];
    /** What the restore reads the source from, for the tags and the report. */
    description: string;
    subnetGroup: string;
    securityGroups: string[];
    parameterGroup: string;
    secretKey: string;
}

export function main(argv: string[], io: RestoreIo = processIo): number {
    try {
        return restore(argv, io);
    } catch (error) {
        if (error instanceof Refusal) {
            io.err(error.message);
            return EXIT.refused;
        }
        if (error instanceof Failure) {
            io.err(error.message);
            return EXIT.failed;
        }
        throw error;
    }
}

function restore(argv: string[], io: RestoreIo): number {
    let values;
    try {
        ({ values } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                to: { type: "string" },
                region: { type: "string" },
                "subnet-group": { type: "string" },
                "security-group": { type: "string", multiple: true },
                target: { type: "string" },
                apply: { type: "boolean", default: false },
                "config-file": { type: "string" },
                help: { type: "boolean", default: false },
            },
            strict: true,
            allowPositionals: false,
        }));
    } catch (error) {
        throw new Refusal(`${(error as Error).message}\n${USAGE}`);
    }
    if (values.help) {
        io.out(USAGE);
        return EXIT.done;
    }
    const { stack, to, region: where } = values;
    if (!stack || !to || !where) throw new Refusal(`--stack, --to and --region are required\n${USAGE}`);
    if (where !== "home" && where !== "dr") throw new Refusal(`--region: expected home or dr, got ${JSON.stringify(where)}\n${USAGE}`);

    let config: StackConfig;
    try {
        config = loadStackConfig(stack, readStackFile(values["config-file"] ?? stackFileOf(stack), PROJECT));
    } catch (error) {
        if (error instanceof StackConfigError) throw new Refusal(error.message);
        throw error;
    }
    const restoreTime = parseRestoreTime(to, io.now());
    const prefix = `${config.project}-${config.environment}`;
    const target = values.target ?? `${prefix}-restore-${restoreTime.replace(/[-:]/g, "").slice(0, 13).toLowerCase()}`;
    if (!IDENTIFIER.test(target)) {
        throw new Refusal(`--target: expected an RDS identifier (1-63 lower-case letters, digits or hyphens, a letter first), got ${JSON.stringify(target)}`);
    }

    const source = where === "home" ? homeSource(config, prefix, io) : drSource(config, prefix, values["subnet-group"], values["security-group"] ?? []);
    const backups = automatedBackups(source.region, prefix, io);
    checkWindow(backups, source.region, restoreTime);
    if (where === "dr") {
        // The replicated automated backups are the source; their ARN is known only from the describe.
        source.sourceArgs = ["--source-db-instance-automated-backups-arn", String(backups.DBInstanceAutomatedBackupsArn)];
        source.description = String(backups.DBInstanceAutomatedBackupsArn);
    }

    const restoreCommand = [
        "aws", "rds", "restore-db-instance-to-point-in-time",
        "--region", source.region,
        ...source.sourceArgs,
        "--target-db-instance-identifier", target,
        "--restore-time", restoreTime,
        "--db-instance-class", config.database.instanceClass,
        config.database.multiAz ? "--multi-az" : "--no-multi-az",
        "--storage-type", "gp3",
        "--db-subnet-group-name", source.subnetGroup,
        "--vpc-security-group-ids", ...source.securityGroups,
        "--db-parameter-group-name", source.parameterGroup,
        "--no-publicly-accessible",
        "--enable-iam-database-authentication",
        "--manage-master-user-password",
        "--master-user-secret-kms-key-id", source.secretKey,
        "--ca-certificate-identifier", CA_CERTIFICATE,
        "--enable-cloudwatch-logs-exports", ...POSTGRES_LOG_EXPORTS,
        "--backup-retention-period", String(config.database.backupRetentionDays),
        "--copy-tags-to-snapshot",
        config.database.deletionProtection ? "--deletion-protection" : "--no-deletion-protection",
        "--tags", ...Object.entries({ ...config.tags, RestoredFrom: source.description, RestorePoint: restoreTime }).map(([key, value]) => `Key=${key},Value=${value}`),
    ];
    const waitCommand = ["aws", "rds", "wait", "db-instance-available", "--region", source.region, "--db-instance-identifier", target];

    io.out(`# Restore ${prefix} as it was at ${restoreTime} to a new instance ${target} in ${source.region} (${where}), from ${source.description}.`);
    for (const command of [restoreCommand, waitCommand]) {
        io.out(shellLine(command));
        if (values.apply) run(io, command);
    }
    if (!values.apply) io.out("# Not run: add --apply to restore. The existing instance is never touched.");
    for (const line of pointingSteps(where, config, prefix, target, source.region, stack)) io.out(line);
    return EXIT.done;
}

/** The restore time as RDS takes it (UTC, to the second); refused unless it is a past instant with a zone. */
function parseRestoreTime(value: string, now: Date): string {
    const time = new Date(value);
    if (!ISO_TIME.test(value) || Number.isNaN(time.getTime())) {
        throw new Refusal(`--to: expected an ISO 8601 time with a zone, such as 2026-12-01T09:30:00Z, got ${JSON.stringify(value)}`);
    }
    if (time.getTime() > now.getTime()) throw new Refusal(`--to: ${time.toISOString()} is in the future`);
    return `${time.toISOString().slice(0, 19)}Z`;
}

function run(io: RestoreIo, command: readonly string[]): string {
    const result = io.run(command);
    if (result.status !== 0) throw new Failure(`failed (exit ${result.status}): ${shellLine(command)}\n${result.stderr.trim()}`);
    return result.stdout;
}

function json(io: RestoreIo, command: readonly string[]): Record<string, unknown> {
    const stdout = run(io, command);
    try {
        return JSON.parse(stdout) as Record<string, unknown>;
    } catch {
        throw new Failure(`not JSON from: ${shellLine(command)}`);
    }
}

/** What describe-db-instances says of the instance, as far as the restore copies it. */
interface DescribedInstance {
    DBSubnetGroup?: { DBSubnetGroupName?: string };
    VpcSecurityGroups?: Array<{ VpcSecurityGroupId: string }>;
    DBParameterGroups?: Array<{ DBParameterGroupName?: string }>;
}

/** At home the restore copies the running instance's network, parameters and secret key. */
function homeSource(config: StackConfig, prefix: string, io: RestoreIo): Source {
    const described = json(io, ["aws", "rds", "describe-db-instances", "--region", config.region, "--db-instance-identifier", prefix, "--output", "json"]);
    const instance = (described.DBInstances as DescribedInstance[] | undefined)?.[0];
    if (!instance) throw new Failure(`no instance ${prefix} in ${config.region}; to restore from its retained backups, use the console or --region dr`);
    return {
        region: config.region,
        sourceArgs: ["--source-db-instance-identifier", prefix],
        description: prefix,
        subnetGroup: String(instance.DBSubnetGroup?.DBSubnetGroupName),
        securityGroups: (instance.VpcSecurityGroups ?? []).map((group) => group.VpcSecurityGroupId),
        parameterGroup: String(instance.DBParameterGroups?.[0]?.DBParameterGroupName),
        secretKey: `alias/${prefix}-secrets`,
    };
}

/** In the DR region the source is the replicated automated backups; the network is the operator's. */
function drSource(config: StackConfig, prefix: string, subnetGroup: string | undefined, securityGroups: string[]): Source {
    const region = config.recovery.drRegion;
    if (!region) throw new Refusal(`stack ${config.environment} names no DR region (clinical-platform:recovery.drRegion), so nothing is replicated to restore from`);
    if (!subnetGroup || securityGroups.length === 0) {
        throw new Refusal(
            `--region dr needs --subnet-group and --security-group: the stack has no VPC in ${region}, so give a DB subnet group `
            + "(private subnets in two or more zones) and the security groups of a VPC there that admit PostgreSQL (5432) only from the application",
        );
    }
    return {
        region,
        sourceArgs: [],
        description: "",
        subnetGroup,
        securityGroups,
        parameterGroup: `${prefix}-restore`,
        secretKey: `alias/${prefix}-dr`,
    };
}

interface AutomatedBackups {
    DBInstanceAutomatedBackupsArn?: string;
    Status?: string;
    RestoreWindow?: { EarliestTime?: string; LatestTime?: string };
}

/** The automated backups of the stack's instance that RDS holds in `region` (its own, or the replica). */
function automatedBackups(region: string, prefix: string, io: RestoreIo): AutomatedBackups {
    const described = json(io, ["aws", "rds", "describe-db-instance-automated-backups", "--region", region, "--db-instance-identifier", prefix, "--output", "json"]);
    const backups = (described.DBInstanceAutomatedBackups as AutomatedBackups[] | undefined) ?? [];
    const found = backups.find((backup) => backup.Status === "replicating" || backup.Status === "active") ?? backups[0];
    if (!found) throw new Failure(`no automated backups of ${prefix} in ${region}`);
    return found;
}

/** RDS restores only inside the backups' restore window: refused early with the window, not by the API later. */
function checkWindow(backups: AutomatedBackups, region: string, restoreTime: string): void {
    const window = backups.RestoreWindow;
    const earliest = window?.EarliestTime ? new Date(window.EarliestTime) : undefined;
    const latest = window?.LatestTime ? new Date(window.LatestTime) : undefined;
    const time = new Date(restoreTime);
    if ((earliest && time < earliest) || (latest && time > latest)) {
        throw new Refusal(`--to: ${restoreTime} is outside the restore window in ${region}, ${window?.EarliestTime} to ${window?.LatestTime}`);
    }
}

/** How to make the platform use the restored instance (docs/runbooks/restore.md explains each step). */
function pointingSteps(where: "home" | "dr", config: StackConfig, prefix: string, target: string, region: string, stack: string): string[] {
    const instanceUrn = `urn:pulumi:${stack}::${PROJECT}::clinical-platform:database:Database$aws:rds/instance:Instance::database`;
    const replicationUrn = `urn:pulumi:${stack}::${PROJECT}::clinical-platform:recovery:Recovery$aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication::recovery-database`;
    const replaced = `${prefix}-replaced`;
    if (where === "home") {
        return [
            "# Point the platform at it, once the data is checked (from the stack's CI runner; the old instance stays until you delete it):",
            "# 1. Swap the identifiers, so the endpoint the API's settings name reaches the restored data:",
            shellLine(["aws", "rds", "modify-db-instance", "--region", region, "--db-instance-identifier", prefix, "--new-db-instance-identifier", replaced, "--apply-immediately"]),
            shellLine(["aws", "rds", "wait", "db-instance-available", "--region", region, "--db-instance-identifier", replaced]),
            shellLine(["aws", "rds", "modify-db-instance", "--region", region, "--db-instance-identifier", target, "--new-db-instance-identifier", prefix, "--apply-immediately"]),
            shellLine(["aws", "rds", "wait", "db-instance-available", "--region", region, "--db-instance-identifier", prefix]),
            `# 2. Make Pulumi's state follow the restored instance: it tracks the instance by its resource id (DbiResourceId), so set the id of ${instanceUrn}`,
            `#    to the DbiResourceId of ${prefix} in an export of the state, import it, and refresh that resource:`,
            shellLine(["aws", "rds", "describe-db-instances", "--region", region, "--db-instance-identifier", prefix, "--query", "DBInstances[0].DbiResourceId", "--output", "text"]),
            shellLine(["pulumi", "stack", "export", "--stack", stack, "--file", "state.json"]),
            shellLine(["pulumi", "stack", "import", "--stack", stack, "--file", "state.json"]),
            shellLine(["pulumi", "refresh", "--stack", stack, "--target", instanceUrn]),
            "# 3. Apply: the API's IAM database login names the new DbiResourceId, the master secret is the new one, and backup replication restarts from it:",
            ...(config.recovery.drRegion ? [shellLine(["pulumi", "up", "--stack", stack, "--replace", replicationUrn])] : [shellLine(["pulumi", "up", "--stack", stack])]),
        ];
    }
    return [
        `# Point the platform at it: ${region} has no cluster, load balancer or network of this stack, so the application can use the`,
        "# restored instance only once the platform runs there (docs/runbooks/restore.md, \"Serving from the DR region\"):",
        `# 1. deploy the platform in ${region} as a stack of its own (its own stack file: aws:region ${region}, a VPC cidr, a regional certificate`,
        `#    issued in ${region}); stacks/ accepts only the names dev, staging and production today, so this stack name must be added first;`,
        `# 2. adopt ${target} in place of the database that stack creates, as in a home restore (swap identifiers, set the state id, refresh, up);`,
        "# 3. move CloudFront's API origin to that stack's load balancer.",
        `# Until then the restored instance serves investigation and exports: aws rds describe-db-instances --region ${region} --db-instance-identifier ${target}`,
    ];
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
