import { strict as assert } from "assert";
import { iamReferenceCheck } from "../../infra/checks/iam-reference";
import { STACKS } from "../harness/stacks";
import { committedPlan, failuresOf, planOf, resource, secret, UNKNOWN } from "./schema-support";

const ACCOUNT = "123456789012";

function keyWithPolicy(statements: Array<Record<string, unknown>>) {
    return resource("aws:kms/key:Key", "data", { description: "data", policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) });
}

const ROOT = { AWS: `arn:aws:iam::${ACCOUNT}:root` };

describe("the iam-reference deploy check", () => {
    it("passes real actions, wildcards that match, global and service condition keys, and qualified operators", () => {
        const key = keyWithPolicy([
            { Sid: "Root", Effect: "Allow", Principal: ROOT, Action: "kms:*", Resource: "*" },
            {
                Sid: "Logs", Effect: "Allow", Principal: { Service: "logs.us-east-1.amazonaws.com" },
                Action: ["kms:Encrypt*", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe?ey"], Resource: "*",
                Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:us-east-1:${ACCOUNT}:*` } },
            },
            {
                Sid: "Grants", Effect: "Allow", Principal: ROOT, Action: "kms:CreateGrant", Resource: "*",
                Condition: { Bool: { "kms:GrantIsForAWSResource": "true" }, "ForAnyValue:StringEquals": { "kms:ViaService": "ec2.us-east-1.amazonaws.com" } },
            },
            {
                Sid: "Tags", Effect: "Allow", Principal: ROOT, Action: "kms:TagResource", Resource: "*",
                Condition: { StringEqualsIfExists: { "aws:RequestTag/eks-cluster-name": "platform" }, Null: { "aws:SourceArn": "false" } },
            },
        ]);
        assert.deepEqual(failuresOf(iamReferenceCheck, planOf([key])), []);
    });

    it("fails an action that does not exist, naming the resource, the statement and the likely intent", () => {
        const failures = failuresOf(iamReferenceCheck, planOf([keyWithPolicy([{ Sid: "Use", Effect: "Allow", Principal: ROOT, Action: ["kms:Encrypt", "kms:Decript"], Resource: "*" }])]));
        assert.equal(failures.length, 1);
        assert.match(failures[0], /^aws:kms\/key:Key "data": policy Statement\[0\] \(Sid "Use"\) Action: "kms:Decript" is not a kms action; did you mean kms:Decrypt\?; expected an action listed for the service \(AWS Service Authorization Reference, @cloud-copilot\/iam-data 0\.21\.\d+\)$/);
    });

    it("fails a wildcard that matches no action and a service prefix that does not exist", () => {
        const failures = failuresOf(iamReferenceCheck, planOf([keyWithPolicy([
            { Effect: "Allow", Principal: ROOT, Action: ["kms:GenerateDataKeys*", "kmss:Decrypt"], Resource: "*" },
        ])]));
        assert.equal(failures.length, 2, failures.join("\n"));
        assert.match(failures[0], /Statement\[0\] Action: "kms:GenerateDataKeys\*" matches no kms action/);
        assert.match(failures[1], /Statement\[0\] Action: "kmss:Decrypt" names no AWS service: there is no service prefix "kmss"/);
    });

    it("fails a condition key that does not exist, for a service and for the global keys", () => {
        const failures = failuresOf(iamReferenceCheck, planOf([keyWithPolicy([{
            Sid: "Grants", Effect: "Allow", Principal: ROOT, Action: "kms:CreateGrant", Resource: "*",
            Condition: { Bool: { "kms:GrantIsForAwsResources": "true" }, StringEquals: { "aws:SourceAccounts": ACCOUNT } },
        }])]));
        assert.equal(failures.length, 2, failures.join("\n"));
        assert.match(failures[0], /^aws:kms\/key:Key "data": policy Statement\[0\] \(Sid "Grants"\) Condition Bool: condition key "kms:GrantIsForAwsResources" is not a condition key of kms; did you mean kms:GrantIsForAWSResource\?/);
        assert.match(failures[1], /Condition StringEquals: condition key "aws:SourceAccounts" is not a global condition key/);
    });

    it("fails a condition operator that does not exist", () => {
        const failures = failuresOf(iamReferenceCheck, planOf([keyWithPolicy([
            { Effect: "Allow", Principal: ROOT, Action: "kms:Decrypt", Resource: "*", Condition: { StringEqual: { "kms:ViaService": "s3.us-east-1.amazonaws.com" }, NullIfExists: { "aws:SourceArn": "true" } } },
        ])]));
        assert.equal(failures.length, 2, failures.join("\n"));
        assert.match(failures[0], /Condition: operator "StringEqual" is not a condition operator \(expected one of StringEquals,/);
        assert.match(failures[1], /Condition: operator "NullIfExists" Null takes no IfExists suffix/);
    });

    it("finds policy documents in any input, secret or nested, and in any resource type", () => {
        const topicPolicy = resource("aws:sns/topicPolicy:TopicPolicy", "alarms", {
            arn: "arn:aws:sns:us-east-1:123456789012:alarms",
            policy: secret(JSON.stringify({ Statement: { Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publsh", Resource: "*" } })),
        });
        const role = resource("aws:iam/role:Role", "api", {
            assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }] }),
            inlinePolicies: [{ name: "read", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:GetObjekt", Resource: "*" }] }) }],
        });
        const failures = failuresOf(iamReferenceCheck, planOf([topicPolicy, role]));
        assert.equal(failures.length, 2, failures.join("\n"));
        assert.match(failures[0], /^aws:sns\/topicPolicy:TopicPolicy "alarms": policy Statement\[0\] Action: "sns:Publsh" is not a sns action; did you mean sns:Publish\?/);
        assert.match(failures[1], /^aws:iam\/role:Role "api": inlinePolicies\[0\]\.policy Statement\[0\] Action: "s3:GetObjekt" is not a s3 action; did you mean s3:GetObject\?/);
    });

    it("accepts the claims of a web identity provider as condition keys", () => {
        const role = resource("aws:iam/role:Role", "ci", {
            assumeRolePolicy: JSON.stringify({ Statement: [{
                Effect: "Allow", Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` }, Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF:sub": "system:serviceaccount:kube-system:ci" } },
            }] }),
        });
        assert.deepEqual(failuresOf(iamReferenceCheck, planOf([role])), []);
    });

    it("does not crash on values unknown until the update, inside or instead of a document", () => {
        const partlyUnknown = keyWithPolicy([{ Effect: "Allow", Principal: { AWS: UNKNOWN }, Action: ["kms:Decrypt", `kms:${UNKNOWN}`], Resource: UNKNOWN, Condition: { StringEquals: { [`kms:${UNKNOWN}`]: UNKNOWN } } }]);
        const wholly = resource("aws:s3/bucketPolicy:BucketPolicy", "logs", { bucket: UNKNOWN, policy: UNKNOWN });
        assert.deepEqual(failuresOf(iamReferenceCheck, planOf([partlyUnknown, wholly])), []);
    });

    for (const stack of STACKS) {
        for (const firstDeployment of [false, true]) {
            it(`passes every policy document ${stack} registers${firstDeployment ? " on a first deployment" : ""}`, async () => {
                assert.deepEqual(failuresOf(iamReferenceCheck, await committedPlan(stack, { firstDeployment })), []);
            });
        }
    }
});
