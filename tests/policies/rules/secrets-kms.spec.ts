import { KMS, RDS, SECRETS } from "../../../policies/lib/types";
import * as kms from "../../../policies/rules/kms";
import * as rules from "../../../policies/rules/secretsmanager";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const secret = resource(SECRETS.secret, "jwt-secret", { kmsKeyId: UNKNOWN });
const rotation = (target = secret, inputs: Record<string, unknown> = {}) =>
    resource(SECRETS.rotation, `${target.name}-rotation`, { secretId: UNKNOWN, rotationLambdaArn: UNKNOWN, rotationRules: { automaticallyAfterDays: 30 }, ...inputs }, { secretId: target });
const publicPolicy = { Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "secretsmanager:GetSecretValue", Resource: "*" }] };
const keyPolicy = {
    Version: "2012-10-17",
    Statement: [
        { Sid: "Root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" },
        {
            Sid: "Logs",
            Effect: "Allow",
            Principal: "*",
            Action: ["kms:Encrypt*", "kms:Decrypt*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:PrincipalAccount": "123456789012" } },
        },
    ],
};

describe("Secrets Manager policies", () => {
    describeResourcePolicy(rules.secretsmanagerCustomerManagedKey, {
        accepts: { "a secret under the secrets key": secret },
        rejects: { "a secret under the AWS-managed key": [resource(SECRETS.secret, "s", {}), /aws\/secretsmanager key/] },
    });

    const database = resource(RDS.instance, "db", { engine: "postgres", manageMasterUserPassword: true });
    const unmanaged = resource(RDS.instance, "legacy-db", { engine: "postgres", password: UNKNOWN });
    const connection = resource(SECRETS.secret, "db-connection", { kmsKeyId: UNKNOWN });
    describeStackPolicy(rules.secretsmanagerRotationEnabled, {
        accepts: {
            "a secret with a rotation schedule": [secret, rotation()],
            "a connection secret whose version is computed from an RDS-managed master secret": [
                database,
                connection,
                resource(SECRETS.version, "db-connection-value", { secretId: UNKNOWN, secretString: UNKNOWN }, { secretId: connection, secretString: database }),
            ],
            "a secret that explicitly depends on an RDS-managed database": [database, { ...resource(SECRETS.secret, "db-meta", {}), dependencies: [database.urn] }],
        },
        notApplicable: {
            "a static secret exempted by name in the pack config": { resources: [secret], config: { exemptResources: [{ resource: "jwt-secret", reason: "a static test secret" }] } },
        },
        rejects: {
            "a secret nobody rotates": {
                resources: [secret, resource(SECRETS.secret, "api-key", {}), rotation(resource(SECRETS.secret, "api-key", {}))],
                offenders: ["jwt-secret"],
                message: /No SecretRotation targets this secret/,
            },
            "a secret derived from a database with a program-supplied password": {
                resources: [
                    unmanaged,
                    connection,
                    resource(SECRETS.version, "db-connection-value", { secretId: UNKNOWN, secretString: UNKNOWN }, { secretId: connection, secretString: unmanaged }),
                ],
                offenders: ["db-connection"],
                message: /never changes/,
            },
            "a secret whose rotation is switched off": {
                resources: [secret, rotation(secret, { rotationEnabled: false })],
                offenders: ["jwt-secret"],
                message: /No SecretRotation/,
            },
        },
    });

    describeResourcePolicy(rules.secretsmanagerRotationInterval, {
        accepts: {
            "rotation every 30 days": rotation(),
            "rotation on a schedule expression": rotation(secret, { rotationRules: { scheduleExpression: "rate(7 days)" } }),
        },
        rejects: {
            "rotation every 180 days": [rotation(secret, { rotationRules: { automaticallyAfterDays: 180 } }), /every 180 days; the maximum is 90/],
            "rotation every 60 days in production": [
                { subject: rotation(secret, { rotationRules: { automaticallyAfterDays: 60 } }), config: { maximumDays: 30 } },
                /maximum is 30/,
            ],
            "rotation on a schedule expression unknown in preview": [
                rotation(secret, { rotationRules: { scheduleExpression: UNKNOWN } }),
                /unknown in preview/,
            ],
            "rotation rules unknown in preview": [rotation(secret, { rotationRules: UNKNOWN }), /unknown in preview/],
        },
    });

    describeResourcePolicy(rules.secretsmanagerRecoveryWindow, {
        accepts: { "the default 30-day recovery window": secret },
        rejects: { "immediate deletion": [resource(SECRETS.secret, "s", { recoveryWindowInDays: 0 }), /irrecoverably/] },
    });

    describeResourcePolicy(rules.secretsmanagerPolicyNoPublic, {
        accepts: {
            "a secret without a resource policy": secret,
            "a resource policy document still unknown": resource(SECRETS.policy, "p", { secretArn: UNKNOWN, policy: UNKNOWN }),
        },
        rejects: {
            "a resource policy open to every account": [resource(SECRETS.policy, "p", { policy: JSON.stringify(publicPolicy) }), /Principal "\*"/],
        },
    });
});

describe("KMS policies", () => {
    const key = (inputs: Record<string, unknown>) => resource(KMS.key, "data-key", { description: "data", ...inputs });

    describeResourcePolicy(kms.kmsKeyRotationEnabled, {
        accepts: {
            "a symmetric key with rotation": key({ enableKeyRotation: true }),
            "an asymmetric signing key, which cannot rotate": key({ customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }),
        },
        rejects: {
            "a key whose rotation is unknown in preview": [key({ enableKeyRotation: UNKNOWN }), /enableKeyRotation is not true/],
            "a symmetric key without rotation": [key({}), /enableKeyRotation is not true/] },
    });

    describeResourcePolicy(kms.kmsKeyRotationPeriod, {
        accepts: { "yearly rotation": key({ enableKeyRotation: true, rotationPeriodInDays: 365 }) },
        rejects: { "rotation every two years": [key({ enableKeyRotation: true, rotationPeriodInDays: 730 }), /at least every 365 days/] },
    });

    describeResourcePolicy(kms.kmsNoBypassLockoutCheck, {
        accepts: { "a key keeping the safety check": key({}) },
        rejects: {
            "a key policy applied with the safety check bypassed": [
                resource(KMS.keyPolicy, "kp", { keyId: UNKNOWN, policy: JSON.stringify(keyPolicy), bypassPolicyLockoutSafetyCheck: true }),
                /unmanageable/,
            ],
        },
    });

    describeResourcePolicy(kms.kmsDeletionWindow, {
        accepts: {
            "the default 30-day window": key({}),
            "a 7-day window where dev allows it": { subject: key({ deletionWindowInDays: 7 }), config: { minimumDays: 7 } },
        },
        rejects: { "a 7-day window in production": [key({ deletionWindowInDays: 7 }), /less than 30 days/] },
    });

    describeResourcePolicy(kms.kmsKeyPolicyNoPublicPrincipal, {
        accepts: { "a policy for the account root and a conditioned service grant": key({ policy: JSON.stringify(keyPolicy) }) },
        rejects: {
            "a policy letting anyone use the key": [
                key({ policy: { Statement: [{ Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }] } }),
                /anyone could use or manage the key/,
            ],
        },
    });
});
