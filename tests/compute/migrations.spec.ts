import { strict as assert } from "assert";
import { imageTagSlug, migrationJobName, releaseSnapshotIdentifier } from "../../components/blue-green/migration";
import { RecordedResource } from "../../infra/offline/types";
import { SLOT_NAMES } from "../../stacks";
import { STACKS, grantOf, ofType, policyOf, previewOf, previewWithEdit, single } from "../harness/stacks";
import { Json, K8S, dependencyClosure, inputs, setSlot } from "./support";

const JOB = "kubernetes:batch/v1:Job";
const SNAPSHOT = "aws:rds/snapshot:Snapshot";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
/** The schema owner the migrations log in as (components/database-roles.ts creates it). */
const MIGRATOR = "clinical_migrator";
/** The EKS Pod Identity agent, as EKS injects it into pods: http://169.254.170.23/v1/credentials. */
const POD_IDENTITY_AGENT = { cidr: "169.254.170.23/32", port: 80 };

const migrationJob = (resources: RecordedResource[], slot: string) => single(resources, JOB, `api-${slot}-migrate`);
const snapshotOf = (resources: RecordedResource[], slot: string) => single(resources, SNAPSHOT, `api-${slot}-migrate-snapshot`);
const dependsOn = (resource: RecordedResource, target: RecordedResource) =>
    resource.dependencies.includes(target.urn) || Object.values(resource.propertyDependencies).some((urns) => urns.includes(target.urn));

describe("the release migrations", () => {
    for (const stack of STACKS) {
        describe(`in ${stack}`, () => {
            it("run one Job per slot with an image, from that image, with the configured command and deadline, once and never retried", async () => {
                const { resources, config } = await previewOf(stack);
                const staged = SLOT_NAMES.filter((slot) => config.app.slots[slot].image !== undefined);
                assert.equal(ofType(resources, JOB).filter((job) => job.name.endsWith("-migrate")).length, staged.length);
                for (const slot of staged) {
                    const job = inputs(migrationJob(resources, slot));
                    assert.equal(job.metadata.namespace, `clinical-${slot}`);
                    assert.ok(job.metadata.name.length <= 63, "a Job's name is also its pods' job-name label");
                    const pod = job.spec.template.spec;
                    assert.equal(pod.containers.length, 1);
                    assert.equal(pod.containers[0].image, config.app.slots[slot].image);
                    assert.deepEqual(pod.containers[0].command, ["node", "dist/migrate.js"]);
                    assert.equal(job.spec.activeDeadlineSeconds, 30 * 60);
                    assert.equal(job.spec.backoffLimit, 0);
                    assert.equal(pod.restartPolicy, "Never");
                    assert.equal(job.spec.ttlSecondsAfterFinished, undefined, "a finished Job is kept, or the next update would run it again");
                    assert.equal(job.metadata.annotations["pulumi.com/replaceUnready"], "true");
                }
            });

            it("log in as the schema owner with an IAM token over verified TLS, with no secret in the manifest", async () => {
                const { resources, config } = await previewOf(stack);
                for (const slot of SLOT_NAMES.filter((s) => config.app.slots[s].image !== undefined)) {
                    const env: Json[] = inputs(migrationJob(resources, slot)).spec.template.spec.containers[0].env;
                    const value = (name: string) => env.find((v) => v.name === name)?.value;
                    assert.equal(value("DATABASE_USER"), MIGRATOR);
                    assert.equal(value("DATABASE_AUTH"), "iam");
                    assert.equal(value("DATABASE_SSLMODE"), "verify-full");
                    assert.match(value("DATABASE_SSLROOTCERT"), /^\/.+\.pem$/);
                    assert.equal(value("DATABASE_NAME"), "clinical");
                    assert.equal(value("AWS_REGION"), config.region);
                    assert.ok(env.every((v) => v.valueFrom === undefined && !/PASSWORD|SECRET|TOKEN/i.test(v.name)));
                }
            });

            it("run hardened: non-root, read-only, no capabilities, no Kubernetes token, resources bounded", async () => {
                const { resources, config } = await previewOf(stack);
                for (const slot of SLOT_NAMES.filter((s) => config.app.slots[s].image !== undefined)) {
                    const pod = inputs(migrationJob(resources, slot)).spec.template.spec;
                    assert.equal(pod.automountServiceAccountToken, false);
                    assert.equal(pod.serviceAccountName, "clinical-api-migrate");
                    assert.equal(pod.securityContext.runAsNonRoot, true);
                    assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
                    const container = pod.containers[0];
                    assert.deepEqual(container.securityContext.capabilities, { drop: ["ALL"] });
                    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
                    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
                    for (const kind of ["requests", "limits"]) assert.ok(container.resources[kind].cpu && container.resources[kind].memory);
                }
            });

            it("let the migration pods out only to DNS, the Pod Identity agent and PostgreSQL in the VPC, and nothing in", async () => {
                const { resources, config } = await previewOf(stack);
                for (const slot of SLOT_NAMES.filter((s) => config.app.slots[s].image !== undefined)) {
                    const policy = inputs(single(resources, NETWORK_POLICY, `api-${slot}-migrate`));
                    assert.equal(policy.metadata.namespace, `clinical-${slot}`);
                    assert.deepEqual(policy.spec.podSelector.matchLabels, { "app.kubernetes.io/name": "clinical-api-migrate" });
                    assert.deepEqual(policy.spec.policyTypes, ["Ingress", "Egress"]);
                    assert.equal(policy.spec.ingress, undefined);
                    const egress: Json[] = policy.spec.egress;
                    assert.deepEqual(egress.map((rule) => rule.ports.map((p: Json) => `${p.protocol}/${p.port}`).join()), ["UDP/53,TCP/53", `TCP/${POD_IDENTITY_AGENT.port}`, "TCP/5432"]);
                    assert.deepEqual(egress[1].to, [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }]);
                    assert.deepEqual(egress[2].to, [{ ipBlock: { cidr: config.network.cidr } }]);
                    assert.ok(egress.every((rule) => !rule.ports.some((p: Json) => p.port === 443)), "no way out to the internet");
                }
            });

            it("give the migrations a role that may connect to the database as the schema owner and do nothing else", async () => {
                const { resources } = await previewOf(stack);
                const statements = grantOf(resources, "api-migrate").Statement;
                assert.equal(statements.length, 1);
                assert.equal(statements[0].Action, "rds-db:connect");
                assert.match(String(statements[0].Resource), new RegExp(`^arn:aws:rds-db:[a-z0-9-]+:\\d{12}:dbuser:db-[A-Z0-9]+/${MIGRATOR}$`));
                const trust = policyOf(single(resources, "aws:iam/role:Role", "api-migrate"), "assumeRolePolicy").Statement[0];
                assert.equal((trust.Condition as Json).StringEquals["aws:RequestTag/kubernetes-service-account"], "clinical-api-migrate");
                assert.deepEqual((trust.Condition as Json).StringEquals["aws:RequestTag/kubernetes-namespace"], ["clinical-blue", "clinical-green"]);
            });

            it("hold back each slot's pods until its migration has completed, and the migration until the database roles exist", async () => {
                const { resources, config } = await previewOf(stack);
                const rolesJob = single(resources, JOB, "database-roles");
                for (const slot of SLOT_NAMES.filter((s) => config.app.slots[s].image !== undefined)) {
                    const job = migrationJob(resources, slot);
                    assert.ok(dependsOn(single(resources, K8S.deployment, `api-${slot}`), job), `api-${slot} waits for its migration`);
                    assert.ok(dependencyClosure(resources, job).has(rolesJob.urn), "the schema owner exists before the migration logs in");
                }
            });
        });
    }

    it("run the candidate's migration only after the stable slot's, never both at once", async () => {
        const { resources, config } = await previewOf("staging");
        assert.equal(config.app.stableSlot, "blue");
        assert.ok(dependsOn(migrationJob(resources, "green"), migrationJob(resources, "blue")));
        assert.ok(!dependencyClosure(resources, migrationJob(resources, "blue")).has(migrationJob(resources, "green").urn));
    });

    it("take the production snapshot before the migration and the migration before the pods: snapshot, Job, Deployment", async () => {
        const { resources } = await previewOf("production");
        for (const slot of SLOT_NAMES) {
            const snapshot = snapshotOf(resources, slot);
            const job = migrationJob(resources, slot);
            assert.ok(dependsOn(job, snapshot), `${slot}: the Job waits for the snapshot`);
            assert.ok(dependsOn(single(resources, K8S.deployment, `api-${slot}`), job), `${slot}: the Deployment waits for the Job`);
            assert.ok(!dependencyClosure(resources, snapshot).has(job.urn));
        }
        // Never two snapshots of the instance at once: the candidate's waits for the stable slot's migration.
        assert.ok(dependencyClosure(resources, snapshotOf(resources, "green")).has(migrationJob(resources, "blue").urn));
    });

    it("names each production snapshot after its release, keeps it when the next release replaces it, and tags its retention", async () => {
        const { resources, config } = await previewOf("production");
        for (const slot of SLOT_NAMES) {
            const resource = snapshotOf(resources, slot);
            const snapshot = inputs(resource);
            const tag = config.app.slots[slot].image!.split(":").pop()!.replace(/\./g, "-");
            assert.match(snapshot.dbSnapshotIdentifier, new RegExp(`^clinical-platform-production-release-${tag}-[0-9a-f]{10}$`));
            assert.doesNotMatch(snapshot.dbSnapshotIdentifier, /--|-$/);
            assert.equal(snapshot.tags["clinical-platform:release"], config.app.slots[slot].image);
            assert.equal(snapshot.tags["clinical-platform:retain-days"], String(config.release.snapshotRetentionDays));
            assert.equal(config.release.snapshotRetentionDays, 30, "the production profile keeps release snapshots for 30 days");
            assert.equal(snapshot.tags.Environment, "production");
            assert.equal(resource.options.retainOnDelete, true);
            assert.equal(resource.options.protect, false, "a protected snapshot could not be replaced at the next release");
            assert.ok(resource.propertyDependencies.dbInstanceIdentifier.includes(single(resources, "aws:rds/instance:Instance").urn));
        }
        const [blue, green] = SLOT_NAMES.map((slot) => inputs(snapshotOf(resources, slot)).dbSnapshotIdentifier);
        assert.notEqual(blue, green);
    });

    for (const stack of ["dev", "staging"] as const) {
        it(`takes no snapshot in ${stack}, and runs no expiry function there`, async () => {
            const { resources } = await previewOf(stack);
            assert.deepEqual(ofType(resources, SNAPSHOT), []);
            assert.deepEqual(ofType(resources, "aws:lambda/function:Function").filter((f) => f.name === "release-snapshots"), []);
        });
    }

    it("gives a new image a new Job and a new snapshot, and keeps both for the same image", async () => {
        const [committed, same, restaged] = await Promise.all([
            previewOf("production"),
            previewWithEdit("production", (doc) => setSlot(doc, "green", { weight: 0 })),
            previewWithEdit("production", (doc) => setSlot(doc, "green", { image: "registry.example.com/clinical-api:1.5.1" })),
        ]);
        const names = (result: { resources: RecordedResource[] }, slot: string) => ({
            job: inputs(migrationJob(result.resources, slot)).metadata.name,
            snapshot: inputs(snapshotOf(result.resources, slot)).dbSnapshotIdentifier,
        });
        assert.deepEqual(names(same, "green"), names(committed, "green"));
        assert.deepEqual(names(restaged, "blue"), names(committed, "blue"));
        assert.notEqual(names(restaged, "green").job, names(committed, "green").job);
        assert.notEqual(names(restaged, "green").snapshot, names(committed, "green").snapshot);
        assert.match(names(restaged, "green").snapshot, /-release-1-5-1-/);
    });

    it("take the command and the deadline from the stack config", async () => {
        const { resources } = await previewWithEdit("staging", (doc) => {
            doc.setIn(["config", "clinical-platform:release", "migration", "command"], ["npm", "run", "migrate", "--", "--expand-only"]);
            doc.setIn(["config", "clinical-platform:overrides"], { release: { migrationTimeoutMinutes: 45 } });
        });
        for (const slot of SLOT_NAMES) {
            const job = migrationJob(resources, slot);
            assert.deepEqual(inputs(job).spec.template.spec.containers[0].command, ["npm", "run", "migrate", "--", "--expand-only"]);
            assert.equal(inputs(job).spec.activeDeadlineSeconds, 45 * 60);
            // Pulumi waits a little past the deadline, so the Job's own failure is what stops the update.
            assert.deepEqual(job.options.customTimeouts, { create: "50m", update: "50m" });
        }
    });
});

describe("release names", () => {
    const digest = `registry.example.com/clinical-api@sha256:${"ab".repeat(32)}`;

    it("fit a Job name in the 63 characters of a label value, whatever the image", () => {
        const name = migrationJobName(`registry.example.com/${"a".repeat(200)}:${"9".repeat(128)}`, ["node", "dist/migrate.js"], 720);
        assert.match(name, /^clinical-api-migrate-[0-9a-f]{10}$/);
    });

    it("name snapshots with letters, digits and single hyphens, starting with a letter, for tags and digests alike", () => {
        const rule = /^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/;
        for (const image of ["registry.example.com/clinical-api:1.5.0", "registry.example.com/clinical-api:v1.5.0--rc_1.", digest, "registry.example.com:5000/clinical-api"]) {
            const identifier = releaseSnapshotIdentifier("clinical-platform-production", "green", migrationJobName(image, ["migrate"], 30), image);
            assert.match(identifier, rule, identifier);
            assert.ok(identifier.length <= 255);
        }
        assert.equal(imageTagSlug(digest), `sha256-${"ab".repeat(32)}`.slice(0, 48), "a digest is kept to its first characters; the hash keeps names apart");
        assert.equal(imageTagSlug("registry.example.com:5000/clinical-api"), "untagged");
    });

    it("refuse a snapshot prefix RDS would refuse, naming the identifier", () => {
        assert.throws(() => releaseSnapshotIdentifier("9-platform", "blue", "clinical-api-migrate-0123456789", "r/app:1.0.0"), /release snapshot identifier "9-platform-release-1-0-0-/);
    });
});
