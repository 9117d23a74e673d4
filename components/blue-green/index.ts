/**
 * The clinical API as two slots behind one load balancer. The weights go to the HTTPS listener
 * only; each slot's image goes to that slot's Deployment only. A slot's size follows its role, not
 * its weight: the stable slot runs the full count, so a rollback needs no scale-up; the other slot
 * keeps the warm count and its autoscaler grows it while it takes a canary share.
 */
import * as aws from "../aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SLOT_NAMES, SlotName } from "./slots";
import { assumableThroughPodIdentity, grantToRole } from "../iam";
import { LoadBalancerController } from "./controller";
import { SlotLoadBalancer, SlotTargetGroup } from "./load-balancer";
import { MIGRATION_NAME, MigrationJob, MigrationSettings } from "./migration";
import { APP_NAME, AppSlot, SlotSecrets } from "./slot";
import { ApplicationSettings } from "./workload";
import { PlatformContext } from "../context";

export { APP_PORT, READINESS_PATH, TEST_PORT, TLS_POLICY } from "./load-balancer";
export { APP_NAME } from "./slot";
export { MIGRATION_NAME, RELEASE_TAG, RETAIN_DAYS_TAG } from "./migration";
export type { MigrationSettings } from "./migration";
export { HEALTH_PATHS, SETTINGS_CONFIG_MAP, SETTINGS_HASH_ANNOTATION } from "./workload";
export type { ApplicationSettings } from "./workload";

export interface SlotSpec {
    /** Pinned container image; absent for a slot never staged. */
    image?: string;
    /** Share of traffic, 0–100; the weights of all slots sum to 100. */
    weight: number;
}

export interface BlueGreenServiceArgs {
    /** The stack's region. */
    region: string;
    /** The VPC the load balancer and target groups are in. */
    vpcId: pulumi.Input<string>;
    /** Its address block; the slots reach the database within it. */
    vpcCidr: string;
    /** Private subnets, one per zone, for the internal load balancer. */
    privateSubnetIds: pulumi.Input<string>[];
    /** Address blocks of those subnets; the slots' network policies admit requests from these only. */
    privateSubnetCidrs: readonly string[];
    /** Regional ACM certificate for the HTTPS listener. */
    certificateArn: string;
    /** Bucket receiving load-balancer access logs. */
    accessLogBucket: pulumi.Input<string>;
    /** That bucket's policy, granting log delivery; the load balancer turns logging on only after it. */
    accessLogBucketPolicy: pulumi.Resource;
    /** Key prefix of those logs; the bucket policy grants delivery under it. */
    accessLogPrefix: string;
    /** Refuse deletion of the load balancer in AWS. */
    deletionProtection: boolean;
    /** The cluster the slots run in. */
    cluster: {
        /** EKS cluster name. */
        name: pulumi.Input<string>;
        /** The group pods are in. */
        nodeSecurityGroupId: pulumi.Input<string>;
        /** Provider every Kubernetes object goes through. */
        provider: k8s.Provider;
        /** Nodes and add-ons. */
        workloadsReady: pulumi.Resource[];
        /** The Secrets Store CSI driver release. */
        secretsStore: pulumi.Resource;
    };
    /** Image and weight per slot. */
    slots: Readonly<Record<SlotName, SlotSpec>>;
    /** The slot a rollback sends all traffic to; it runs at full size. */
    stableSlot: SlotName;
    /** The group admitted to the test listener, which reaches the candidate slot: the CI runner's. */
    testClientSecurityGroupId: pulumi.Input<string>;
    /** Floor of the stable slot's autoscaler: the count it runs at least. */
    replicas: number;
    /** Floor of the other slot's autoscaler: the count it keeps ready. */
    warmReplicas: number;
    /** Ceiling of either slot's autoscaler. */
    maxReplicas: number;
    /** Container CPU request and limits; memory is requested at its limit. */
    resources: { cpuRequest: string; cpuLimit: string; memoryLimit: string };
    /**
     * Where the API connects: `user` is its own role, and `connectArn` the `rds-db:connect` resource
     * for exactly that user on this instance (IAM database authentication; no password anywhere).
     */
    database: { host: pulumi.Input<string>; port: pulumi.Input<number>; name: pulumi.Input<string>; user: pulumi.Input<string>; connectArn: pulumi.Input<string> };
    /** Secrets Manager ARNs the pods may read. */
    secrets: SlotSecrets;
    /** Key the secrets are encrypted with; the pods may decrypt through Secrets Manager only. */
    secretsKeyArn: pulumi.Input<string>;
    /** The API's per-environment settings (NODE_ENV, log level, public URLs, feature flags), the same in both slots. */
    settings: ApplicationSettings;
    /**
     * Each release's migration: its command and deadline, the schema owner it logs in as, and in
     * production the snapshot before it. It runs in every slot that has an image.
     */
    migration: MigrationSettings;
    /** What every migration waits for: the Job that creates the database roles. */
    migrationsAfter: pulumi.Resource[];
    /** The stack's shared inputs: tags and protection, the logs key and retention (components/context.ts). */
    context: PlatformContext;
}

/** The API pods' role and its policy. */
interface ApiRole {
    role: aws.iam.Role;
    permissions: pulumi.Resource;
}

/** What the slots are built on. */
interface SlotParts {
    namespaces: Record<SlotName, string>;
    loadBalancer: SlotLoadBalancer;
    controller: LoadBalancerController;
    api: ApiRole;
    rolloutAfter: Record<SlotName, Promise<pulumi.Resource[]>>;
}

export class BlueGreenService extends pulumi.ComponentResource {
    readonly loadBalancerArn: pulumi.Output<string>;
    readonly loadBalancerArnSuffix: pulumi.Output<string>;
    readonly loadBalancerDnsName: pulumi.Output<string>;
    readonly loadBalancerSecurityGroupId: pulumi.Output<string>;
    readonly targetGroups: Record<SlotName, SlotTargetGroup>;
    /** ARN of the weighted HTTPS listener, the one resource a traffic change updates. */
    readonly trafficListenerArn: pulumi.Output<string>;
    /** ARN of the test listener, which forwards everything to the candidate slot. */
    readonly testListenerArn: pulumi.Output<string>;
    /** Namespace of each slot. */
    readonly namespaces: Record<SlotName, string>;

    constructor(name: string, args: BlueGreenServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:blue-green:BlueGreenService", name, {}, opts);
        const namespaces = Object.fromEntries(SLOT_NAMES.map((slot) => [slot, `clinical-${slot}`])) as Record<SlotName, string>;

        // The listener is declared first (the slots' pods wait for it) but forwards only once every
        // slot's binding exists; the bindings are declared with the slots, below.
        let bindingsDeclared!: (bindings: pulumi.Resource[]) => void;
        const bindings = new Promise<pulumi.Resource[]>((resolve) => { bindingsDeclared = resolve; });
        const loadBalancer = this.defineLoadBalancer(name, args, bindings);
        const controller = this.defineController(name, args, loadBalancer);
        const api = this.defineApiRole(name, args, namespaces);

        // Each slot's pods wait for its release's migration, declared once the slot's namespace exists.
        const migrated = {} as Record<SlotName, (jobs: pulumi.Resource[]) => void>;
        const rolloutAfter = Object.fromEntries(SLOT_NAMES.map((slot) =>
            [slot, new Promise<pulumi.Resource[]>((resolve) => { migrated[slot] = resolve; })])) as Record<SlotName, Promise<pulumi.Resource[]>>;

        const slots = this.defineSlots(name, args, { namespaces, loadBalancer, controller, api, rolloutAfter });
        const migrations = this.migrate(name, args, namespaces, Object.fromEntries(SLOT_NAMES.map((slot, i) => [slot, slots[i]])) as Record<SlotName, AppSlot>, migrated);
        // The listener also waits for every release's migration: a change that stages a release and
        // moves weight in one `pulumi up` moves no traffic unless the migration succeeded.
        bindingsDeclared([...slots.map((slot) => slot.binding), ...migrations]);

        this.loadBalancerArn = loadBalancer.arn;
        this.loadBalancerArnSuffix = loadBalancer.arnSuffix;
        this.loadBalancerDnsName = loadBalancer.dnsName;
        this.loadBalancerSecurityGroupId = loadBalancer.securityGroupId;
        this.targetGroups = loadBalancer.targetGroups;
        this.trafficListenerArn = loadBalancer.trafficListener.arn;
        this.testListenerArn = loadBalancer.testListener.arn;
        this.namespaces = namespaces;
        this.registerOutputs({
            loadBalancerArn: this.loadBalancerArn,
            loadBalancerArnSuffix: this.loadBalancerArnSuffix,
            loadBalancerDnsName: this.loadBalancerDnsName,
            loadBalancerSecurityGroupId: this.loadBalancerSecurityGroupId,
            targetGroups: this.targetGroups,
            trafficListenerArn: this.trafficListenerArn,
            testListenerArn: this.testListenerArn,
            namespaces: this.namespaces,
        });
    }

    /** The internal load balancer: the weighted listener forwards once `forwardAfter` (bindings, migrations) resolves. */
    private defineLoadBalancer(name: string, args: BlueGreenServiceArgs, forwardAfter: Promise<pulumi.Resource[]>): SlotLoadBalancer {
        return new SlotLoadBalancer(`${name}-lb`, {
            vpcId: args.vpcId,
            subnetIds: args.privateSubnetIds,
            certificateArn: args.certificateArn,
            accessLogBucket: args.accessLogBucket,
            accessLogBucketPolicy: args.accessLogBucketPolicy,
            accessLogPrefix: args.accessLogPrefix,
            deletionProtection: args.deletionProtection,
            podSecurityGroupId: args.cluster.nodeSecurityGroupId,
            weights: Object.fromEntries(SLOT_NAMES.map((slot) => [slot, args.slots[slot].weight])) as Record<SlotName, number>,
            candidateSlot: SLOT_NAMES.find((slot) => slot !== args.stableSlot) as SlotName,
            testClientSecurityGroupId: args.testClientSecurityGroupId,
            forwardAfter,
            context: args.context,
        }, { parent: this });
    }

    /** The AWS Load Balancer Controller, which registers the slots' pods in their target groups. */
    private defineController(name: string, args: BlueGreenServiceArgs, loadBalancer: SlotLoadBalancer): LoadBalancerController {
        return new LoadBalancerController(`${name}-lb-controller`, {
            clusterName: args.cluster.name,
            region: args.region,
            vpcId: args.vpcId,
            targetGroupArns: SLOT_NAMES.map((slot) => loadBalancer.targetGroups[slot].arn),
            provider: args.cluster.provider,
            runAfter: args.cluster.workloadsReady,
            context: args.context,
        }, { parent: this });
    }

    /** The API pods' role (Pod Identity, both slots' namespaces): read their secrets and log in as the API's database user. */
    private defineApiRole(name: string, args: BlueGreenServiceArgs, namespaces: Record<SlotName, string>): ApiRole {
        const secretArns = Object.values(args.secrets.applicationSecretArns);
        const parent = { parent: this };
        const role = new aws.iam.Role(`${name}-api`, {
            assumeRolePolicy: assumableThroughPodIdentity({ clusterName: args.cluster.name, namespaces: Object.values(namespaces), serviceAccount: APP_NAME }),
            description: "Clinical API pods: read their own secrets",
        }, parent);
        const permissions = grantToRole(this, `${name}-api`, role, [
            { Sid: "ReadApiSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: secretArns },
            {
                Sid: "DecryptThroughSecretsManager",
                Effect: "Allow",
                Action: "kms:Decrypt",
                Resource: args.secretsKeyArn,
                Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${args.region}.amazonaws.com` } },
            },
            { Sid: "ConnectAsApiDatabaseUser", Effect: "Allow", Action: "rds-db:connect", Resource: args.database.connectArn },
        ]);
        return { role, permissions };
    }

    /** One AppSlot per slot, sized by its role (stable or warm), its pods waiting for its release's migration. */
    private defineSlots(name: string, args: BlueGreenServiceArgs, parts: SlotParts): AppSlot[] {
        const { namespaces, loadBalancer, controller, api, rolloutAfter } = parts;
        return SLOT_NAMES.map((slot) => {
            const spec = args.slots[slot];
            return new AppSlot(`${name}-${slot}`, {
                slot,
                namespace: namespaces[slot],
                image: spec.image,
                minReplicas: slot === args.stableSlot ? args.replicas : args.warmReplicas,
                maxReplicas: args.maxReplicas,
                capacity: slot === args.stableSlot ? "stable" : "warm",
                resources: args.resources,
                clusterName: args.cluster.name,
                region: args.region,
                roleArn: api.role.arn,
                permissions: [api.permissions],
                targetGroupArn: loadBalancer.targetGroups[slot].arn,
                database: args.database,
                secrets: args.secrets,
                settings: args.settings,
                provider: args.cluster.provider,
                runAfter: [controller.release, args.cluster.secretsStore],
                trafficListener: loadBalancer.trafficListener,
                vpcCidr: args.vpcCidr,
                loadBalancerSubnetCidrs: args.privateSubnetCidrs,
                rolloutAfter: rolloutAfter[slot],
            }, { parent: this });
        });
    }

    /**
     * One migration per slot with an image, under a role of their own that may log in as the schema
     * owner and do nothing else. The stable slot's runs first and the candidate's after it, so two
     * migrations never run at once; the stable one is usually unchanged, and then nothing runs.
     */
    private migrate(
        name: string,
        args: BlueGreenServiceArgs,
        namespaces: Record<SlotName, string>,
        slots: Record<SlotName, AppSlot>,
        migrated: Record<SlotName, (jobs: pulumi.Resource[]) => void>,
    ): pulumi.Resource[] {
        const parent = { parent: this };
        const role = new aws.iam.Role(`${name}-migrate`, {
            assumeRolePolicy: assumableThroughPodIdentity({ clusterName: args.cluster.name, namespaces: Object.values(namespaces), serviceAccount: MIGRATION_NAME }),
            description: "Clinical release migrations: log in to the database as the schema owner",
        }, parent);
        const permissions = grantToRole(this, `${name}-migrate`, role, [
            { Sid: "ConnectAsSchemaOwner", Effect: "Allow", Action: "rds-db:connect", Resource: args.migration.connectArn },
        ]);

        let previous: pulumi.Resource[] = [];
        const jobs: pulumi.Resource[] = [];
        for (const slot of [args.stableSlot, ...SLOT_NAMES.filter((other) => other !== args.stableSlot)]) {
            const image = args.slots[slot].image;
            if (!image) {
                migrated[slot]([]);
                continue;
            }
            const migration = new MigrationJob(`${name}-${slot}-migrate`, {
                slot,
                namespace: namespaces[slot],
                namespaceResource: slots[slot].namespaceResource,
                image,
                clusterName: args.cluster.name,
                roleArn: role.arn,
                permissions: [permissions],
                vpcCidr: args.vpcCidr,
                region: args.region,
                database: args.database,
                migration: args.migration,
                resources: { cpu: args.resources.cpuRequest, memory: args.resources.memoryLimit },
                provider: args.cluster.provider,
                runAfter: [...args.migrationsAfter, ...previous],
                context: args.context,
            }, parent);
            migrated[slot]([migration.job]);
            previous = [migration.job];
            jobs.push(migration.job);
        }
        return jobs;
    }
}
