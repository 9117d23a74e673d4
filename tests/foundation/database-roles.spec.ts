import { strict as assert } from "assert";
import { createHash } from "crypto";
import { databaseRolesSql, validateBootstrapImage } from "../../components/database-roles";
import { Json, K8S, inputs } from "../compute/support";
import { STACKS, grantOf, ofType, previewOf, single } from "../harness/stacks";

const JOB = "kubernetes:batch/v1:Job";
const MASTER_SECRET = /:secret:rds!/;

describe("the database roles", () => {
    describe("SQL", () => {
        const sql = databaseRolesSql("clinical");

        it("creates the API and migrator roles only when missing and lets them log in with IAM tokens only", () => {
            for (const role of ["clinical_api", "clinical_migrator"]) {
                assert.match(sql, new RegExp(`IF NOT EXISTS \\(SELECT FROM pg_catalog\\.pg_roles WHERE rolname = '${role}'\\) THEN\\n\\s+CREATE ROLE ${role} LOGIN;`));
                assert.match(sql, new RegExp(`ALTER ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD NULL;`));
            }
            assert.match(sql, /GRANT rds_iam TO clinical_migrator, clinical_api;/);
        });

        it("can run again without failing: every CREATE is guarded, nothing is dropped, and it runs in one transaction", () => {
            const creates = sql.split("\n").filter((line) => /\bCREATE (ROLE|SCHEMA|TABLE|DATABASE)\b/.test(line));
            assert.ok(creates.every((line) => /CREATE ROLE \w+ LOGIN;$/.test(line.trim()) || /CREATE SCHEMA IF NOT EXISTS/.test(line)), creates.join("\n"));
            assert.doesNotMatch(sql, /\bDROP\b/);
            assert.equal(sql.trim().split("\n")[0], "BEGIN;");
            assert.equal(sql.trim().split("\n").at(-1), "COMMIT;");
        });

        it("gives the API row access on the application schema only, and no DDL", () => {
            const apiGrants = sql.split("\n").filter((line) => /GRANT .* TO clinical_api;$/.test(line) && !/rds_iam/.test(line));
            assert.deepEqual(apiGrants, [
                "GRANT USAGE ON SCHEMA clinical TO clinical_api;",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA clinical TO clinical_api;",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA clinical TO clinical_api;",
                "ALTER DEFAULT PRIVILEGES FOR ROLE clinical_migrator IN SCHEMA clinical GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO clinical_api;",
                "ALTER DEFAULT PRIVILEGES FOR ROLE clinical_migrator IN SCHEMA clinical GRANT USAGE, SELECT ON SEQUENCES TO clinical_api;",
            ]);
            assert.match(sql, /GRANT CONNECT ON DATABASE clinical TO clinical_migrator, clinical_api;/);
            assert.match(sql, /CREATE SCHEMA IF NOT EXISTS clinical AUTHORIZATION clinical_migrator;/);
            assert.doesNotMatch(sql, /GRANT ALL|CREATE ON SCHEMA clinical TO clinical_api|TRUNCATE/);
        });

        it("refuses a database name that is not a plain identifier", () => {
            assert.throws(() => databaseRolesSql("clinical; DROP DATABASE x"), /is not a plain PostgreSQL identifier/);
        });
    });

    describe("image", () => {
        it("accepts a version tag or a digest and refuses a moving tag, naming the image", () => {
            assert.equal(validateBootstrapImage("docker.io/library/postgres:18.6-alpine3.24"), "docker.io/library/postgres:18.6-alpine3.24");
            assert.ok(validateBootstrapImage(`registry.example.com:5000/psql@sha256:${"a".repeat(64)}`));
            for (const moving of ["postgres", "postgres:latest", "postgres:alpine", "registry.example.com:5000/psql"]) {
                assert.throws(() => validateBootstrapImage(moving), new RegExp(`must be pinned to a version tag or a sha256 digest, got "${moving}"`));
            }
        });
    });

    for (const stack of STACKS) {
        describe(`in ${stack}`, () => {
            it("creates them with a one-shot Job, the only workload that reads the master secret", async () => {
                const { resources } = await previewOf(stack);
                const job = inputs(single(resources, JOB, "database-roles"));
                assert.equal(job.metadata.namespace, "clinical-database");
                const classes = ofType(resources, K8S.secretProviderClass).map((r) => ({ name: r.name, objects: JSON.parse(inputs(r).spec.parameters.objects) as Json[] }));
                const readers = classes.filter((c) => c.objects.some((o) => MASTER_SECRET.test(o.objectName)));
                assert.deepEqual(readers.map((c) => c.name), ["database-roles-master"]);
                assert.deepEqual(readers[0].objects[0].jmesPath.map((j: Json) => j.path), ["username", "password"]);
                const [read] = grantOf(resources, "database-roles").Statement;
                assert.match(String(read.Resource), MASTER_SECRET);
                const roleReaders = ofType(resources, "aws:iam/policy:Policy").filter((p) => MASTER_SECRET.test(String(p.inputs.policy)));
                assert.deepEqual(roleReaders.map((p) => p.name), ["database-roles"]);
            });

            it("runs psql from a pinned image against the server it verifies, with the password only in a mounted file", async () => {
                const { resources } = await previewOf(stack);
                const pod = inputs(single(resources, JOB, "database-roles")).spec.template.spec;
                const [container] = pod.containers;
                assert.match(container.image, /:\d+\.\d+-alpine\d+\.\d+$/);
                assert.equal(pod.initContainers[0].image, container.image);
                const env = Object.fromEntries(container.env.map((v: Json) => [v.name, v.value]));
                assert.equal(env.PGSSLMODE, "verify-full");
                assert.equal(env.PGSSLROOTCERT, "/ca/rds-ca.pem");
                assert.ok(pod.initContainers[0].command.includes("/ca/rds-ca.pem"));
                assert.ok(container.env.every((v: Json) => !/PASSWORD/.test(v.name) && v.valueFrom === undefined));
                assert.match(container.command.join(" "), /PGPASSWORD="\$\(cat \/mnt\/master\/master-password\)"/);
                assert.equal(pod.volumes.find((v: Json) => v.name === "master").csi.volumeAttributes.secretProviderClass, "database-roles-master");
                assert.equal(pod.automountServiceAccountToken, false);
                for (const c of [...pod.initContainers, ...pod.containers]) {
                    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
                    assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
                }
            });

            it("runs the script in the ConfigMap, and replaces the Job when the script changes so it runs again", async () => {
                const { resources } = await previewOf(stack);
                const jobResource = single(resources, JOB, "database-roles");
                const script = inputs(single(resources, "kubernetes:core/v1:ConfigMap", "database-roles")).data["roles.sql"];
                assert.equal(script, databaseRolesSql("clinical"));
                const annotation = inputs(jobResource).spec.template.metadata.annotations["clinical-platform/roles-sql-sha256"];
                assert.equal(annotation, createHash("sha256").update(script).digest("hex"));
                assert.equal(jobResource.options.deleteBeforeReplace, true);
            });

            it("starts API pods only after the Job has created their role", async () => {
                const { resources } = await previewOf(stack);
                const job = single(resources, JOB, "database-roles");
                const deployments = ofType(resources, K8S.deployment);
                assert.ok(deployments.length > 0);
                for (const deployment of deployments) assert.ok(deployment.propertyDependencies.spec?.includes(job.urn), deployment.name);
            });

            it("keeps the Job's namespace default-deny, with egress only to DNS, PostgreSQL in the VPC and HTTPS", async () => {
                const { resources, config } = await previewOf(stack);
                const policies = ofType(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map(inputs).filter((p) => p.metadata.namespace === "clinical-database");
                assert.deepEqual(policies.find((p) => p.metadata.name === "default-deny").spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
                const egress = policies.find((p) => p.metadata.name === "database-roles").spec.egress;
                assert.deepEqual(egress.map((rule: Json) => rule.ports.map((p: Json) => p.port)), [[53, 53], [5432], [443]]);
                assert.equal(egress[1].to[0].ipBlock.cidr, config.network.cidr);
            });
        });
    }
});
