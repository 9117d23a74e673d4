/**
 * The database roles the applications log in as, created by a one-shot Kubernetes Job: the only
 * thing that reads the RDS master secret. The Job runs in a namespace of its own, with a Pod
 * Identity role that may read that one secret, and mounts it through the Secrets Store CSI driver
 * (files, no Kubernetes Secret). Its SQL is idempotent, so a re-run (a changed script or image
 * replaces the Job) converges instead of failing. The roles log in with IAM tokens only.
 *
 * A Job rather than a provider-side SQL resource: the database sits in isolated subnets that only
 * the cluster reaches, and the machine running `pulumi up` does not.
 */
import { createHash } from "crypto";
import * as aws from "./aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SECRETS_STORE_DRIVER } from "./cluster/secrets-store";
import { APPLICATION_SCHEMA, DATABASE_ROLES, POSTGRES_PORT } from "./database";
import { assumableThroughPodIdentity, grantToRole } from "./iam";
import { DNS_EGRESS, RESTRICTED_CONTAINER, denyByDefault, restrictedPod } from "./pod-security";
import { PlatformContext } from "./context";

/**
 * psql for the Job. Tag checked 2026-12-01 in docker-library/official-images, library/postgres at
 * commit 37079fb (2026-08-22): `18.6-alpine3.24` is a published tag of the official image. A
 * PostgreSQL 18 client speaks to the 16 server. Alpine's busybox `wget` fetches the CA bundle.
 */
export const DEFAULT_BOOTSTRAP_IMAGE = "docker.io/library/postgres:18.6-alpine3.24";
/** The RDS CA bundle for every commercial region (Amazon RDS user guide, "Using SSL/TLS to encrypt a connection"). */
export const RDS_CA_BUNDLE_URL = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem";
/** Unprivileged user of the official postgres Alpine image (uid/gid 70, per docker-library/postgres alpine Dockerfiles). */
const POSTGRES_IMAGE_USER_ID = 70;
const NAME = "database-roles";
const MASTER_FILES = { username: "master-username", password: "master-password" } as const;

export interface DatabaseRolesArgs {
    /** Namespace the Job runs in; nothing else runs there. */
    namespace?: string;
    /** The stack's region (Secrets Manager and the Pod Identity condition). */
    region: string;
    /** The cluster the Job runs in, for the Pod Identity association. */
    clusterName: pulumi.Input<string>;
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** The Secrets Store CSI driver release, and whatever else must run before the Job's pod. */
    runAfter: pulumi.Resource[];
    /** Where the Job connects. */
    database: { host: pulumi.Input<string>; port: pulumi.Input<number>; name: pulumi.Input<string> };
    /** The RDS-managed master secret (JSON with username and password); only this Job reads it. */
    masterSecretArn: pulumi.Input<string>;
    /** Key the master secret is encrypted with; decrypted through Secrets Manager only. */
    secretsKeyArn: pulumi.Input<string>;
    /** The VPC block the database is in; the Job may reach PostgreSQL there and nothing else in it. */
    vpcCidr: string;
    /** Image with psql, pinned by a version tag or a digest. Defaults to {@link DEFAULT_BOOTSTRAP_IMAGE}. */
    image?: string;
    /** The stack's shared inputs: tags and protection, the logs key and retention (components/context.ts). */
    context: PlatformContext;
}

/** Refuses an image that is not pinned: a moving tag would change what runs with the master password. */
export function validateBootstrapImage(image: string): string {
    const digest = /@sha256:[0-9a-f]{64}$/.test(image);
    const tag = /:([\w][\w.-]{0,127})$/.exec(image.split("/").pop() ?? "")?.[1];
    if (!digest && (!tag || tag === "latest" || !/\d/.test(tag))) {
        throw new Error(`database roles image must be pinned to a version tag or a sha256 digest, got "${image}"`);
    }
    return image;
}

/** Identifiers are written into SQL; only plain lower-case identifiers are accepted. */
function identifier(name: string): string {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`"${name}" is not a plain PostgreSQL identifier`);
    return name;
}

/**
 * The roles, their IAM login and their least privileges, as SQL that can run any number of times.
 * The API gets row access on the application schema only: no DDL, no TRUNCATE, nothing elsewhere.
 */
export function databaseRolesSql(databaseName: string): string {
    const db = identifier(databaseName);
    const api = identifier(DATABASE_ROLES.api);
    const migrator = identifier(DATABASE_ROLES.migrator);
    const schema = identifier(APPLICATION_SCHEMA);
    const createRole = (role: string) => [
        `  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '${role}') THEN`,
        `    CREATE ROLE ${role} LOGIN;`,
        "  END IF;",
    ];
    return [
        "BEGIN;",
        "DO $$",
        "BEGIN",
        ...createRole(migrator),
        ...createRole(api),
        "END",
        "$$;",
        // Reset on every run, so a hand edit in the database does not outlive the next deploy.
        ...[migrator, api].map((role) => `ALTER ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD NULL;`),
        // rds_iam: the role logs in with an IAM authentication token and never with a password.
        `GRANT rds_iam TO ${migrator}, ${api};`,
        `REVOKE ALL ON DATABASE ${db} FROM PUBLIC;`,
        `GRANT CONNECT ON DATABASE ${db} TO ${migrator}, ${api};`,
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
        // The master user must be a member of the schema's owner to hand the schema over.
        `GRANT ${migrator} TO CURRENT_USER;`,
        `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${migrator};`,
        `ALTER SCHEMA ${schema} OWNER TO ${migrator};`,
        `REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC;`,
        `GRANT USAGE ON SCHEMA ${schema} TO ${api};`,
        `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${api};`,
        `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${api};`,
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${migrator} IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${api};`,
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${migrator} IN SCHEMA ${schema} GRANT USAGE, SELECT ON SEQUENCES TO ${api};`,
        ...[migrator, api].map((role) => `ALTER ROLE ${role} IN DATABASE ${db} SET search_path = ${schema};`),
        "COMMIT;",
        "",
    ].join("\n");
}

export class DatabaseRoles extends pulumi.ComponentResource {
    /**
     * The API's login role, known once the Job has completed: a workload that takes its user name
     * from here starts only after the role exists.
     */
    readonly apiUser: pulumi.Output<string>;
    /** The migrator's login role, likewise. */
    readonly migratorUser: pulumi.Output<string>;

    constructor(name: string, args: DatabaseRolesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:database:DatabaseRoles", name, {}, opts);
        const image = validateBootstrapImage(args.image ?? DEFAULT_BOOTSTRAP_IMAGE);
        const namespaceName = args.namespace ?? "clinical-database";
        const kube = { parent: this, provider: args.provider };
        const labels = { "app.kubernetes.io/name": NAME, "app.kubernetes.io/part-of": "clinical-platform" };

        const namespace = new k8s.core.v1.Namespace(name, {
            metadata: {
                name: namespaceName,
                labels: { ...labels, "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest" },
            },
        }, kube);
        const inNamespace = (objectName: string) => ({ name: objectName, namespace: namespace.metadata.name, labels });
        this.restrictTraffic(name, args, inNamespace, kube);

        const serviceAccount = new k8s.core.v1.ServiceAccount(name, { metadata: inNamespace(NAME), automountServiceAccountToken: false }, kube);
        const role = new aws.iam.Role(name, {
            assumeRolePolicy: assumableThroughPodIdentity({ clusterName: args.clusterName, namespaces: [namespaceName], serviceAccount: NAME }),
            description: "Creates the clinical database roles: reads the RDS master secret, nothing else",
        }, { parent: this });
        const grant = grantToRole(this, name, role, [
            { Sid: "ReadMasterSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: args.masterSecretArn },
            {
                Sid: "DecryptThroughSecretsManager",
                Effect: "Allow",
                Action: "kms:Decrypt",
                Resource: args.secretsKeyArn,
                Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${args.region}.amazonaws.com` } },
            },
        ]);
        const identity = new aws.eks.PodIdentityAssociation(name, {
            clusterName: args.clusterName,
            namespace: namespaceName,
            serviceAccount: NAME,
            roleArn: role.arn,
        }, { parent: this, dependsOn: [serviceAccount, grant] });

        const secretClass = new k8s.apiextensions.CustomResource(`${name}-master`, {
            apiVersion: "secrets-store.csi.x-k8s.io/v1",
            kind: "SecretProviderClass",
            metadata: inNamespace(`${NAME}-master`),
            spec: {
                provider: "aws",
                parameters: {
                    region: args.region,
                    usePodIdentity: "true",
                    objects: pulumi.jsonStringify([{
                        objectName: args.masterSecretArn,
                        objectAlias: "master.json",
                        jmesPath: [
                            { path: "username", objectAlias: MASTER_FILES.username },
                            { path: "password", objectAlias: MASTER_FILES.password },
                        ],
                    }]),
                },
            },
        }, { ...kube, dependsOn: args.runAfter });

        const script = pulumi.output(args.database.name).apply(databaseRolesSql);
        const scriptMap = new k8s.core.v1.ConfigMap(name, { metadata: inNamespace(`${NAME}-sql`), data: { "roles.sql": script } }, kube);
        const job = new k8s.batch.v1.Job(name, {
            metadata: {
                ...inNamespace(NAME),
                // A Job that failed never completes, and the provider would wait on it in every later
                // update; with this annotation the next update replaces it and it runs again (Job docs
                // of @pulumi/kubernetes, pulumi/pulumi-kubernetes#1575).
                annotations: { "pulumi.com/replaceUnready": "true" },
            },
            spec: {
                backoffLimit: 4,
                // Inside the ten minutes the provider waits for a Job to complete.
                activeDeadlineSeconds: 540,
                template: {
                    metadata: {
                        labels,
                        // A changed script or image changes the template, which replaces the Job: it runs again.
                        annotations: { "clinical-platform/roles-sql-sha256": script.apply((text) => createHash("sha256").update(text).digest("hex")) },
                    },
                    spec: this.podSpec(args, image, serviceAccount.metadata.name, secretClass.metadata.name, scriptMap.metadata.name),
                },
            },
        }, { ...kube, dependsOn: [identity, secretClass, ...args.runAfter], deleteBeforeReplace: true });

        // The provider creates a Job only once it has completed, so its outputs resolve after the roles exist.
        const afterJob = (role: string) => job.id.apply(() => role);
        this.apiUser = afterJob(DATABASE_ROLES.api);
        this.migratorUser = afterJob(DATABASE_ROLES.migrator);
        this.registerOutputs({ apiUser: this.apiUser, migratorUser: this.migratorUser });
    }

    private podSpec(
        args: DatabaseRolesArgs,
        image: string,
        serviceAccountName: pulumi.Input<string>,
        secretProviderClass: pulumi.Input<string>,
        scriptMap: pulumi.Input<string>,
    ): k8s.types.input.core.v1.PodSpec {
        const resources = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } };
        return {
            serviceAccountName,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            restartPolicy: "Never",
            securityContext: restrictedPod(POSTGRES_IMAGE_USER_ID),
            initContainers: [{
                name: "rds-ca",
                image,
                command: ["wget", "-q", "-O", "/ca/rds-ca.pem", RDS_CA_BUNDLE_URL],
                resources,
                securityContext: RESTRICTED_CONTAINER,
                volumeMounts: [{ name: "ca", mountPath: "/ca" }],
            }],
            containers: [{
                name: "roles",
                image,
                // The password goes from the mounted file into psql's environment only, never into the manifest.
                command: ["sh", "-c", [
                    "set -eu",
                    `export PGUSER="$(cat /mnt/master/${MASTER_FILES.username})"`,
                    `export PGPASSWORD="$(cat /mnt/master/${MASTER_FILES.password})"`,
                    "exec psql --no-psqlrc -v ON_ERROR_STOP=1 -f /sql/roles.sql",
                ].join("\n")],
                env: [
                    { name: "PGHOST", value: args.database.host },
                    { name: "PGPORT", value: pulumi.output(args.database.port).apply(String) },
                    { name: "PGDATABASE", value: args.database.name },
                    { name: "PGSSLMODE", value: "verify-full" },
                    { name: "PGSSLROOTCERT", value: "/ca/rds-ca.pem" },
                    { name: "PGCONNECT_TIMEOUT", value: "10" },
                    { name: "HOME", value: "/tmp" },
                ],
                resources,
                securityContext: RESTRICTED_CONTAINER,
                volumeMounts: [
                    { name: "master", mountPath: "/mnt/master", readOnly: true },
                    { name: "sql", mountPath: "/sql", readOnly: true },
                    { name: "ca", mountPath: "/ca", readOnly: true },
                    { name: "tmp", mountPath: "/tmp" },
                ],
            }],
            volumes: [
                { name: "master", csi: { driver: SECRETS_STORE_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass } } },
                { name: "sql", configMap: { name: scriptMap } },
                { name: "ca", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
                { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
            ],
        };
    }

    /** Default deny; out only to DNS, PostgreSQL in the VPC, and HTTPS for the CA bundle. */
    private restrictTraffic(
        name: string,
        args: DatabaseRolesArgs,
        inNamespace: (objectName: string) => k8s.types.input.meta.v1.ObjectMeta,
        kube: pulumi.CustomResourceOptions,
    ): void {
        denyByDefault(`${name}-default-deny`, inNamespace("default-deny"), kube);
        new k8s.networking.v1.NetworkPolicy(`${name}-egress`, {
            metadata: inNamespace(NAME),
            spec: {
                podSelector: { matchLabels: { "app.kubernetes.io/name": NAME } },
                policyTypes: ["Egress"],
                egress: [
                    DNS_EGRESS,
                    { to: [{ ipBlock: { cidr: args.vpcCidr } }], ports: [{ protocol: "TCP", port: POSTGRES_PORT }] },
                    { ports: [{ protocol: "TCP", port: 443 }] },
                ],
            },
        }, kube);
    }
}
