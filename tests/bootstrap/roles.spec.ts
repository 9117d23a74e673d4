import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { ACCOUNT, REPOSITORY, SHARED_ACCOUNT, Statement, asList, documentOf, grantsOf, ofType, previewOf, single } from "./support";

const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/policy:Policy";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

/** The trust GitHub's documentation prescribes: the audience and the subject (or subjects) pinned, nothing else. */
function trustFor(subject: string | string[]) {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "GitHubActions",
            Effect: "Allow",
            Principal: { Federated: PROVIDER_ARN },
            Action: ["sts:AssumeRoleWithWebIdentity"],
            Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": subject } },
        }],
    };
}

const allows = (statements: Statement[], action: string) => statements.filter((s) => s.Effect === "Allow" && asList(s.Action).includes(action));

describe("the account bootstrap's GitHub OIDC provider and CI roles", () => {
    it("registers GitHub's OIDC provider for the STS audience without a thumbprint, protected", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const provider = single(resources, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
        assert.equal(provider.inputs.url, "https://token.actions.githubusercontent.com");
        assert.deepEqual(provider.inputs.clientIdLists, ["sts.amazonaws.com"]);
        assert.equal(provider.inputs.thumbprintLists, undefined);
        assert.equal(provider.options.protect, true);
    });

    it("creates the account's GitHub connection for the CI runners, protected, and lets each deploy role use that connection only", async () => {
        const { resources, outputs } = await previewOf(SHARED_ACCOUNT);
        const connection = single(resources, "aws:codeconnections/connection:Connection");
        assert.equal(connection.inputs.providerType, "GitHub");
        assert.equal(connection.inputs.name, "clinical-platform-github");
        assert.equal(connection.options.protect, true);
        assert.equal(outputs.githubConnectionArn, `arn:aws:codeconnections:eu-west-1:${ACCOUNT}:connection/clinical-platform-github`);
        for (const stack of ["staging", "production"]) {
            const uses = allows(grantsOf(resources, `${stack}-deploy`), "codeconnections:UseConnection").flatMap((s) => asList(s.Resource));
            assert.deepEqual(uses, [outputs.githubConnectionArn], stack);
        }
    });

    it("gives each platform stack of the account one deploy role, trusted only by jobs in that stack's GitHub environment, for two hours at most", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const deployRoles = ofType(resources, ROLE).filter((r) => r.name.endsWith("-deploy"));
        assert.deepEqual(deployRoles.map((r) => r.inputs.name).sort(), ["clinical-platform-deploy-production", "clinical-platform-deploy-staging"]);
        for (const [stack, environment] of [["staging", "staging"], ["production", "production-eu"]]) {
            const role = single(resources, ROLE, `${stack}-deploy`);
            assert.deepEqual(documentOf(role, "assumeRolePolicy"), trustFor(`repo:${REPOSITORY}:environment:${environment}`), stack);
            assert.equal(role.inputs.maxSessionDuration, 7200, stack);
        }
    });

    it("lets the break-glass environment of a stack assume its deploy role too, and no other environment", async () => {
        const withBreakGlass = {
            ...SHARED_ACCOUNT,
            "clinical-platform-bootstrap:stacks": {
                staging: { environment: "staging", region: "eu-west-1", ownsAccountResources: true },
                production: { environment: "production-eu", breakGlassEnvironment: "production-break-glass", region: "eu-central-1" },
            },
        };
        const { resources } = await previewOf(withBreakGlass);
        assert.deepEqual(documentOf(single(resources, ROLE, "production-deploy"), "assumeRolePolicy"), trustFor([
            `repo:${REPOSITORY}:environment:production-eu`,
            `repo:${REPOSITORY}:environment:production-break-glass`,
        ]));
        assert.deepEqual(documentOf(single(resources, ROLE, "staging-deploy"), "assumeRolePolicy"), trustFor(`repo:${REPOSITORY}:environment:staging`));
    });

    it("trusts the preview role only for pull-request jobs of the repository", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const preview = single(resources, ROLE, "preview");
        assert.equal(preview.inputs.name, "clinical-platform-preview");
        assert.deepEqual(documentOf(preview, "assumeRolePolicy"), trustFor(`repo:${REPOSITORY}:pull_request`));
    });

    it("lets a deploy role create roles only with its stack's permissions boundary and tag, and never remove a boundary", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        for (const stack of ["staging", "production"]) {
            const boundary = single(resources, POLICY, `${stack}-boundary`);
            assert.equal(boundary.inputs.name, `clinical-platform-${stack}-boundary`);
            const boundaryArn = `arn:aws:iam::${ACCOUNT}:policy/clinical-platform-${stack}-boundary`;
            const grants = grantsOf(resources, `${stack}-deploy`);
            for (const action of ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary"]) {
                const statements = allows(grants, action);
                assert.ok(statements.length > 0, `${stack} may ${action}`);
                for (const statement of statements) assert.equal(statement.Condition?.StringEquals?.["iam:PermissionsBoundary"], boundaryArn, `${stack} ${action}`);
            }
            assert.ok(allows(grants, "iam:CreateRole").every((s) => s.Condition?.StringEquals?.["aws:RequestTag/Environment"] === stack));
            assert.ok(grants.some((s) => s.Effect === "Deny" && asList(s.Action).includes("iam:DeleteRolePermissionsBoundary") && s.Resource === "*"));
            assert.equal(allows(grants, "iam:DeleteRolePermissionsBoundary").length, 0);
        }
    });

    it("lets each deploy role publish the failed-deploy notice to its own stack's critical alarm topic, and to no other topic", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        for (const stack of ["staging", "production"]) {
            const publish = allows(grantsOf(resources, `${stack}-deploy`), "sns:Publish");
            assert.deepEqual(publish.flatMap((s) => asList(s.Resource)), [`arn:aws:sns:*:${ACCOUNT}:clinical-platform-${stack}-alarms-critical`]);
        }
    });

    it("lets a deploy role pass only its own stack's roles, and only to the services the platform's roles serve", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const [passRole] = allows(grantsOf(resources, "production-deploy"), "iam:PassRole");
        assert.equal(passRole.Condition?.StringEquals?.["aws:ResourceTag/Environment"], "production");
        assert.deepEqual([...asList(passRole.Condition?.StringEquals?.["iam:PassedToService"])].sort(), [
            "backup.amazonaws.com", "chatbot.amazonaws.com", "cloudtrail.amazonaws.com", "codebuild.amazonaws.com", "ec2.amazonaws.com", "eks.amazonaws.com", "lambda.amazonaws.com",
            "monitoring.rds.amazonaws.com", "pods.eks.amazonaws.com", "s3.amazonaws.com", "vpc-flow-logs.amazonaws.com",
        ]);
    });

    it("bounds the roles a stack creates: no IAM principal or policy of their own, only the stack's roles to pass, not the Pulumi state or keys, only the stack's regions", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const boundary = documentOf(single(resources, POLICY, "production-boundary")).Statement;
        const denied = (action: string) => boundary.some((s) => s.Effect === "Deny" && asList(s.Action).includes(action) && s.Resource === "*");
        for (const action of ["iam:CreateRole", "iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:CreateUser", "iam:CreateAccessKey", "iam:DeleteRolePermissionsBoundary"]) assert.ok(denied(action), action);
        const state = boundary.find((s) => s.Sid === "NoPulumiStateOrKeys");
        assert.ok(asList(state?.Resource).includes(`arn:aws:s3:::clinical-platform-state-${ACCOUNT}-eu-west-1/*`));
        const passRole = boundary.filter((s) => s.Effect === "Allow" && asList(s.Action).includes("iam:PassRole"));
        assert.deepEqual(passRole.map((s) => s.Condition?.StringEquals?.["aws:ResourceTag/Environment"]), ["production"]);
        assert.ok(boundary.filter((s) => s.Effect === "Allow").every((s) => asList(s.Action).every((a) => !/^[a-z0-9-]+:\*$/.test(a))), "no service is allowed whole, even in the ceiling");
        const regions = boundary.find((s) => s.Effect === "Deny" && s.Condition?.StringNotEquals?.["aws:RequestedRegion"]);
        assert.deepEqual([...asList(regions?.Condition?.StringNotEquals?.["aws:RequestedRegion"])].sort(), ["eu-central-1", "eu-west-1", "us-east-1"], "its own, its DR region and the edge's");
    });

    it("keeps each deploy role to its own stack: names of its own resources only, and a deny on anything tagged for another stack", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const grants = grantsOf(resources, "production-deploy");
        const named = grants.flatMap((s) => asList(s.Resource)).filter((r) => /clinical-platform-(staging|production)\b|clinical-platform\/(staging|production)\//.test(r));
        assert.ok(named.length > 0);
        assert.deepEqual(named.filter((r) => r.includes("staging")), []);
        const otherStacks = grants.find((s) => s.Effect === "Deny" && s.Condition?.StringNotEquals?.["aws:ResourceTag/Environment"] === "production");
        assert.deepEqual(otherStacks?.Condition?.Null, { "aws:ResourceTag/Environment": "false" });
        assert.ok(asList(otherStacks?.Action).includes("ec2:*") && asList(otherStacks?.Action).includes("s3:*"));
    });

    it("writes a deploy role's state only under its own stack's keys, and lets it use the secrets key", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const grants = grantsOf(resources, "staging-deploy");
        const bucket = `arn:aws:s3:::clinical-platform-state-${ACCOUNT}-eu-west-1`;
        // Its only other object writes are the front end's, into the assets buckets (spec below).
        const writes = allows(grants, "s3:PutObject").flatMap((s) => asList(s.Resource)).filter((r) => r !== "arn:aws:s3:::storage-assets-*/*");
        assert.deepEqual(writes.sort(), [
            `${bucket}/.pulumi/backups/clinical-platform/staging/*`,
            `${bucket}/.pulumi/history/clinical-platform/staging/*`,
            `${bucket}/.pulumi/journal/clinical-platform/staging/*`,
            `${bucket}/.pulumi/locks/organization/clinical-platform/staging/*`,
            `${bucket}/.pulumi/stacks/clinical-platform/staging.json*`,
        ]);
        const secretsKey = single(resources, "aws:kms/key:Key", "pulumi-secrets");
        const [decrypt] = allows(grants, "kms:Encrypt");
        assert.match(String(decrypt.Resource), /^arn:aws:kms:eu-west-1:\d{12}:key\//);
        assert.ok(single(resources, POLICY, "staging-deploy-state").propertyDependencies.policy.includes(secretsKey.urn));
    });

    it("attaches ViewOnlyAccess to the preview role, not ReadOnlyAccess, and lets it write only lock files", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const preview = single(resources, ROLE, "preview");
        const managed = ofType(resources, ATTACHMENT).filter((a) => a.propertyDependencies.role?.includes(preview.urn)).map((a) => a.inputs.policyArn);
        assert.ok(managed.includes("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"));
        assert.ok(!managed.some((arn) => String(arn).endsWith("/ReadOnlyAccess")));
        const grants = grantsOf(resources, "preview");
        const bucket = `arn:aws:s3:::clinical-platform-state-${ACCOUNT}-eu-west-1`;
        assert.deepEqual(allows(grants, "s3:PutObject").flatMap((s) => asList(s.Resource)), [`${bucket}/.pulumi/locks/organization/clinical-platform/*`]);
        assert.deepEqual(allows(grants, "kms:Encrypt"), []);
        assert.ok(allows(grants, "kms:Decrypt").length > 0);
        for (const data of ["s3:GetObject", "secretsmanager:GetSecretValue", "logs:GetLogEvents"]) {
            const reach = allows(grants, data).flatMap((s) => asList(s.Resource));
            assert.ok(reach.every((r) => r.startsWith(`${bucket}/.pulumi/`)), `${data} reaches only Pulumi state: ${reach.join(", ")}`);
        }
    });

    it("grants no service-wide or all-actions wildcard on every resource in any CI role's policies", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        for (const role of ["staging-deploy", "production-deploy", "preview"]) {
            for (const statement of grantsOf(resources, role).filter((s) => s.Effect === "Allow")) {
                const everything = asList(statement.Resource).includes("*");
                const wildcards = asList(statement.Action).filter((a) => a === "*" || a.endsWith(":*"));
                assert.ok(!(everything && wildcards.length > 0), `${statement.policy} ${statement.Sid}: ${wildcards.join(", ")} on *`);
                assert.equal(statement.NotAction, undefined, `${statement.policy} ${statement.Sid} allows with NotAction`);
            }
        }
    });

    it("keeps every policy within IAM's 6,144-character managed-policy limit and each role within 10 attachments", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        for (const policy of ofType(resources, POLICY)) {
            const size = String(policy.inputs.policy).replace(/\s/g, "").length;
            assert.ok(size <= 6144, `${policy.name}: ${size} characters`);
        }
        for (const role of ofType(resources, ROLE)) {
            const attachments = ofType(resources, ATTACHMENT).filter((a) => a.propertyDependencies.role?.includes(role.urn));
            assert.ok(attachments.length <= 10, `${role.name}: ${attachments.length} managed policies`);
        }
    });

    it("outputs each stack's deploy role and boundary and the preview role, as the GitHub variables take them", async () => {
        const { outputs } = await previewOf(SHARED_ACCOUNT);
        assert.deepEqual(outputs.deployRoles, {
            staging: { environment: "staging", roleArn: `arn:aws:iam::${ACCOUNT}:role/clinical-platform-deploy-staging`, permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/clinical-platform-staging-boundary` },
            production: { environment: "production-eu", roleArn: `arn:aws:iam::${ACCOUNT}:role/clinical-platform-deploy-production`, permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/clinical-platform-production-boundary` },
        });
        assert.equal(outputs.previewRoleArn, `arn:aws:iam::${ACCOUNT}:role/clinical-platform-preview`);
        assert.equal(outputs.oidcProviderArn, PROVIDER_ARN);
    });

    it("carries no Environment tag on anything it creates, so no stack's deploy role can claim it", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        for (const resource of resources.filter((r) => r.custom && r.inputs.tags !== undefined)) {
            assert.equal((resource.inputs.tags as Record<string, string>).Environment, undefined, resource.name);
        }
    });

    it("lets only the stack that owns the account's resources change the account's S3 Block Public Access", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        assert.equal(allows(grantsOf(resources, "staging-deploy"), "s3:PutAccountPublicAccessBlock").length, 1);
        assert.equal(allows(grantsOf(resources, "production-deploy"), "s3:PutAccountPublicAccessBlock").length, 0);
    });

    it("lets a deploy role publish the front end: put objects into an assets bucket, use its stack's keys, invalidate a distribution, and delete nothing there", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const grants = grantsOf(resources, "production-deploy");
        const state = `arn:aws:s3:::clinical-platform-state-${ACCOUNT}-eu-west-1/`;
        const puts = allows(grants, "s3:PutObject").flatMap((s) => asList(s.Resource)).filter((r) => !r.startsWith(state));
        assert.deepEqual(puts, ["arn:aws:s3:::storage-assets-*/*"]);
        const deletes = allows(grants, "s3:DeleteObject").flatMap((s) => asList(s.Resource));
        assert.ok(deletes.every((r) => r.startsWith(state)), `deletes only state: ${deletes.join(", ")}`);
        // The assets bucket encrypts with the assets key: S3 generates the data key with the uploader's permissions.
        const keyUse = allows(grants, "kms:GenerateDataKey").find((s) => asList(s.Resource).includes(`arn:aws:kms:*:${ACCOUNT}:key/*`));
        assert.equal(keyUse?.Condition?.StringEquals?.["aws:ResourceTag/Environment"], "production");
        assert.ok(asList(keyUse?.Action).includes("kms:Decrypt"), "a multipart upload decrypts the data key too");
        for (const action of ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"]) {
            assert.deepEqual(allows(grants, action).flatMap((s) => asList(s.Resource)), [`arn:aws:cloudfront::${ACCOUNT}:distribution/*`], action);
        }
        const guard = grants.find((s) => s.Sid === "NotOtherStacksResources");
        assert.ok(asList(guard?.Action).includes("cloudfront:*") && asList(guard?.Action).includes("s3:*"), "another stack's tagged distribution stays out of reach");
    });

    it("lets a deploy role manage only its own stack's CloudFront Functions, created on the only resource CreateFunction has", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const grants = grantsOf(resources, "production-deploy");
        assert.deepEqual(allows(grants, "cloudfront:CreateFunction").flatMap((s) => asList(s.Resource)), ["*"]);
        for (const action of ["cloudfront:UpdateFunction", "cloudfront:PublishFunction", "cloudfront:DeleteFunction", "cloudfront:DescribeFunction"]) {
            assert.deepEqual(allows(grants, action).flatMap((s) => asList(s.Resource)), [`arn:aws:cloudfront::${ACCOUNT}:function/clinical-platform-production-*`], action);
        }
    });

    it("lets the deploy job hold its role as long as the workflow asks (role-duration-seconds)", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const workflow = readFileSync(path.join(__dirname, "..", "..", ".github", "workflows", "deploy-stack.yml"), "utf8");
        const requested = Number(/role-duration-seconds: (\d+)/.exec(workflow)?.[1]);
        assert.ok(requested > 0);
        for (const stack of ["staging", "production"]) assert.ok(Number(single(resources, ROLE, `${stack}-deploy`).inputs.maxSessionDuration) >= requested, stack);
    });
});
