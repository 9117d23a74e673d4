import { strict as assert } from "assert";
import { policyOf, previewOf, single } from "../harness/stacks";

/**
 * Who each KMS key lets in, asserted with literal figures: the committed accounts (production and
 * staging share 111122223333, dev is 444455556666), the stacks' regions, and the service principals
 * and conditions of AWS's guides (CloudWatch Logs "Encrypt log data in CloudWatch Logs using AWS KMS";
 * SNS "Enable compatibility between event sources from AWS services and encrypted topics"; checked
 * 2026-12-01). A principal added to a key, or a condition dropped, turns these red.
 */
const STACK_FACTS = {
    production: { account: "111122223333", region: "us-east-1" },
    staging: { account: "111122223333", region: "us-east-1" },
    dev: { account: "444455556666", region: "us-east-2" },
} as const;

type Statement = Record<string, unknown>;
const principalsOf = (statements: Statement[]) => statements.map((s) => JSON.stringify(s.Principal)).sort();

describe("the key policies", () => {
    for (const [stack, { account, region }] of Object.entries(STACK_FACTS) as Array<[keyof typeof STACK_FACTS, (typeof STACK_FACTS)[keyof typeof STACK_FACTS]]>) {
        describe(`in ${stack}`, () => {
            const administers = { Sid: "AccountAdministersThroughIam", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" };

            it("let nobody but the account use the data and secrets keys", async () => {
                const { resources } = await previewOf(stack);
                for (const purpose of ["data", "secrets"]) {
                    assert.deepEqual(policyOf(single(resources, "aws:kms/key:Key", `keys-${purpose}`)).Statement, [administers], purpose);
                }
            });

            it("let CloudWatch Logs use the logs key only for this account's log groups in this region, and alarms and EventBridge publish to encrypted topics", async () => {
                const { resources } = await previewOf(stack);
                const statements = policyOf(single(resources, "aws:kms/key:Key", "keys-logs")).Statement;
                assert.deepEqual(statements[0], administers);
                assert.deepEqual(principalsOf(statements.slice(1)), [
                    '{"Service":"cloudwatch.amazonaws.com"}',
                    '{"Service":"events.amazonaws.com"}',
                    `{"Service":"logs.${region}.amazonaws.com"}`,
                ]);
                const logs = statements.find((s) => JSON.stringify(s.Principal) === `{"Service":"logs.${region}.amazonaws.com"}`)!;
                assert.deepEqual(logs.Condition, { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${account}:log-group:*` } });
                const alarms = statements.find((s) => JSON.stringify(s.Principal) === '{"Service":"cloudwatch.amazonaws.com"}')!;
                assert.deepEqual(alarms.Action, ["kms:Decrypt", "kms:GenerateDataKey*"]);
                assert.deepEqual(alarms.Condition, { StringEquals: { "aws:SourceAccount": account } });
                const events = statements.find((s) => JSON.stringify(s.Principal) === '{"Service":"events.amazonaws.com"}')!;
                assert.deepEqual(events.Action, ["kms:Decrypt", "kms:GenerateDataKey*"]);
                for (const statement of statements) assert.equal(statement.Effect, "Allow");
            });

            it("let CloudFront decrypt the assets only as this stack's distribution", async () => {
                const { resources } = await previewOf(stack);
                const keyPolicy = single(resources, "aws:kms/keyPolicy:KeyPolicy", "keys-assets");
                const statements = policyOf(keyPolicy).Statement;
                assert.deepEqual(statements[0], administers);
                assert.equal(statements.length, 2);
                assert.deepEqual(statements[1].Principal, { Service: "cloudfront.amazonaws.com" });
                assert.deepEqual(statements[1].Action, ["kms:Decrypt"]);
                const distribution = single(resources, "aws:cloudfront/distribution:Distribution");
                assert.ok(keyPolicy.propertyDependencies.policy?.includes(distribution.urn), "the condition names the distribution itself");
                const source = (statements[1].Condition as { StringEquals: Record<string, string> }).StringEquals["AWS:SourceArn"];
                assert.match(source, new RegExp(`^arn:aws:cloudfront::${account}:distribution/`));
            });
        });
    }
});
