/**
 * Composes the platform of one stack from its validated config, in the design's order: network, keys,
 * the CI runner, storage, the account baseline (in the one stack per account that owns it), database
 * and secrets, cluster, app slots, edge, alarms. Stateful resources (keys,
 * buckets, database, secrets) take nothing from the app slots, so a traffic or image change
 * cannot reach them.
 */
import * as aws from "../components/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccountBaseline } from "../components/account";
import { CiRunner } from "../components/ci-runner";
import { Alarms } from "../components/alarms";
import { AutoRollback, rollbackTokenSecret } from "../components/auto-rollback";
import { BlueGreenService, TEST_PORT } from "../components/blue-green";
import { Cluster, ClusterRoles } from "../components/cluster";
import { DATABASE_ROLES, Database } from "../components/database";
import { DatabaseRoles } from "../components/database-roles";
import { EDGE_REGION, Edge, accessLogSourceName } from "../components/edge";
import { FunctionNetwork } from "../components/function-network";
import { Keys } from "../components/keys";
import { Network } from "../components/network";
import { PlatformContext, ResourceContext } from "../components/context";
import { ReleaseSnapshotExpiry } from "../components/release-snapshots";
import { Recovery } from "../components/recovery";
import { Secrets } from "../components/secrets";
import { CLOUDFRONT_LOG_PREFIX, LOAD_BALANCER_LOG_PREFIX, Storage } from "../components/storage";
import { SLOT_NAMES, StackConfig } from "../stacks";
import { EKS_UNSUPPORTED_ZONE_IDS } from "../stacks/regions";

export interface PlatformOutputs {
    environment: string;
    region: string;
    vpcId: pulumi.Output<string>;
    databaseAddress: pulumi.Output<string>;
    databaseMasterSecretArn: pulumi.Output<string>;
    buckets: { assets: pulumi.Output<string>; logs: pulumi.Output<string>; backups: pulumi.Output<string> };
    clusterName: pulumi.Output<string>;
    loadBalancerDnsName: pulumi.Output<string>;
    /**
     * Where the smoke tests reach the candidate slot: `https://<domain>:<test port>`. The name does
     * not resolve to the load balancer; clients connect to loadBalancerDnsName and verify TLS
     * against the domain (curl --connect-to, or a TLS servername).
     */
    candidateTestUrl: string;
    distributionDomainName: pulumi.Output<string>;
    /** The assets bucket the front-end workflow publishes into. */
    assetsBucketName: pulumi.Output<string>;
    /** The distribution whose cache the front-end workflow invalidates. */
    distributionId: pulumi.Output<string>;
    /** The topic of each alarm severity; the deploy workflow publishes failed deploys to the critical one. */
    alarmTopicArns: { warning: pulumi.Output<string>; critical: pulumi.Output<string> };
    criticalAlarmTopicArn: pulumi.Output<string>;
    /** Where the DR copies are (absent without a DR region): docs/runbooks/restore.md reads them. */
    recovery?: { drRegion: string; drBucket: pulumi.Output<string>; vaults: { home: pulumi.Output<string>; dr: pulumi.Output<string> } };
    traffic: { stableSlot: string; weights: Record<string, number> };
}

/** The slot Deployments' rolling-update maxSurge (components/blue-green/slot.ts), in percent. */
const ROLLOUT_SURGE_PERCENT = 25;

/** What every step reads: the stack's config, the name prefix, and the tags and protection derived from it. */
interface Context {
    config: StackConfig;
    prefix: string;
    /** What the components built before the logs key (its cluster roles and the keys) share. */
    resources: ResourceContext;
}

/** What the network, keys, runner and buckets give every later step. */
interface Foundation {
    /** What every component built after the keys shares: tags, protection, the logs key and retention. */
    context: PlatformContext;
    clusterRoles: ClusterRoles;
    keys: Keys;
    network: Network;
    /** Where the platform's functions (rotation, alert routing, release snapshots, rollback) run: the private subnets. */
    functionNetwork: FunctionNetwork;
    runner: CiRunner;
    storage: Storage;
}

/** The stateful pieces: the database, the application secrets, the rollback token and the DR copies. */
interface Data {
    database: Database;
    secrets: Secrets;
    rollbackToken: aws.secretsmanager.Secret;
    recovery: Recovery | undefined;
}

/** The application on the cluster: its database roles and the blue/green service. */
interface Application {
    databaseRoles: DatabaseRoles;
    service: BlueGreenService;
}

export function definePlatform(config: StackConfig): PlatformOutputs {
    const ctx: Context = {
        config,
        prefix: `${config.project}-${config.stack}`,
        resources: { tags: { ...config.tags }, protect: config.protectData },
    };
    // The distribution is built last, but the assets bucket policy and the assets key's policy must
    // name it; only those two policies wait for it, never a key, a bucket or the database.
    const [distributionArn, resolveDistributionArn] = pulumi.deferredOutput<string>();

    const foundation = defineFoundation(ctx, distributionArn);
    const data = defineData(ctx, foundation);
    const cluster = defineCluster(ctx, foundation, data.database);
    const application = defineApplication(ctx, foundation, data, cluster);
    const edge = defineEdge(ctx, foundation, application.service);
    resolveDistributionArn(edge.distributionArn);
    const alarms = defineOperations(ctx, foundation, data, cluster, application.service);

    return platformOutputs(ctx, foundation, data, cluster, application.service, edge, alarms);
}

/** Roles, keys, network, CI runner, buckets and (where this stack owns it) the account baseline, in that order. */
function defineFoundation(ctx: Context, distributionArn: pulumi.Output<string>): Foundation {
    const clusterRoles = defineClusterRoles(ctx);
    const keys = defineKeys(ctx, clusterRoles, distributionArn);
    const context = platformContext(ctx, keys);
    const network = defineNetwork(ctx, context);
    const functionNetwork = { vpcId: network.vpcId, privateSubnetIds: network.privateSubnetIds };
    const runner = defineRunner(ctx, context, network);
    const storage = defineStorage(ctx, context, keys, distributionArn);
    defineAccountBaseline(ctx, context, storage);
    return { context, clusterRoles, keys, network, functionNetwork, runner, storage };
}

/** The cluster's IAM roles, created before the keys because the cluster key's policy names the cluster role. */
function defineClusterRoles(ctx: Context): ClusterRoles {
    // KMS refuses a principal that does not exist yet.
    return new ClusterRoles("cluster-roles", {
        clusterName: ctx.prefix,
        context: ctx.resources,
        // Until 0.2.0 the role belonged to the control plane component.
        formerClusterRole: {
            name: "cluster-control-plane-cluster",
            parent: pulumi.createUrn("cluster-control-plane", "clinical-platform:cluster:ControlPlane", pulumi.createUrn("cluster", "clinical-platform:cluster:Cluster")),
        },
    });
}

/** The customer-managed keys; the assets key's policy names the distribution that is built last. */
function defineKeys(ctx: Context, clusterRoles: ClusterRoles, distributionArn: pulumi.Output<string>): Keys {
    return new Keys("keys", {
        aliasPrefix: ctx.prefix,
        assetsReaderDistributionArn: distributionArn,
        clusterRoleArn: clusterRoles.cluster.arn,
        context: ctx.resources,
    });
}

/** The shared inputs of every later component, built once the logs key exists. */
function platformContext(ctx: Context, keys: Keys): PlatformContext {
    return { ...ctx.resources, logs: { keyArn: keys.logs.arn, retentionDays: ctx.config.logs.retentionDays } };
}

/** The VPC and its subnet tiers across the region's own zones. */
function defineNetwork(ctx: Context, context: PlatformContext): Network {
    const { config } = ctx;
    // Zones are picked by ID, not name: names map to different physical zones in each account.
    // Only the region's own zones: an opted-in Local Zone would sort first and take a subnet tier.
    const zones = aws.getAvailabilityZonesOutput({
        state: "available",
        excludeZoneIds: [...EKS_UNSUPPORTED_ZONE_IDS],
        filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    }).names;
    return new Network("network", {
        namePrefix: ctx.prefix,
        cidr: config.network.cidr,
        availabilityZones: zones,
        subnets: config.network.subnets,
        natGateways: config.network.natGateways,
        context,
    });
}

/** The runner CI's deploys and previews run on, inside the VPC: the only way to the cluster's private API. */
function defineRunner(ctx: Context, context: PlatformContext, network: Network): CiRunner {
    const { config } = ctx;
    return new CiRunner("ci-runner", {
        projectName: `${ctx.prefix}-runner`,
        repository: config.ci.repository,
        connectionArn: config.ci.connectionArn,
        accountId: config.account.id,
        region: config.region,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        context,
    });
}

/** The assets, logs and backups buckets. */
function defineStorage(ctx: Context, context: PlatformContext, keys: Keys, distributionArn: pulumi.Output<string>): Storage {
    const { config } = ctx;
    return new Storage("storage", {
        region: config.region,
        dataKeyArn: keys.data.arn,
        assetsKeyArn: keys.assets.arn,
        cloudFrontLogSource: { region: EDGE_REGION, name: accessLogSourceName(ctx.prefix) },
        assetsReaderDistributionArn: distributionArn,
        // The account bootstrap names every deploy role `<project>-deploy-<stack>` (bootstrap/documents.ts).
        assetsPublisher: { roleArn: config.ci.deployRoleArn, deployRoleNamePrefix: `${config.project}-deploy-` },
        context,
    });
}

/** The account's security baseline, only in the one stack of the account (and region) that owns it. */
function defineAccountBaseline(ctx: Context, context: PlatformContext, storage: Storage): void {
    const { config } = ctx;
    if (!config.account.ownsAccountResources && !config.account.ownsRegionalResources) return;
    // Its buckets log their access to this stack's log bucket. The audit logs are locked where the stack holds PHI.
    new AccountBaseline("account", {
        accountId: config.account.id,
        region: config.region,
        namePrefix: ctx.prefix,
        accountWide: config.account.ownsAccountResources,
        lockAuditLogs: config.tags.DataClassification === "phi",
        accessLogBucket: storage.logs.bucketName,
        accessLogBucketPolicy: storage.logs.policy,
        context,
    });
}

/** Database, application secrets, the rollback token's secret and disaster recovery: stateful inputs only. */
function defineData(ctx: Context, foundation: Foundation): Data {
    const database = defineDatabase(ctx, foundation);
    const secrets = defineSecrets(ctx, foundation);
    const rollbackToken = defineRollbackToken(ctx, foundation.keys);
    const recovery = defineRecovery(ctx, foundation, database);
    return { database, secrets, rollbackToken, recovery };
}

/** The RDS PostgreSQL instance in the isolated subnets (restored from backups when the config says so). */
function defineDatabase(ctx: Context, { context, keys, network }: Foundation): Database {
    const { config } = ctx;
    return new Database("database", {
        identifier: ctx.prefix,
        vpcId: network.vpcId,
        isolatedSubnetIds: network.isolatedSubnetIds,
        instanceClass: config.database.instanceClass,
        engineVersion: config.database.engineVersion,
        allocatedStorageGiB: config.database.allocatedStorageGiB,
        maxAllocatedStorageGiB: config.database.maxAllocatedStorageGiB,
        multiAz: config.database.multiAz,
        backupRetentionDays: config.database.backupRetentionDays,
        deletionProtection: config.database.deletionProtection,
        performanceInsightsRetentionDays: config.database.performanceInsightsRetentionDays,
        monitoringIntervalSeconds: config.database.monitoringIntervalSeconds,
        dataKeyArn: keys.data.arn,
        secretsKeyArn: keys.secrets.arn,
        context,
        ...(config.recovery.restore === undefined ? {} : { restore: config.recovery.restore }),
    });
}

/** The application secrets in Secrets Manager, with their rotation functions. */
function defineSecrets(ctx: Context, { context, keys, functionNetwork }: Foundation): Secrets {
    const { config } = ctx;
    return new Secrets("secrets", {
        namePrefix: `${config.project}/${config.stack}`,
        secretsKeyArn: keys.secrets.arn,
        rotationDays: config.secrets.rotationDays,
        recoveryWindowDays: config.secrets.recoveryWindowDays,
        network: functionNetwork,
        context,
    });
}

/** Where the operator puts the token the automatic rollback dispatches the traffic workflow with. */
function defineRollbackToken(ctx: Context, keys: Keys): aws.secretsmanager.Secret {
    const { config } = ctx;
    return rollbackTokenSecret("auto-rollback-github-token", {
        secretNamePrefix: `${config.project}/${config.stack}`,
        repository: config.ci.repository,
        secretsKeyArn: keys.secrets.arn,
        recoveryWindowDays: config.secrets.recoveryWindowDays,
        context: ctx.resources,
    });
}

/** Disaster recovery in a stack that names a DR region: database backups, the backups bucket and AWS Backup copies there. */
function defineRecovery(ctx: Context, { context, keys, storage }: Foundation, database: Database): Recovery | undefined {
    const { config } = ctx;
    if (config.recovery.drRegion === undefined) return undefined;
    return new Recovery("recovery", {
        namePrefix: ctx.prefix,
        accountId: config.account.id,
        homeRegion: config.region,
        drRegion: config.recovery.drRegion,
        database: { arn: database.arn, engineVersion: config.database.engineVersion, backupRetentionDays: config.database.backupRetentionDays },
        buckets: {
            backups: { bucketName: storage.backups.bucketName, arn: storage.backups.arn, resource: storage.backups },
            assets: { arn: storage.assets.arn },
        },
        dataKeyArn: keys.data.arn,
        backup: {
            intervalHours: config.recovery.backupIntervalHours,
            retentionDays: config.recovery.backupRetentionDays,
            vaultLock: config.recovery.vaultLock,
        },
        context,
    });
}

/** The EKS cluster, its nodes sized so every slot's autoscaler ceiling fits, reachable from the runner. */
function defineCluster(ctx: Context, { context, clusterRoles, keys, network, runner }: Foundation, database: Database): Cluster {
    const { config } = ctx;
    return new Cluster("cluster", {
        clusterName: ctx.prefix,
        version: config.cluster.version,
        addonBuilds: config.cluster.addons,
        region: config.region,
        roles: clusterRoles,
        privateSubnetIds: network.privateSubnetIds,
        publicAccessCidrs: config.cluster.publicAccessCidrs,
        serviceCidr: config.cluster.serviceCidr,
        adminRoleArn: config.cluster.adminRoleArn,
        ci: { deployRoleArn: config.ci.deployRoleArn, previewRoleArn: config.ci.previewRoleArn },
        apiClientSecurityGroupId: runner.securityGroupId,
        nodeSecurityGroupIds: [database.clientSecurityGroupId],
        nodes: config.cluster.nodes,
        ceiling: {
            slots: SLOT_NAMES.length,
            maxReplicas: config.app.maxReplicas,
            surgePercent: ROLLOUT_SURGE_PERCENT,
            cpuRequest: config.app.cpuRequest,
            // The slots request as much memory as their limit.
            memoryRequest: config.app.memoryLimit,
        },
        clusterKeyArn: keys.cluster.arn,
        deletionProtection: context.protect,
        context,
    });
}

/** The API's database roles, then the blue/green service whose pods log in as them. */
function defineApplication(ctx: Context, foundation: Foundation, data: Data, cluster: Cluster): Application {
    const databaseRoles = defineDatabaseRoles(ctx, foundation, data.database, cluster);
    const service = defineService(ctx, foundation, data, cluster, databaseRoles);
    return { databaseRoles, service };
}

/** The Job that creates the API's and the migrator's database roles, before any API pod starts. */
function defineDatabaseRoles(ctx: Context, { context, keys, network }: Foundation, database: Database, cluster: Cluster): DatabaseRoles {
    // The API's user name comes from this Job.
    return new DatabaseRoles("database-roles", {
        region: ctx.config.region,
        clusterName: cluster.clusterName,
        provider: cluster.provider,
        runAfter: [cluster.secretsStore],
        database: { host: database.address, port: database.port, name: database.databaseName },
        masterSecretArn: database.masterSecretArn,
        secretsKeyArn: keys.secrets.arn,
        vpcCidr: network.vpcCidr,
        context,
    });
}

/** The blue/green slots behind one load balancer listener, with the release's migration Job. */
function defineService(ctx: Context, { context, keys, network, runner, storage }: Foundation, { database, secrets }: Data, cluster: Cluster, databaseRoles: DatabaseRoles): BlueGreenService {
    const { config } = ctx;
    return new BlueGreenService("api", {
        region: config.region,
        vpcId: network.vpcId,
        vpcCidr: network.vpcCidr,
        privateSubnetIds: network.privateSubnetIds,
        privateSubnetCidrs: config.network.subnets.private,
        certificateArn: config.certificates.regionalArn,
        accessLogBucket: storage.logs.bucketName,
        accessLogBucketPolicy: storage.logs.policy,
        accessLogPrefix: LOAD_BALANCER_LOG_PREFIX,
        // Wherever data is protected (staging, production), the entry point to it is too.
        deletionProtection: context.protect,
        cluster: {
            name: cluster.clusterName,
            nodeSecurityGroupId: cluster.nodeSecurityGroupId,
            provider: cluster.provider,
            workloadsReady: cluster.workloadsReady,
            secretsStore: cluster.secretsStore,
        },
        slots: config.app.slots,
        stableSlot: config.app.stableSlot,
        // The runner runs the smoke tests, so it alone reaches the candidate's test listener.
        testClientSecurityGroupId: runner.securityGroupId,
        replicas: config.app.replicas,
        warmReplicas: config.app.warmReplicas,
        maxReplicas: config.app.maxReplicas,
        resources: { cpuRequest: config.app.cpuRequest, cpuLimit: config.app.cpuLimit, memoryLimit: config.app.memoryLimit },
        database: {
            host: database.address,
            port: database.port,
            name: database.databaseName,
            user: databaseRoles.apiUser,
            connectArn: database.connectArnFor(DATABASE_ROLES.api),
        },
        secrets: { applicationSecretArns: secrets.arns },
        secretsKeyArn: keys.secrets.arn,
        settings: {
            nodeEnv: config.application.nodeEnv,
            logLevel: config.application.logLevel,
            publicUrl: config.application.publicUrl,
            apiUrl: config.application.apiUrl,
            enableNewFeatures: config.application.enableNewFeatures,
            debugMode: config.application.debugMode,
        },
        migration: {
            command: config.release.migrationCommand,
            timeoutMinutes: config.release.migrationTimeoutMinutes,
            user: databaseRoles.migratorUser,
            connectArn: database.connectArnFor(DATABASE_ROLES.migrator),
            ...(config.release.snapshotBeforeMigration
                ? { snapshot: { instanceIdentifier: database.instanceIdentifier, namePrefix: ctx.prefix, retainDays: config.release.snapshotRetentionDays } }
                : {}),
        },
        migrationsAfter: [databaseRoles],
        context,
    });
}

/** CloudFront and WAF in front of the assets bucket and the load balancer. */
function defineEdge(ctx: Context, { context, network, storage }: Foundation, service: BlueGreenService): Edge {
    const { config } = ctx;
    return new Edge("edge", {
        namePrefix: ctx.prefix,
        accountId: config.account.id,
        domain: config.domain,
        certificateArn: config.certificates.edgeArn,
        region: config.region,
        vpcId: network.vpcId,
        assets: { regionalDomainName: storage.assets.regionalDomainName },
        accessLogs: { bucketArn: storage.logs.arn, prefix: CLOUDFRONT_LOG_PREFIX, bucketPolicy: storage.logs.policy },
        loadBalancer: {
            arn: service.loadBalancerArn,
            dnsName: service.loadBalancerDnsName,
            securityGroupId: service.loadBalancerSecurityGroupId,
        },
        requestsPerIpPerFiveMinutes: config.edge.requestsPerIpPerFiveMinutes,
        context,
    });
}

/** Alarms and their routes, then the release-snapshot expiry and the automatic rollback that act on them. */
function defineOperations(ctx: Context, foundation: Foundation, data: Data, cluster: Cluster, service: BlueGreenService): Alarms {
    const alarms = defineAlarms(ctx, foundation, data.database, cluster, service);
    defineReleaseSnapshotExpiry(ctx, foundation, data.database, alarms);
    defineAutoRollback(ctx, foundation, data.rollbackToken, service, alarms);
    return alarms;
}

/** The alarm topics, the platform's and per-slot alarms, and the routes to e-mail, Slack and PagerDuty. */
function defineAlarms(ctx: Context, { context, keys, functionNetwork }: Foundation, database: Database, cluster: Cluster, service: BlueGreenService): Alarms {
    const { config } = ctx;
    return new Alarms("alarms", {
        namePrefix: ctx.prefix,
        region: config.region,
        alerts: config.alerts,
        routeGuardDutyFindings: config.account.ownsAccountResources || config.account.ownsRegionalResources,
        network: functionNetwork,
        secretsKeyArn: keys.secrets.arn,
        loadBalancerArnSuffix: service.loadBalancerArnSuffix,
        slots: Object.fromEntries(SLOT_NAMES.map((slot) => [slot, {
            targetGroupArnSuffix: service.targetGroups[slot].arnSuffix,
            namespace: service.namespaces[slot],
        }])),
        clusterName: cluster.clusterName,
        databaseIdentifier: database.instanceIdentifier,
        databaseAllocatedStorageGiB: config.database.allocatedStorageGiB,
        thresholds: config.alarms,
        context,
    });
}

/** Release snapshots are kept for their days, then deleted; the function exists wherever they are taken. */
function defineReleaseSnapshotExpiry(ctx: Context, { context, functionNetwork }: Foundation, database: Database, alarms: Alarms): void {
    const { config } = ctx;
    if (!config.release.snapshotBeforeMigration) return;
    new ReleaseSnapshotExpiry("release-snapshots", {
        namePrefix: ctx.prefix,
        databaseIdentifier: database.instanceIdentifier,
        alarmTopicArn: alarms.criticalTopicArn,
        network: functionNetwork,
        context,
    });
}

/** When the candidate's release alarms fire, returns the listener to the stable slot without a person. */
function defineAutoRollback(ctx: Context, { context, keys, functionNetwork }: Foundation, rollbackToken: aws.secretsmanager.Secret, service: BlueGreenService, alarms: Alarms): void {
    const { config } = ctx;
    if (!config.release.autoRollback) return;
    // The traffic workflow brings the stack file along (docs/runbooks/emergency-rollback.md).
    new AutoRollback("auto-rollback", {
        namePrefix: ctx.prefix,
        stack: config.stack,
        tokenSecretArn: rollbackToken.arn,
        listenerArn: service.trafficListenerArn,
        stableSlot: config.app.stableSlot,
        targetGroupArns: Object.fromEntries(SLOT_NAMES.map((slot) => [slot, service.targetGroups[slot].arn])),
        repository: config.ci.repository,
        // Production's traffic workflow waits for a reviewer unless a rollback is break-glass.
        breakGlass: config.environment === "production",
        alarmTopicArn: alarms.criticalTopicArn,
        secretsKeyArn: keys.secrets.arn,
        network: functionNetwork,
        context,
    });
}

/** The stack outputs: what operators, workflows and runbooks read. */
function platformOutputs(ctx: Context, { network, storage }: Foundation, { database, recovery }: Data, cluster: Cluster, service: BlueGreenService, edge: Edge, alarms: Alarms): PlatformOutputs {
    const { config } = ctx;
    return {
        environment: config.environment,
        region: config.region,
        vpcId: network.vpcId,
        databaseAddress: database.address,
        databaseMasterSecretArn: database.masterSecretArn,
        buckets: { assets: storage.assets.bucketName, logs: storage.logs.bucketName, backups: storage.backups.bucketName },
        clusterName: cluster.clusterName,
        loadBalancerDnsName: service.loadBalancerDnsName,
        candidateTestUrl: `https://${config.domain}:${TEST_PORT}`,
        distributionDomainName: edge.distributionDomainName,
        assetsBucketName: storage.assets.bucketName,
        distributionId: edge.distributionId,
        alarmTopicArns: alarms.topicArns,
        criticalAlarmTopicArn: alarms.criticalTopicArn,
        ...(recovery && config.recovery.drRegion
            ? { recovery: { drRegion: config.recovery.drRegion, drBucket: recovery.drBucketName, vaults: recovery.vaultNames } }
            : {}),
        traffic: {
            stableSlot: config.app.stableSlot,
            weights: Object.fromEntries(Object.entries(config.app.slots).map(([slot, { weight }]) => [slot, weight])),
        },
    };
}
