import { strict as assert } from "assert";
import * as path from "path";
import { REPOSITORY_ROOT, runOfflinePreview } from "../../infra/offline/preview";
import { PROJECT, StackConfigError, loadStackConfig } from "../../stacks";
import { readStackFile } from "../../stacks/stack-file";
import { editedStackFile, previewOf } from "../harness/stacks";

const committed = (stack: string) => readStackFile(path.join(REPOSITORY_ROOT, `Pulumi.${stack}.yaml`), PROJECT);

function problemsOf(stack: string, raw: Record<string, string>) {
    try {
        loadStackConfig(stack, raw);
    } catch (error) {
        assert.ok(error instanceof StackConfigError);
        return error.problems;
    }
    assert.fail("the config was accepted");
}

describe("the account a stack deploys into", () => {
    it("is the one account the AWS provider is allowed to use", () => {
        assert.equal(loadStackConfig("production", committed("production")).account.id, "111122223333");
        assert.equal(loadStackConfig("dev", committed("dev")).account.id, "444455556666");
    });

    it("must be named, as exactly one 12-digit id", () => {
        const { "aws:allowedAccountIds": _removed, ...missing } = committed("staging");
        assert.deepEqual(problemsOf("staging", missing).map((p) => p.key), ["aws:allowedAccountIds"]);
        for (const wrong of ['["1111"]', '["111122223333", "444455556666"]', "111122223333"]) {
            const [problem] = problemsOf("staging", { ...committed("staging"), "aws:allowedAccountIds": wrong });
            assert.equal(problem.key, "aws:allowedAccountIds");
            assert.match(problem.expected, /exactly one 12-digit AWS account id/);
        }
    });

    it("must own the certificates CloudFront and the load balancer use (at home and in the DR region), and the CI connection and roles", () => {
        const problems = problemsOf("production", { ...committed("production"), "aws:allowedAccountIds": '["999988887777"]' });
        assert.deepEqual(problems.map((p) => p.key).sort(), [
            "clinical-platform:certificates.edge",
            "clinical-platform:certificates.regional",
            "clinical-platform:ci.connectionArn",
            "clinical-platform:ci.deployRoleArn",
            "clinical-platform:ci.previewRoleArn",
            "clinical-platform:recovery.standby.certificates.edge",
            "clinical-platform:recovery.standby.certificates.regional",
        ]);
        assert.match(problems[0].expected, /account 999988887777/);
    });
});

describe("account-wide resources", () => {
    it("belong to exactly one committed stack per account", async () => {
        const staging = loadStackConfig("staging", committed("staging"));
        const production = loadStackConfig("production", committed("production"));
        assert.equal(staging.account.id, production.account.id, "the committed files put staging and production in one account");
        assert.equal([staging, production].filter((c) => c.account.ownsAccountResources).length, 1);
        assert.equal(loadStackConfig("dev", committed("dev")).account.ownsAccountResources, true, "dev is alone in its account");
    });

    it("refuse a second owner in the same account, naming both", async () => {
        const configFile = editedStackFile("staging", (document) => document.setIn(["config", "clinical-platform:ownsAccountResources"], true));
        await assert.rejects(runOfflinePreview({ stack: "staging", configFile, policy: false }), (error: unknown) => {
            assert.ok(error instanceof StackConfigError);
            assert.equal(error.problems[0].key, "clinical-platform:ownsAccountResources");
            assert.match(error.problems[0].received, /staging and production/);
            return true;
        });
    });

    it("refuse an account with no owner", async () => {
        const configFile = editedStackFile("production", (document) => document.setIn(["config", "clinical-platform:ownsAccountResources"], false));
        await assert.rejects(runOfflinePreview({ stack: "production", configFile, policy: false }), (error: unknown) => {
            assert.ok(error instanceof StackConfigError);
            assert.match(error.problems[0].expected, /exactly one stack of account 111122223333 \(staging, production\)/);
            assert.equal(error.problems[0].received, "none");
            return true;
        });
    });
});

describe("the account baseline", () => {
    it("blocks public S3 access account-wide from the owning stack only, and keeps the block when that stack goes", async () => {
        const owner = await previewOf("production");
        const [block] = owner.resources.filter((r) => r.type === "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock");
        assert.ok(block, "the owner of the account blocks public access");
        assert.deepEqual(
            { ...block.inputs },
            { accountId: "111122223333", blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true },
        );
        assert.equal(block.options.retainOnDelete, true);
        const other = await previewOf("staging");
        assert.deepEqual(other.resources.filter((r) => r.type === block.type), [], "the other stack of the account leaves it alone");
    });
});
