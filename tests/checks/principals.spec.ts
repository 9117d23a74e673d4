import { strict as assert } from "assert";
import { principalsCheck } from "../../infra/checks/principals";
import { UNKNOWN, planOf, resource, run, urnOf } from "./plans";

const KEY = "aws:kms/key:Key";
const SLR = "aws:iam/serviceLinkedRole:ServiceLinkedRole";
const AUTOSCALING_ROLE = "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling";

function keyPolicy(...principals: unknown[]): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: principals.map((principal) => ({ Effect: "Allow", Principal: principal, Action: "kms:Decrypt", Resource: "*" })),
    });
}

describe("the principals deploy check", () => {
    it("fails on a key policy naming a service-linked role no stack of the account creates, naming the key, the field and the ARN", () => {
        const plan = planOf({}, [resource(KEY, "cluster", { policy: keyPolicy({ AWS: AUTOSCALING_ROLE }) })]);
        const failures = run(principalsCheck, plan);
        assert.equal(failures.length, 1);
        assert.equal(failures[0].urn, urnOf("staging", KEY, "cluster"));
        assert.match(failures[0].message, /Key cluster policy names service-linked role "arn:aws:iam::111122223333:role\/aws-service-role\/autoscaling\.amazonaws\.com\/AWSServiceRoleForAutoScaling"/);
    });

    it("passes when the stack creates the service-linked role and the key depends on it", () => {
        const slr = resource(SLR, "autoscaling", { awsServiceName: "autoscaling.amazonaws.com" });
        const key = resource(KEY, "cluster", { policy: keyPolicy({ AWS: AUTOSCALING_ROLE }) }, { dependencies: [urnOf("staging", SLR, "autoscaling")] });
        assert.deepEqual(run(principalsCheck, planOf({}, [slr, key])), []);
    });

    it("fails when the stack creates the role the policy names but the key is not ordered after it", () => {
        const slr = resource(SLR, "autoscaling", { awsServiceName: "autoscaling.amazonaws.com" });
        const key = resource(KEY, "cluster", { policy: keyPolicy({ AWS: AUTOSCALING_ROLE }) });
        const [failure] = run(principalsCheck, planOf({}, [slr, key]));
        assert.match(failure.message, /which this stack creates \(autoscaling\), but cluster does not depend on it/);
    });

    it("accepts a service-linked role from the stack that owns the account's resources, and only from it", () => {
        const slr = resource(SLR, "autoscaling", { awsServiceName: "autoscaling.amazonaws.com" });
        const production = planOf({ stack: "production", ownsAccountResources: false }, [resource(KEY, "cluster", { policy: keyPolicy({ AWS: AUTOSCALING_ROLE }) })]);
        assert.deepEqual(run(principalsCheck, production, [planOf({ stack: "staging", ownsAccountResources: true }, [slr])]), []);
        const [failure] = run(principalsCheck, production, [planOf({ stack: "staging", ownsAccountResources: false }, [slr])]);
        assert.match(failure.message, /stack staging creates it but does not own the account's resources/);
    });

    it("accepts service principals, the account root and id, and the admin role from the stack file", () => {
        const policy = keyPolicy(
            { Service: "logs.us-east-1.amazonaws.com" }, { AWS: "arn:aws:iam::111122223333:root" }, { AWS: "111122223333" },
            { AWS: "arn:aws:iam::111122223333:role/platform-admin" }, "*",
        );
        assert.deepEqual(run(principalsCheck, planOf({}, [resource(KEY, "data", { policy })])), []);
    });

    it("fails on a role the stack neither creates nor is given, and on another account's root", () => {
        const policy = keyPolicy({ AWS: "arn:aws:iam::111122223333:role/ci-deployer" }, { AWS: "arn:aws:iam::999988887777:root" });
        const failures = run(principalsCheck, planOf({}, [resource(KEY, "data", { policy })]));
        assert.equal(failures.length, 2);
        assert.match(failures[0].message, /role "arn:aws:iam::111122223333:role\/ci-deployer", which this stack does not create/);
        assert.match(failures[1].message, /account 999988887777, not this stack's account 111122223333/);
    });

    it("fails on a trust policy naming a role of the stack it is not ordered after, matched by Pulumi's generated name", () => {
        const role = resource("aws:iam/role:Role", "api", { assumeRolePolicy: keyPolicy({ Service: "pods.eks.amazonaws.com" }) });
        const trusting = resource("aws:iam/role:Role", "auditor", { assumeRolePolicy: keyPolicy({ AWS: "arn:aws:iam::111122223333:role/api-3c04485" }) });
        const [failure] = run(principalsCheck, planOf({}, [role, trusting]));
        assert.match(failure.message, /Role auditor assumeRolePolicy names .*api-3c04485.*does not depend on it/);
    });

    it("accepts an unknown principal only when its property dependency shows a role the stack creates", () => {
        const role = resource("aws:iam/role:Role", "api", {});
        const fromRole = resource(KEY, "a", { policy: keyPolicy({ AWS: UNKNOWN }) }, { propertyDependencies: { policy: [urnOf("staging", "aws:iam/role:Role", "api")] } });
        const fromNowhere = resource(KEY, "b", { policy: keyPolicy({ AWS: UNKNOWN }) });
        const failures = run(principalsCheck, planOf({}, [role, fromRole, fromNowhere]));
        assert.deepEqual(failures.map((f) => f.urn.split("::").pop()), ["b"]);
        assert.match(failures[0].message, /unknown until the update and comes from no role or user this stack creates/);
    });

    it("fails on a Lambda permission whose principal is not a service principal", () => {
        const permission = resource("aws:lambda/permission:Permission", "rotation", { principal: "secretsmanager" });
        const [failure] = run(principalsCheck, planOf({}, [permission]));
        assert.match(failure.message, /Permission rotation principal names Service principal "secretsmanager"/);
    });
    describe("with a trust policy federated to an OIDC provider", () => {
        const OIDC = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";
        const ROLE = "aws:iam/role:Role";
        const GITHUB = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
        const trust = (federated: string) => JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Federated: federated }, Action: "sts:AssumeRoleWithWebIdentity" }],
        });
        const provider = resource(OIDC, "github", { url: "https://token.actions.githubusercontent.com", clientIdLists: ["sts.amazonaws.com"] });

        it("passes when the stack creates the provider and the role depends on it", () => {
            const role = resource(ROLE, "deploy", { assumeRolePolicy: trust(GITHUB) }, { dependencies: [urnOf("staging", OIDC, "github")] });
            assert.deepEqual(run(principalsCheck, planOf({}, [provider, role])), []);
        });

        it("fails when no stack creates the provider, since it does not exist on a fresh account", () => {
            const [failure] = run(principalsCheck, planOf({}, [resource(ROLE, "deploy", { assumeRolePolicy: trust(GITHUB) })]));
            assert.match(failure.message, /Federated principal "arn:aws:iam::111122223333:oidc-provider\/token\.actions\.githubusercontent\.com", an OIDC provider this stack does not create/);
        });

        it("fails when the role is not ordered after the provider it trusts", () => {
            const [failure] = run(principalsCheck, planOf({}, [provider, resource(ROLE, "deploy", { assumeRolePolicy: trust(GITHUB) })]));
            assert.match(failure.message, /which this stack creates \(github\), but deploy does not depend on it/);
        });

        it("accepts a provider unknown until the update when it comes from one the stack creates", () => {
            const role = resource(ROLE, "deploy", { assumeRolePolicy: trust(UNKNOWN) }, {
                dependencies: [urnOf("staging", OIDC, "github")],
                propertyDependencies: { assumeRolePolicy: [urnOf("staging", OIDC, "github")] },
            });
            assert.deepEqual(run(principalsCheck, planOf({}, [provider, role])), []);
        });
    });
});
