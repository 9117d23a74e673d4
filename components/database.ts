/**
 * RDS PostgreSQL in the isolated subnets. RDS keeps the master password in Secrets Manager under
 * the secrets key; storage, snapshots and Performance Insights are encrypted with the data key;
 * only members of the client security group reach port 5432, and only over TLS. Applications log
 * in as roles of their own with IAM database authentication; the master user only creates them
 * (see database-roles.ts).
 */
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { assumableBy } from "./iam";
import { awsManagedPolicyArn } from "./partition";
import { required } from "./required";
import { PlatformContext } from "./context";

export const POSTGRES_PORT = 5432;
/** Log types PostgreSQL exports to CloudWatch. */
export const POSTGRES_LOG_EXPORTS = ["postgresql", "upgrade"];
/** The certificate authority of the instance's server certificate (and of a restored instance's). */
export const CA_CERTIFICATE = "rds-ca-rsa2048-g1";
/** The application database created with the instance. */
export const DATABASE_NAME = "clinical";
/** The RDS master user: it creates the roles below and nothing else uses it. */
export const MASTER_USERNAME = "clinical_admin";
/**
 * Login roles, both authenticated by IAM tokens (member of `rds_iam`, no password): the API reads and
 * writes rows; the migrator owns the application schema and runs the release's migrations.
 */
export const DATABASE_ROLES = { api: "clinical_api", migrator: "clinical_migrator" } as const;
/** The schema the application's tables live in, owned by the migrator. */
export const APPLICATION_SCHEMA = "clinical";

/** The parameters of the database (and of the DR region's restore parameter group): TLS only, connections and DDL audited. */
export const POSTGRES_PARAMETERS: readonly aws.types.input.rds.ParameterGroupParameter[] = [
    { name: "rds.force_ssl", value: "1" },
    { name: "ssl_min_protocol_version", value: "TLSv1.2" },
    { name: "log_connections", value: "1" },
    { name: "log_disconnections", value: "1" },
    { name: "log_statement", value: "ddl" },
    { name: "log_min_duration_statement", value: "1000" },
    { name: "shared_preload_libraries", value: "pg_stat_statements,pgaudit", applyMethod: "pending-reboot" },
    { name: "pgaudit.log", value: "role,ddl" },
];

export interface DatabaseArgs {
    /** RDS identifier; also names the log groups RDS writes to. */
    identifier: string;
    vpcId: pulumi.Input<string>;
    /** Subnets with no route out of the VPC. */
    isolatedSubnetIds: pulumi.Input<string>[];
    instanceClass: string;
    /** PostgreSQL major (16) or major.minor (16.4) version. */
    engineVersion: string;
    allocatedStorageGiB: number;
    maxAllocatedStorageGiB: number;
    multiAz: boolean;
    backupRetentionDays: number;
    deletionProtection: boolean;
    performanceInsightsRetentionDays: number;
    monitoringIntervalSeconds: number;
    /** Key for storage, snapshots and Performance Insights. */
    dataKeyArn: pulumi.Input<string>;
    /** Key for the RDS-managed master password secret. */
    secretsKeyArn: pulumi.Input<string>;
    /**
     * The stack's shared inputs (components/context.ts);
     * its protection also keeps automated backups and takes a final snapshot on deletion.
     */
    context: PlatformContext;
    /**
     * Create the instance from automated backups (a DR stack's, replicated to its region) instead of
     * empty. Read only when the instance is created: a later change never replaces it. Default: none.
     */
    restore?: DatabaseRestore;
}

export interface DatabaseRestore {
    /** The automated backups (`arn:…:auto-backup:ab-…`) in the stack's region. */
    automatedBackupsArn: string;
    /**
     * The key the backups are encrypted with. The restored instance keeps it (RDS re-encrypts only
     * on a snapshot copy), so it is the instance's key: declaring another would ask for a replacement.
     */
    kmsKeyArn: string;
    /** `latest`, or a UTC time to the second within the backups' restore window. */
    time: string;
}

export class Database extends pulumi.ComponentResource {
    readonly address: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly instanceIdentifier: pulumi.Output<string>;
    /** The instance's ARN, which AWS Backup selections and backup replication name. */
    readonly arn: pulumi.Output<string>;
    /** The application database created with the instance. */
    readonly databaseName: pulumi.Output<string>;
    /** ARN of the secret RDS keeps the master credentials in. */
    readonly masterSecretArn: pulumi.Output<string>;
    /** Attach this group to whatever must reach the database. */
    readonly clientSecurityGroupId: pulumi.Output<string>;
    /** The instance's DbiResourceId, which IAM database authentication policies name. */
    readonly resourceId: pulumi.Output<string>;
    private readonly dbUserArnPrefix: pulumi.Output<string>;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:database:Database", name, {}, opts);
        const parent = { parent: this };
        const stateful = { parent: this, protect: args.context.protect, retainOnDelete: args.context.protect };

        const access = defineAccess(name, args, parent);
        const parameters = defineParameterGroup(name, args, parent);
        const monitoring = defineMonitoringRole(name, parent);
        const logGroups = defineLogGroups(name, args, stateful);
        const instance = defineInstance(name, args, { access, parameters, monitoring, logGroups }, stateful);

        this.address = instance.address;
        this.port = instance.port;
        this.instanceIdentifier = instance.identifier;
        this.arn = instance.arn;
        this.databaseName = instance.dbName;
        this.masterSecretArn = instance.masterUserSecrets.apply((secrets) => required(secrets?.[0]?.secretArn, "The RDS-managed master secret's ARN (masterUserSecrets[0].secretArn)"));
        this.clientSecurityGroupId = access.clients.id;
        this.resourceId = instance.resourceId;
        const partition = aws.getPartitionOutput({}, parent).partition;
        const region = aws.getRegionOutput({}, parent).region;
        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        this.dbUserArnPrefix = pulumi.interpolate`arn:${partition}:rds-db:${region}:${account}:dbuser:${instance.resourceId}`;
        this.registerOutputs({
            address: this.address,
            port: this.port,
            instanceIdentifier: this.instanceIdentifier,
            arn: this.arn,
            databaseName: this.databaseName,
            masterSecretArn: this.masterSecretArn,
            clientSecurityGroupId: this.clientSecurityGroupId,
            resourceId: this.resourceId,
        });
    }

    /**
     * The resource `rds-db:connect` names to let a principal log in as `user` on this instance only
     * (arn:${Partition}:rds-db:${Region}:${Account}:dbuser:${DbiResourceId}/${DbUserName}, per the
     * Service Authorization Reference for rds-db, checked 2026-12-01).
     */
    connectArnFor(user: string): pulumi.Output<string> {
        if (!/^[a-z_][a-z0-9_]*$/.test(user)) throw new Error(`database user must be a lower-case PostgreSQL identifier, got "${user}"`);
        return pulumi.interpolate`${this.dbUserArnPrefix}/${user}`;
    }
}

/** The subnet group and the two security groups: members of `clients` reach `server` on the PostgreSQL port, nothing else does. */
function defineAccess(name: string, args: DatabaseArgs, parent: { parent: pulumi.Resource }) {
    const subnetGroup = new aws.rds.SubnetGroup(name, {
        subnetIds: args.isolatedSubnetIds,
        description: "Isolated subnets of the clinical database",
    }, parent);
    const clients = new aws.ec2.SecurityGroup(`${name}-clients`, {
        vpcId: args.vpcId,
        description: "Members may connect to the clinical database",
        tags: { Name: `${name}-clients` },
    }, parent);
    const server = new aws.ec2.SecurityGroup(`${name}-server`, {
        vpcId: args.vpcId,
        description: "Clinical database; PostgreSQL from database clients only",
        tags: { Name: `${name}-server` },
    }, parent);
    new aws.vpc.SecurityGroupIngressRule(`${name}-from-clients`, {
        securityGroupId: server.id,
        referencedSecurityGroupId: clients.id,
        ipProtocol: "tcp",
        fromPort: POSTGRES_PORT,
        toPort: POSTGRES_PORT,
        description: "PostgreSQL from database clients",
    }, parent);
    new aws.vpc.SecurityGroupEgressRule(`${name}-clients-to-server`, {
        securityGroupId: clients.id,
        referencedSecurityGroupId: server.id,
        ipProtocol: "tcp",
        fromPort: POSTGRES_PORT,
        toPort: POSTGRES_PORT,
        description: "PostgreSQL to the clinical database",
    }, parent);
    return { subnetGroup, clients, server };
}

/** The parameter group of the engine's major version: TLS-only connections, connections and DDL audited. */
function defineParameterGroup(name: string, args: DatabaseArgs, parent: { parent: pulumi.Resource }): aws.rds.ParameterGroup {
    const major = args.engineVersion.split(".")[0];
    return new aws.rds.ParameterGroup(name, {
        family: `postgres${major}`,
        description: "TLS-only connections with connection and DDL auditing",
        parameters: [...POSTGRES_PARAMETERS],
    }, parent);
}

/** The enhanced-monitoring role and its policy attachment (the instance waits for both). */
function defineMonitoringRole(name: string, parent: { parent: pulumi.Resource }) {
    const role = new aws.iam.Role(`${name}-monitoring`, {
        // Only on behalf of this account's instances: Amazon RDS user guide, "Setting up and enabling
        // Enhanced Monitoring", section "Protecting against the confused deputy problem" (checked 2026-12-01).
        assumeRolePolicy: assumableBy("monitoring.rds.amazonaws.com", undefined, aws.getCallerIdentityOutput({}, parent).accountId),
        description: "Publishes RDS enhanced monitoring metrics",
    }, parent);
    const policy = new aws.iam.RolePolicyAttachment(`${name}-monitoring`, {
        role: role.name,
        policyArn: awsManagedPolicyArn("service-role/AmazonRDSEnhancedMonitoringRole", parent),
    }, parent);
    return { role, policy };
}

/** The log groups RDS exports to, created first so they have retention and encryption. */
function defineLogGroups(name: string, args: DatabaseArgs, stateful: pulumi.CustomResourceOptions): aws.cloudwatch.LogGroup[] {
    // RDS writes to these names.
    return POSTGRES_LOG_EXPORTS.map((logType) => new aws.cloudwatch.LogGroup(`${name}-${logType}`, {
        name: `/aws/rds/instance/${args.identifier}/${logType}`,
        retentionInDays: args.context.logs.retentionDays,
        kmsKeyId: args.context.logs.keyArn,
    }, stateful));
}

/** What the instance is placed in, configured with and waits for. */
interface InstanceParts {
    access: ReturnType<typeof defineAccess>;
    parameters: aws.rds.ParameterGroup;
    monitoring: ReturnType<typeof defineMonitoringRole>;
    logGroups: aws.cloudwatch.LogGroup[];
}

/** The PostgreSQL instance itself, new or restored from automated backups. */
function defineInstance(name: string, args: DatabaseArgs, { access, parameters, monitoring, logGroups }: InstanceParts, stateful: pulumi.CustomResourceOptions): aws.rds.Instance {
    return new aws.rds.Instance(name, {
        identifier: args.identifier,
        engine: "postgres",
        engineVersion: args.engineVersion,
        instanceClass: args.instanceClass,
        dbName: DATABASE_NAME,
        username: MASTER_USERNAME,
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: args.secretsKeyArn,
        iamDatabaseAuthenticationEnabled: true,
        allocatedStorage: args.allocatedStorageGiB,
        maxAllocatedStorage: args.maxAllocatedStorageGiB,
        storageType: "gp3",
        storageEncrypted: true,
        kmsKeyId: args.restore?.kmsKeyArn ?? args.dataKeyArn,
        restoreToPointInTime: args.restore === undefined ? undefined : {
            sourceDbInstanceAutomatedBackupsArn: args.restore.automatedBackupsArn,
            ...(args.restore.time === "latest" ? { useLatestRestorableTime: true } : { restoreTime: args.restore.time }),
        },
        dbSubnetGroupName: access.subnetGroup.name,
        vpcSecurityGroupIds: [access.server.id],
        publiclyAccessible: false,
        port: POSTGRES_PORT,
        parameterGroupName: parameters.name,
        caCertIdentifier: CA_CERTIFICATE,
        multiAz: args.multiAz,
        backupRetentionPeriod: args.backupRetentionDays,
        backupWindow: "03:00-04:00",
        maintenanceWindow: "sun:04:30-sun:05:30",
        copyTagsToSnapshot: true,
        deleteAutomatedBackups: !args.context.protect,
        deletionProtection: args.deletionProtection,
        skipFinalSnapshot: !args.context.protect,
        finalSnapshotIdentifier: args.context.protect ? `${args.identifier}-final` : undefined,
        autoMinorVersionUpgrade: true,
        allowMajorVersionUpgrade: false,
        enabledCloudwatchLogsExports: POSTGRES_LOG_EXPORTS,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: args.dataKeyArn,
        performanceInsightsRetentionPeriod: args.performanceInsightsRetentionDays,
        monitoringInterval: args.monitoringIntervalSeconds,
        monitoringRoleArn: monitoring.role.arn,
        // RDS refuses a monitoring role that lacks its policy ("IAM role ARN value is invalid or does
        // not include the required permissions for: ENHANCED_MONITORING").
    }, {
        ...stateful,
        dependsOn: [...logGroups, monitoring.policy],
        // The restore source is creation-only and forces a new instance: once the database exists,
        // editing or clearing it (the next restore's time, a rehearsal's leftovers) must not replace the data.
        ignoreChanges: ["restoreToPointInTime"],
    });
}
