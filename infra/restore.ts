/**
 * npm run restore -- --stack <dev|staging|production> --to <ISO time> --region home [--target NAME] [--apply] [--config-file FILE]
 * npm run restore -- --stack <staging|production> --to <ISO time|latest> --region dr [--dr-file FILE] [--apply] [--config-file FILE]
 *
 * Home (data damaged, region healthy): restores the stack's database, as it was at --to, to a NEW
 * instance from its own automated backups; the existing instance is never touched. It reads what it
 * needs with describe calls (read-only, always run), prints the restore and the wait, runs them with
 * --apply, then prints how to point the platform at the new instance.
 *
 * DR (the home region is lost): finds the automated backups RDS replicated to the DR region
 * (components/recovery) and writes the DR stack file, `Pulumi.<environment>-dr.yaml`: the platform in
 * the DR region, from the home stack's `recovery.standby`, its database restored by `pulumi up` from
 * those backups at --to (infra/dr-stack.ts). It prints the file and the commands that deploy it;
 * --apply writes it. docs/runbooks/restore.md explains each step.
 *
 * Exit codes: 0 printed (or restored / written, with --apply); 2 refused or bad usage; 3 an aws command failed.
 */
import { spawnSync } from "child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { CA_CERTIFICATE, POSTGRES_LOG_EXPORTS } from "../components/database";
import { ENVIRONMENTS, PROJECT, StackConfig, StackConfigError, drStackOf, loadStackConfig } from "../stacks";
import { ALLOWED_ACCOUNTS_KEY, accountIdOf } from "../stacks/account";
import { parseStackText, readStackFile } from "../stacks/stack-file";
import { SECRETS_KEY_ALIAS } from "../bootstrap/bootstrap";
import { drStackDocument } from "./dr-stack";
import { stackFileOf } from "./paths";

export const EXIT = { done: 0, refused: 2, failed: 3 } as const;
const USAGE = `usage: npm run restore -- --stack <${ENVIRONMENTS.join("|")}> --to <ISO time, e.g. 2026-12-01T09:30:00Z> --region home [--target NAME] [--apply] [--config-file FILE]\n`
    + `       npm run restore -- --stack <${ENVIRONMENTS.join("|")}> --to <ISO time|latest> --region dr [--dr-file FILE] [--apply] [--config-file FILE]`;

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
                target: { type: "string" },
                "dr-file": { type: "string" },
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

    const stackFile = values["config-file"] ?? stackFileOf(stack);
    let config: StackConfig;
    try {
        config = loadStackConfig(stack, readStackFile(stackFile, PROJECT));
    } catch (error) {
        if (error instanceof StackConfigError) throw new Refusal(error.message);
        throw error;
    }
    if (config.disasterRecovery) throw new Refusal(`--stack: ${stack} is a DR stack; restore from its home stack, --stack ${config.environment}`);
    const prefix = `${config.project}-${config.stack}`;
    if (where === "dr") {
        if (values.target !== undefined) throw new Refusal("--target: only with --region home; in the DR region the DR stack names its database");
        return restoreInDr(config, stackFile, to, values["dr-file"], values.apply, io);
    }
    if (values["dr-file"] !== undefined) throw new Refusal("--dr-file: only with --region dr");
    const restoreTime = parseRestoreTime(to, io.now());
    const target = values.target ?? `${prefix}-restore-${restoreTime.replace(/[-:]/g, "").slice(0, 13).toLowerCase()}`;
    if (!IDENTIFIER.test(target)) {
        throw new Refusal(`--target: expected an RDS identifier (1-63 lower-case letters, digits or hyphens, a letter first), got ${JSON.stringify(target)}`);
    }

    const source = homeSource(config, prefix, io);
    const backups = automatedBackups(source.region, prefix, io);
    checkWindow(backups, source.region, restoreTime);

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

    io.out(`# Restore ${prefix} as it was at ${restoreTime} to a new instance ${target} in ${source.region} (home), from ${source.description}.`);
    for (const command of [restoreCommand, waitCommand]) {
        io.out(shellLine(command));
        if (values.apply) run(io, command);
    }
    if (!values.apply) io.out("# Not run: add --apply to restore. The existing instance is never touched.");
    for (const line of pointingSteps(config, prefix, target, source.region, stack)) io.out(line);
    return EXIT.done;
}

/** Writes (with --apply) or prints the DR stack file, its database restored from the replicated backups. */
function restoreInDr(config: StackConfig, stackFile: string, to: string, drFile: string | undefined, apply: boolean, io: RestoreIo): number {
    const region = config.recovery.drRegion;
    if (!region) throw new Refusal(`stack ${config.stack} names no DR region (clinical-platform:recovery.drRegion), so nothing is replicated to restore from`);
    if (!config.recovery.standby) {
        throw new Refusal(`stack ${config.stack} keeps no clinical-platform:recovery.standby (cidr, domain, certificates), so the platform cannot run in ${region}`);
    }
    const time = to === "latest" ? "latest" : parseRestoreTime(to, io.now());
    const prefix = `${config.project}-${config.stack}`;
    const backups = automatedBackups(region, prefix, io);
    if (time !== "latest") checkWindow(backups, region, time);
    if (!backups.DBInstanceAutomatedBackupsArn || !backups.KmsKeyId) {
        throw new Failure(`the automated backups of ${prefix} in ${region} name no ARN or no KMS key`);
    }
    const point = { automatedBackupsArn: backups.DBInstanceAutomatedBackupsArn, kmsKeyArn: backups.KmsKeyId, time };
    const drStack = drStackOf(config.environment);
    const file = drFile ?? path.join(path.dirname(stackFile), `Pulumi.${drStack}.yaml`);
    const text = drStackDocument(readFileSync(stackFile, "utf8"), config, point, regionOwnedByCommittedStack(stackFile, config.account.id, region)).toString();
    // The written file must load as a stack of its own: checked before anything is written.
    try {
        loadStackConfig(drStack, parseStackText(text, file, PROJECT));
    } catch (error) {
        if (error instanceof StackConfigError) throw new Refusal(`the DR stack file would not load:\n${error.message}`);
        throw error;
    }
    io.out(`# ${drStack}: ${config.stack}'s platform in ${region}, its database restored from ${point.automatedBackupsArn} at ${time}.`);
    if (apply) {
        if (existsSync(file)) throw new Refusal(`${file} exists: a DR stack is written once per incident; move it aside to write another restore point`);
        writeFileSync(file, text);
        io.out(`# Wrote ${file}.`);
    } else {
        io.out(`# Not written: add --apply to write ${file}:`);
        for (const line of text.trimEnd().split("\n")) io.out(`#   ${line}`);
    }
    io.out(`# Then, with the DR deploy role, on the state backend the account bootstrap keeps in ${region} (its output drBackends;`);
    io.out("# docs/runbooks/restore.md, \"Serving from the DR region\"):");
    io.out(`pulumi login '<drBackends.${region}.backendUrl>'`);
    io.out(shellLine(["pulumi", "stack", "init", drStack, "--secrets-provider", `awskms://${SECRETS_KEY_ALIAS}?region=${region}`]));
    io.out(shellLine(["pulumi", "up", "--stack", drStack]));
    io.out(`# and point ${config.domain} at the DR stack's distribution (its output distributionDomainName), or tell users ${config.recovery.standby.domain}.`);
    return EXIT.done;
}

/** Whether a committed stack of the account already runs in `region` (then it owns the region's services). */
function regionOwnedByCommittedStack(stackFile: string, accountId: string, region: string): boolean {
    const directory = path.dirname(stackFile);
    return readdirSync(directory)
        .filter((name) => /^Pulumi\.[a-z0-9-]+\.yaml$/.test(name))
        .some((name) => {
            const raw = readStackFile(path.join(directory, name), PROJECT);
            return raw["aws:region"] === region && accountIdOf(raw[ALLOWED_ACCOUNTS_KEY], []) === accountId;
        });
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

interface AutomatedBackups {
    DBInstanceAutomatedBackupsArn?: string;
    /** The key the backups are encrypted with; a restore keeps it. */
    KmsKeyId?: string;
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
function pointingSteps(config: StackConfig, prefix: string, target: string, region: string, stack: string): string[] {
    const instanceUrn = `urn:pulumi:${stack}::${PROJECT}::clinical-platform:database:Database$aws:rds/instance:Instance::database`;
    const replicationUrn = `urn:pulumi:${stack}::${PROJECT}::clinical-platform:recovery:Recovery$aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication::recovery-database`;
    const replaced = `${prefix}-replaced`;
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

if (require.main === module) process.exitCode = main(process.argv.slice(2));
