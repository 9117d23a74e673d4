/**
 * Composes the platform of one stack from its validated config. Stateful resources (keys,
 * buckets, database, secrets) take nothing from the app slots, so a traffic or image change
 * cannot reach them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Database } from "../components/database";
import { Keys } from "../components/keys";
import { Network } from "../components/network";
import { Secrets } from "../components/secrets";
import { Storage } from "../components/storage";
import { StackConfig } from "../stacks";

export interface PlatformOutputs {
    environment: string;
    region: string;
    vpcId: pulumi.Output<string>;
    databaseAddress: pulumi.Output<string>;
    databaseMasterSecretArn: pulumi.Output<string>;
    buckets: { assets: pulumi.Output<string>; logs: pulumi.Output<string>; backups: pulumi.Output<string> };
    traffic: { stableSlot: string; weights: Record<string, number> };
}

export function definePlatform(config: StackConfig): PlatformOutputs {
    const prefix = `${config.project}-${config.environment}`;
    const tags = { ...config.tags };
    const protect = config.protectData;

    const keys = new Keys("keys", { aliasPrefix: prefix, protect, tags });
    const zones = aws.getAvailabilityZonesOutput({ state: "available" }).names;
    const network = new Network("network", {
        cidr: config.network.cidr,
        availabilityZones: zones,
        subnets: config.network.subnets,
        natGateways: config.network.natGateways,
        logsKeyArn: keys.logs.arn,
        logRetentionDays: config.logs.retentionDays,
        tags,
    });

    const storage = new Storage("storage", {
        region: config.region,
        dataKeyArn: keys.data.arn,
        logRetentionDays: config.logs.retentionDays,
        protect,
        tags,
    });
    const database = new Database("database", {
        identifier: prefix,
        vpcId: network.vpcId,
        isolatedSubnetIds: network.isolatedSubnetIds,
        ...config.database,
        dataKeyArn: keys.data.arn,
        secretsKeyArn: keys.secrets.arn,
        logsKeyArn: keys.logs.arn,
        logRetentionDays: config.logs.retentionDays,
        protect,
        tags,
    });
    new Secrets("secrets", {
        namePrefix: `${config.project}/${config.environment}`,
        secretsKeyArn: keys.secrets.arn,
        logsKeyArn: keys.logs.arn,
        logRetentionDays: config.logs.retentionDays,
        rotationDays: config.environment === "production" ? 30 : 90,
        recoveryWindowDays: protect ? 30 : 7,
        protect,
        tags,
    });

    return {
        environment: config.environment,
        region: config.region,
        vpcId: network.vpcId,
        databaseAddress: database.address,
        databaseMasterSecretArn: database.masterSecretArn,
        buckets: { assets: storage.assets.bucketName, logs: storage.logs.bucketName, backups: storage.backups.bucketName },
        traffic: {
            stableSlot: config.app.stableSlot,
            weights: Object.fromEntries(Object.entries(config.app.slots).map(([slot, { weight }]) => [slot, weight])),
        },
    };
}
