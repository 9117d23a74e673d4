/**
 * What AWS enforces at the first `pulumi up` of an account, and what an update of a stack that already
 * exists must keep: permissions in place before the service that uses them, identities a cluster
 * cannot swap, secret versions that never lose their last label.
 */
import { strict as assert } from "assert";
import { RecordedResource } from "../../infra/offline/types";
import { STACKS, ofType, previewOf, single } from "../harness/stacks";
import { isUnder } from "../compute/support";

const dependsOn = (resource: RecordedResource, on: RecordedResource) => resource.dependencies.includes(on.urn);

describe("on a fresh account", () => {
    for (const stack of STACKS) {
        describe(`in ${stack}`, () => {
            it("creates the database only once its monitoring role holds the enhanced-monitoring policy", async () => {
                const { resources } = await previewOf(stack);
                const database = single(resources, "aws:rds/instance:Instance");
                const attachment = ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                    .find((a) => String(a.inputs.policyArn).endsWith(":iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"));
                assert.ok(attachment, "the monitoring role gets AWS's enhanced-monitoring policy");
                assert.ok(dependsOn(database, attachment), "RDS refuses a monitoring role without its permissions");
            });

            it("starts flow logs only once their role may write to the log group", async () => {
                const { resources } = await previewOf(stack);
                const flowLog = single(resources, "aws:ec2/flowLog:FlowLog");
                const grant = single(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "network-flow-logs-grant");
                assert.ok(dependsOn(flowLog, grant));
            });

            it("turns on a bucket's access logging only once the log bucket's policy lets S3 deliver", async () => {
                const { resources } = await previewOf(stack);
                const loggings = ofType(resources, "aws:s3/bucketLogging:BucketLogging");
                assert.ok(loggings.length >= 2, "the assets and backups buckets log their access");
                for (const logging of loggings) {
                    // The policy of the bucket the logs go to: the log bucket, or the DR region's own.
                    const target = ofType(resources, "aws:s3/bucket:Bucket").find((b) => logging.propertyDependencies.targetBucket?.includes(b.urn));
                    assert.ok(target, logging.name);
                    assert.ok(dependsOn(logging, single(resources, "aws:s3/bucketPolicy:BucketPolicy", target.name)), logging.name);
                }
            });

            it("keeps a label of its own on each first write of a secret, so rotation never leaves it unlabelled", async () => {
                const { resources } = await previewOf(stack);
                const versions = ofType(resources, "aws:secretsmanager/secretVersion:SecretVersion");
                // The generated secrets; the GitHub token's secret has no version in the program.
                const secrets = ofType(resources, "aws:secretsmanager/secret:Secret").filter((s) => isUnder(resources, s, "secrets"));
                assert.equal(versions.length, 2 * secrets.length);
                for (const secret of secrets) {
                    const own = versions.filter((v) => v.propertyDependencies.secretId?.includes(secret.urn));
                    const labels = own.map((v) => (v.inputs.versionStages as string[]).filter((l) => !l.startsWith("AWS")));
                    assert.equal(labels.flat().length, 2, secret.name);
                    assert.equal(new Set(labels.flat()).size, 2, "a label names one version of a secret at a time");
                }
            });

            it("lets the us-east-1 provider act only in the stack's own account", async () => {
                const { resources, config } = await previewOf(stack);
                const edgeProvider = single(resources, "pulumi:providers:aws", "edge-us-east-1");
                assert.equal(edgeProvider.inputs.region, "us-east-1");
                assert.deepEqual(JSON.parse(String(edgeProvider.inputs.allowedAccountIds)), [config.account.id]);
            });

            it("keeps the cluster role an existing cluster was created with, registered before under the control plane", async () => {
                const { resources } = await previewOf(stack);
                const role = single(resources, "aws:iam/role:Role", "cluster-roles-cluster");
                const formerParent = `urn:pulumi:${stack}::clinical-platform::clinical-platform:cluster:Cluster$clinical-platform:cluster:ControlPlane`;
                assert.deepEqual(role.options.aliases, [`${formerParent}$aws:iam/role:Role::cluster-control-plane-cluster`]);
                const clusterPolicy = single(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "cluster-roles-cluster-AmazonEKSClusterPolicy");
                assert.deepEqual(clusterPolicy.options.aliases, [`${formerParent}$aws:iam/rolePolicyAttachment:RolePolicyAttachment::cluster-control-plane-cluster`]);
            });
        });
    }
});

describe("the database's monitoring role", () => {
    it("may be assumed by RDS only on behalf of the stack's own account", async () => {
        const { resources, config } = await previewOf("production");
        const role = single(resources, "aws:iam/role:Role", "database-monitoring");
        const [statement] = JSON.parse(String(role.inputs.assumeRolePolicy)).Statement;
        assert.deepEqual(statement.Principal, { Service: "monitoring.rds.amazonaws.com" });
        assert.deepEqual(statement.Condition, { StringEquals: { "aws:SourceAccount": config.account.id } });
    });
});
