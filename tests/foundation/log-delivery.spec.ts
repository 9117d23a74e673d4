import { strict as assert } from "assert";
import { RecordedResource } from "../../infra/offline/types";
import { policyOf, previewOf, previewWithEdit, single } from "../harness/stacks";

/**
 * Who may write into the platform's log bucket, asserted against AWS's published figures rather
 * than the program's own tables. Elastic Load Balancing's log-delivery accounts: ELB User Guide for
 * Application Load Balancers, "Enable access logs", step 2 (checked 2026-12-01): us-east-1
 * 127311923021, us-east-2 033677994240; regions opened since August 2022 use the service principal.
 */
const logBucketStatements = (resources: RecordedResource[]) => {
    const bucket = single(resources, "aws:s3/bucket:Bucket", "storage-logs");
    const policy = resources.find((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.parent === bucket.parent && r.name.startsWith("storage-logs"));
    assert.ok(policy, "the log bucket has a policy");
    return policyOf(policy).Statement;
};
const bySid = (statements: Array<Record<string, unknown>>, sid: string) => {
    const found = statements.filter((s) => s.Sid === sid);
    assert.equal(found.length, 1, `one ${sid} statement`);
    return found[0];
};

describe("the log bucket's delivery grants", () => {
    const cases = [
        { stack: "production", account: "111122223333", elb: "arn:aws:iam::127311923021:root" },
        { stack: "staging", account: "111122223333", elb: "arn:aws:iam::127311923021:root" },
        { stack: "dev", account: "444455556666", elb: "arn:aws:iam::033677994240:root" },
    ] as const;
    for (const { stack, account, elb } of cases) {
        it(`in ${stack}, let the region's load-balancer account write only under alb/AWSLogs/<own account>/`, async () => {
            const { resources } = await previewOf(stack);
            const grant = bySid(logBucketStatements(resources), "LoadBalancerAccessLogs");
            assert.equal(grant.Effect, "Allow");
            assert.deepEqual(grant.Principal, { AWS: elb });
            assert.equal(grant.Action, "s3:PutObject");
            assert.match(String(grant.Resource), new RegExp(`^arn:aws:s3:::[^/]+/alb/AWSLogs/${account}/\\*$`));
        });

        it(`in ${stack}, let CloudWatch Logs deliver CloudFront's logs only from this account's delivery source, with the owner's ACL`, async () => {
            const { resources } = await previewOf(stack);
            const statements = logBucketStatements(resources);
            const write = bySid(statements, "AWSLogDeliveryWrite");
            assert.deepEqual(write.Principal, { Service: "delivery.logs.amazonaws.com" });
            assert.equal(write.Action, "s3:PutObject");
            assert.match(String(write.Resource), /^arn:aws:s3:::[^/]+\/cloudfront\/\*$/);
            const condition = write.Condition as Record<string, Record<string, string>>;
            assert.equal(condition.StringEquals["s3:x-amz-acl"], "bucket-owner-full-control");
            assert.equal(condition.StringEquals["aws:SourceAccount"], account);
            assert.match(condition.ArnLike["aws:SourceArn"], new RegExp(`^arn:aws:logs:us-east-1:${account}:delivery-source:[^*]+$`), "one named source, no wildcard");
            const check = bySid(statements, "AWSLogDeliveryAclCheck");
            assert.equal(check.Action, "s3:GetBucketAcl");
            assert.match(String(check.Resource), /^arn:aws:s3:::[^/*]+$/, "the bucket itself");
            assert.deepEqual(check.Condition, { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": condition.ArnLike["aws:SourceArn"] } });
            const writers = statements.filter((s) => s.Effect === "Allow" && JSON.stringify(s.Action).includes("s3:PutObject"));
            assert.ok(writers.every((s) => s.Principal !== "*" && JSON.stringify(s.Principal) !== '{"AWS":"*"}'), "no anonymous writer");
        });
    }

    it("uses the log-delivery service principal in a region opened after August 2022 (eu-central-2), where the provider has no account", async function () {
        this.timeout(300_000);
        const { resources } = await previewWithEdit("dev", (document) => {
            document.setIn(["config", "aws:region"], "eu-central-2");
            for (const key of [["clinical-platform:certificates", "regional"], ["clinical-platform:ci", "connectionArn"]]) {
                const path = ["config", ...key];
                const value = document.getIn(path);
                if (typeof value === "string") document.setIn(path, value.replace(":us-east-2:", ":eu-central-2:"));
            }
        });
        const grant = bySid(logBucketStatements(resources), "LoadBalancerAccessLogs");
        assert.deepEqual(grant.Principal, { Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
    });
});
