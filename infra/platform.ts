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
import { Keys } from "../components/keys";
import { Network } from "../components/network";
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

export function definePlatform(config: StackConfig): PlatformOutputs {
    const prefix = `${config.project}-${config.stack}`;
    const tags = { ...config.tags };
    const protect = config.protectData;

    // The distribution is built last, but the assets bucket policy and the assets key's policy must
    // name it; only those two policies wait for it, never a key, a bucket or the database.
    const [distributionArn, resolveDistributionArn] = pulumi.deferredOutput<string>();
    // The cluster key's policy names the cluster role, and KMS refuses a principal that does not exist yet.
    const clusterRoles = new ClusterRoles("cluster-roles", {
        clusterName: prefix,
        tags,
        // Until 0.2.0 the role belonged to the control plane component.
        formerClusterRole: {
            name: "cluster-control-plane-cluster",
            parent: pulumi.createUrn("cluster-control-plane", "clinical-platform:cluster:ControlPlane", pulumi.createUrn("cluster", "clinical-platform:cluster:Cluster")),
        },
    });
    const keys = new Keys("keys", {
        aliasPrefix: prefix,
        assetsReaderDistributionArn: distributionArn,
        clusterRoleArn: clusterRoles.cluster.arn,
        protect,
        tags,
    });
    // Zones are picked by ID, not name: names map to different physical zones in each account.
    // Only the region's own zones: an opted-in Local Zone would sort first and take a subnet tier.
    const zones = aws.getAvailabilityZonesOutput({
        state: "available",
        excludeZoneIds: [...EKS_UNSUPPORTED_ZONE_IDS],
        filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    }).names;
    const network = new Network("network", {
        namePrefix: prefix,
        cidr: config.network.cidr,
        availabilityZones: zones,
        subnets: config.network.subnets,
        natGateways: config.network.natGateways,
        logsKeyArn: keys.logs.arn,
        logRetentionDays: config.logs.retentionDays,
        tags,
    });

    // The platform's functions (rotation, alert routing, release snapshots, rollback) run in the private subnets.
    const functionNetwork = { vpcId: network.vpcId, privateSubnetIds: network.privateSubnetIds };

    // The runner CI's deploys and previews run on, inside the VPC: the only way to the cluster's private API.
    const runner = new CiRunner("ci-runner", {
        projectName: `${prefix}-runner`,
        repository: config.ci.repository,
        connectionArn: config.ci.connectionArn,
        accountId: config.account.id,
        region: config.region,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        logsKeyArn: keys.logs.arn,
        logRetentionDays: config.logs.retentionDays,
        tags,
    });

    const storage = new Storage("storage", {
        region: config.region,
        dataKeyArn: keys.data.arn,
        assetsKeyArn: keys.assets.arn,
        cloudFrontLogSource: { region: EDGE_REGION, name: accessLogSourceName(prefix) },
        logRetentionDays: config.logs.retentionDays,
        assetsReaderDistributionArn: distributionArn,
        // The account bootstrap names every deploy role `<project>-deploy-<stack>` (bootstrap/documents.ts).
        assetsPublisher: { roleArn: config.ci.deployRoleArn, deployRoleNamePrefix: `${config.project}-deploy-` },
        protect,
        tags,
    });
    // The account's security baseline, in the one stack of the account (and region) that owns it. Its
    // buckets log their access to this stack's log bucket. The audit logs are locked where the stack holds PHI.
    if (config.account.ownsAccountResources || config.account.ownsRegionalResources) {
        new AccountBaseline("account", {
            accountId: config.account.id,
            region: config.region,
            namePrefix: prefix,
            accountWide: config.account.ownsAccountResources,
            retentionDays: config.logs.retentionDays,
            lockAuditLogs: config.tags.DataClassification === "phi",
            accessLogBucket: storage.logs.bucketName,
            accessLogBucketPolicy: storage.logs.policy,
            tags,
        });
    }
    const database = new Database("database", {
        identifier: prefix,
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
        logsKeyArn: keys.logs.arn,
        logRetentionDays: config.logs.retentionDays,
        protect,
        tags,
        ...(config.recovery.restore === undefined ? {} : { restore: config.recovery.restore }),
    });
    const secrets = new Secrets("secrets", {
        namePrefix: `${config.project}/${config.stack}`,
        secretsKeyArn: keys.secrets.arn,
        logsKeyArn: keys.logs.arn,
        logRetentionDays: config.logs.retentionDays,
        rotationDays: config.secrets.rotationDays,
        recoveryWindowDays: config.secrets.recoveryWindowDays,
        network: functionNetwork,
        protect,
        tags,
    });

    // Where the operator puts the token the automatic rollback dispatches the traffic workflow with.
    const rollbackToken = rollbackTokenSecret("auto-rollback-github-token", {
        secretNamePrefix: `${config.project}/${config.stack}`,
        repository: config.ci.repository,
        secretsKeyArn: keys.secrets.arn,
        recoveryWindowDays: config.secrets.recoveryWindowDays,
        protect,
        tags,
    });
    // Disaster recovery, in a stack that names a DR region: the database's automated backups and the
    // backups bucket replicated there, AWS Backup with copies there. It takes only stateful inputs.
    const recovery = config.recovery.drRegion === undefined ? undefined : new Recovery("recovery", {
        namePrefix: prefix,
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
        logRetentionDays: config.logs.retentionDays,
        protect,
        tags,
    });

    const cluster = new Cluster("cluster", {
        clusterName: prefix,
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
        logsKeyArn: keys.logs.arn,
        logRetentionDays: config.logs.retentionDays,
        deletionProtection: protect,
        tags,
    });

    // The API's database role exists before any API pod starts: its user name comes from the Job that creates it.
    const databaseRoles = new DatabaseRoles("database-roles", {
        region: config.region,
        clusterName: cluster.clusterName,
        provider: cluster.provider,
        runAfter: [cluster.secretsStore],
        database: { host: database.address, port: database.port, name: database.databaseName },
        masterSecretArn: database.masterSecretArn,
        secretsKeyArn: keys.secrets.arn,
        vpcCidr: network.vpcCidr,
        tags,
    });

    const service = new BlueGreenService("api", {
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
        deletionProtection: protect,
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
                ? { snapshot: { instanceIdentifier: database.instanceIdentifier, namePrefix: prefix, retainDays: config.release.snapshotRetentionDays } }
                : {}),
        },
        migrationsAfter: [databaseRoles],
        tags,
    });
    const edge = new Edge("edge", {
        namePrefix: prefix,
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
        logsKeyArn: keys.logs.arn,
        logRetentionDays: config.logs.retentionDays,
        requestsPerIpPerFiveMinutes: config.edge.requestsPerIpPerFiveMinutes,
        protect,
        tags,
    });
    resolveDistributionArn(edge.distributionArn);

    const alarms = new Alarms("alarms", {
        namePrefix: prefix,
        region: config.region,
        alerts: config.alerts,
        routeGuardDutyFindings: config.account.ownsAccountResources || config.account.ownsRegionalResources,
        network: functionNetwork,
        logsKeyArn: keys.logs.arn,
        secretsKeyArn: keys.secrets.arn,
        logRetentionDays: config.logs.retentionDays,
        loadBalancerArnSuffix: service.loadBalancerArnSuffix,
        slots: Object.fromEntries(SLOT_NAMES.map((slot) => [slot, {
            targetGroupArnSuffix: service.targetGroups[slot].arnSuffix,
            namespace: service.namespaces[slot],
        }])),
        clusterName: cluster.clusterName,
        databaseIdentifier: database.instanceIdentifier,
        databaseAllocatedStorageGiB: config.database.allocatedStorageGiB,
        thresholds: config.alarms,
        tags,
    });

    // Release snapshots are kept for their days, then deleted; the function exists wherever they are taken.
    if (config.release.snapshotBeforeMigration) {
        new ReleaseSnapshotExpiry("release-snapshots", {
            namePrefix: prefix,
            databaseIdentifier: database.instanceIdentifier,
            logsKeyArn: keys.logs.arn,
            alarmTopicArn: alarms.criticalTopicArn,
            logRetentionDays: config.logs.retentionDays,
            network: functionNetwork,
            tags,
        });
    }

    // When the candidate's release alarms fire, the listener returns to the stable slot without a
    // person, and the traffic workflow brings the stack file along (docs/runbooks/emergency-rollback.md).
    if (config.release.autoRollback) {
        new AutoRollback("auto-rollback", {
            namePrefix: prefix,
            stack: config.stack,
            tokenSecretArn: rollbackToken.arn,
            listenerArn: service.trafficListenerArn,
            stableSlot: config.app.stableSlot,
            targetGroupArns: Object.fromEntries(SLOT_NAMES.map((slot) => [slot, service.targetGroups[slot].arn])),
            repository: config.ci.repository,
            // Production's traffic workflow waits for a reviewer unless a rollback is break-glass.
            breakGlass: config.environment === "production",
            alarmTopicArn: alarms.criticalTopicArn,
            logsKeyArn: keys.logs.arn,
            secretsKeyArn: keys.secrets.arn,
            logRetentionDays: config.logs.retentionDays,
            network: functionNetwork,
            tags,
        });
    }

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
