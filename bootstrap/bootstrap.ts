/**
 * What one AWS account needs before the platform can deploy into it from CI: the S3 state backend
 * and the KMS key of Pulumi's `awskms://` secrets provider, GitHub's OIDC identity provider, the
 * CodeConnections connection the CI runners' webhooks use, and the CI roles (a deploy role per
 * platform stack, one preview role for pull requests).
 *
 * Everything here is account-level and long-lived: keys, bucket and provider are protected and
 * retained if they ever leave the program. Nothing here carries the platform's `Environment` tag,
 * so no stack's deploy role can touch it (deploy-policy.ts guardrails deny the names too).
 */
import * as aws from "../components/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../components/iam";
import { KEY_SETTINGS, accountAdministers } from "../components/keys";
import { iamManagedPolicyArn } from "../components/partition";
import { SecureBucket, serverAccessLogDelivery } from "../components/secure-bucket";
import { BootstrapConfig, PLATFORM_PROJECT } from "./config";
import { deployDocuments } from "./deploy-policy";
import {
    GITHUB_AUDIENCE, GITHUB_ISSUER, Names, PREVIEW_ROLE_NAME, boundaryDocument, boundaryName, deployRoleName,
    environmentSubject, githubTrust, previewDocument, pullRequestSubject,
} from "./documents";

/** Noncurrent versions of state objects are kept this long: the window to recover a state a bad update overwrote. */
export const NONCURRENT_STATE_DAYS = 90;
/** Access logs of the state bucket are kept six years, the HIPAA documentation retention (45 CFR 164.316(b)(2)). */
export const ACCESS_LOG_DAYS = 2190;
/** The state bucket's access-log bucket: its name and a suffix (config.ts keeps the name short enough). */
export const accessLogBucketName = (stateBucket: string) => `${stateBucket}-access-logs`;
/** The secrets provider's alias; stack files name it in `secretsprovider: awskms://alias/…`. */
export const SECRETS_KEY_ALIAS = `alias/${PLATFORM_PROJECT}-pulumi-secrets`;
export const STATE_KEY_ALIAS = `alias/${PLATFORM_PROJECT}-pulumi-state`;
/** The deploy job's `role-duration-seconds` (.github/workflows/deploy-stack.yml): a first `up` takes tens of minutes. */
export const DEPLOY_SESSION_SECONDS = 7200;
export const PREVIEW_SESSION_SECONDS = 3600;
/** CodeConnections names are at most 32 characters. */
export const GITHUB_CONNECTION_NAME = `${PLATFORM_PROJECT}-github`;
/**
 * AWS's view-only job-function policy: lists and describes, reads no data. Its ARN as the AWS
 * managed policy reference gives it (docs.aws.amazon.com/aws-managed-policy/latest/reference/ViewOnlyAccess, read 2026-12-01).
 */
export const VIEW_ONLY_POLICY = "job-function/ViewOnlyAccess";

/**
 * Lambda's "Concurrent executions" quota (service code `lambda`, quota code L-B99A9384, as the
 * Service Quotas console and public Terraform configurations name it, e.g.
 * NHSDigital/national-document-repository-infrastructure service-quota.tf; checked 2026-12-01).
 * The platform's functions reserve concurrency, and Lambda keeps 100 executions unreserved
 * (Lambda Developer Guide, "Configuring reserved concurrency"), while "new AWS accounts have reduced
 * concurrency and memory quotas" (Lambda quotas page). 1,000 is the documented default of an
 * established account.
 */
export const LAMBDA_CONCURRENCY_QUOTA = { serviceCode: "lambda", quotaCode: "L-B99A9384", value: 1000 } as const;

export interface BootstrapOutputs {
    /** `pulumi login` URL and the repository variable PULUMI_BACKEND_URL. */
    backendUrl: pulumi.Output<string>;
    /** `--secrets-provider` of `pulumi stack init` for every platform stack of the account. */
    secretsProvider: string;
    stateBucket: pulumi.Output<string>;
    stateKeyArn: pulumi.Output<string>;
    secretsKeyArn: pulumi.Output<string>;
    oidcProviderArn: pulumi.Output<string>;
    /** The `connectionArn` of every platform stack's `clinical-platform:ci` settings; usable once AVAILABLE. */
    githubConnectionArn: pulumi.Output<string>;
    /** Per platform stack: the AWS_DEPLOY_ROLE_ARN of its GitHub environment, and its boundary. */
    deployRoles: Record<string, { environment: string; roleArn: pulumi.Output<string>; permissionsBoundaryArn: pulumi.Output<string> }>;
    /** The repository variable AWS_PREVIEW_ROLE_ARN. */
    previewRoleArn: pulumi.Output<string>;
    /** Per DR-stack region: the backend and secrets provider a DR stack uses there, reachable without the home region. */
    drBackends: Record<string, { backendUrl: pulumi.Output<string>; secretsProvider: string }>;
}

export function defineBootstrap(config: BootstrapConfig): BootstrapOutputs {
    const partition = aws.getPartitionOutput({}).partition;
    const tags = { Project: PLATFORM_PROJECT, ManagedBy: "pulumi", Stack: `bootstrap-${config.stack}` };
    const root = pulumi.interpolate`arn:${partition}:iam::${config.accountId}:root`;

    const home = stateBackend("", config.stateBucketName, config, root, tags);
    const { stateKey, secretsKey, bucket } = home;

    // The DR stacks keep their state in their own region: a lost home region takes its state bucket
    // and keys with it, and a DR stack must deploy without them (docs/runbooks/restore.md).
    const drBackends: BootstrapOutputs["drBackends"] = {};
    const drBackendNames = new Map<string, pulumi.Output<Pick<Names, "stateBucket" | "accessLogBucket" | "stateRegion" | "stateKeyArn" | "secretsKeyArn">>>();
    for (const region of [...new Set(config.stacks.filter((stack) => stack.restoresFrom !== undefined).map((stack) => stack.region))].sort()) {
        if (region === config.region) continue;
        const provider = new aws.Provider(`state-${region}`, { region, allowedAccountIds: [config.accountId] });
        const bucketName = drStateBucketName(config.stateBucketName, config.region, region);
        const backend = stateBackend(`${region}-`, bucketName, config, root, tags, provider);
        drBackends[region] = {
            backendUrl: pulumi.interpolate`s3://${backend.bucket.bucketName}?region=${region}`,
            secretsProvider: `awskms://${SECRETS_KEY_ALIAS}?region=${region}`,
        };
        drBackendNames.set(region, pulumi.all([backend.stateKey.arn, backend.secretsKey.arn]).apply(([stateKeyArn, secretsKeyArn]) => ({
            stateBucket: bucketName, accessLogBucket: accessLogBucketName(bucketName), stateRegion: region, stateKeyArn, secretsKeyArn,
        })));
    }

    // AWS validates GitHub's OIDC endpoint against its own library of trusted root CAs, not a
    // thumbprint, and IAM's CreateOpenIDConnectProvider takes ThumbprintList as optional
    // (@pulumi/aws 7.48.0 iam/openIdConnectProvider.d.ts, thumbprintLists; AWS SDK CreateOpenIDConnectProviderRequest;
    // aws-actions/configure-aws-credentials#763; checked 2026-12-01), so none is pinned here.
    const oidc = new aws.iam.OpenIdConnectProvider("github", {
        url: `https://${GITHUB_ISSUER}`,
        clientIdLists: [GITHUB_AUDIENCE],
        tags,
    }, { protect: true });

    // The CI runners' GitHub webhooks go through this connection. AWS creates it PENDING; a person
    // completes the GitHub handshake once in the console (docs/runbooks/first-deployment.md, step 1).
    const connection = new aws.codeconnections.Connection("github", {
        name: GITHUB_CONNECTION_NAME,
        providerType: "GitHub",
        tags,
    }, { protect: true });

    const names = pulumi.all([partition, stateKey.arn, secretsKey.arn, connection.arn]).apply(([p, stateKeyArn, secretsKeyArn, connectionArn]): Names => ({
        partition: p,
        accountId: config.accountId,
        stateBucket: config.stateBucketName,
        accessLogBucket: accessLogBucketName(config.stateBucketName),
        stateRegion: config.region,
        stateKeyArn,
        secretsKeyArn,
        connectionArn,
    }));

    const deployRoles: BootstrapOutputs["deployRoles"] = {};
    for (const stack of config.stacks) {
        const boundary = new aws.iam.Policy(`${stack.name}-boundary`, {
            name: boundaryName(stack.name),
            description: `Ceiling of every role the ${stack.name} stack creates`,
            policy: names.apply((n) => JSON.stringify(boundaryDocument(n, stack))),
            tags,
        });
        const role = new aws.iam.Role(`${stack.name}-deploy`, {
            name: deployRoleName(stack.name),
            description: `Runs pulumi up for the ${stack.name} stack from GitHub environment ${stack.environment}`,
            assumeRolePolicy: oidc.arn.apply((arn) => JSON.stringify(githubTrust(arn, stack.breakGlassEnvironment
                ? [stack.environment, stack.breakGlassEnvironment].map((environment) => environmentSubject(config.repository, environment))
                : environmentSubject(config.repository, stack.environment)))),
            maxSessionDuration: DEPLOY_SESSION_SECONDS,
            tags,
        });
        // A DR stack's state is in its region's backend; every other stack's in the home one.
        const backend = stack.restoresFrom === undefined ? undefined : drBackendNames.get(stack.region);
        const stackNames = backend === undefined ? names : pulumi.all([names, backend]).apply(([n, b]) => ({ ...n, ...b }));
        const documents = pulumi.all([stackNames, boundary.arn]).apply(([n, boundaryArn]) => deployDocuments(n, stack, boundaryArn));
        // Keys are known without evaluating the documents: one managed policy per purpose.
        // The account baseline's grants go to the deploy role of the stack that owns it only.
        const purposes = ["state", "network", "data", "cluster", "edge", "operations", "runner", ...(stack.ownsAccountResources ? ["baseline"] : []), "guardrails"];
        for (const purpose of purposes) {
            const policy = new aws.iam.Policy(`${stack.name}-deploy-${purpose}`, {
                name: `${deployRoleName(stack.name)}-${purpose}`,
                description: `${purpose} permissions of the ${stack.name} deploy role`,
                policy: documents.apply((d) => JSON.stringify(d[purpose])),
                tags,
            });
            new aws.iam.RolePolicyAttachment(`${stack.name}-deploy-${purpose}`, { role: role.name, policyArn: policy.arn });
        }
        deployRoles[stack.name] = { environment: stack.environment, roleArn: role.arn, permissionsBoundaryArn: boundary.arn };
    }

    // A request, not a grant: Service Quotas may take hours to approve it, and the first platform
    // `up` fails at its first reserved concurrency until it has (first-deployment runbook, step 1).
    for (const region of [...new Set(config.stacks.map((stack) => stack.region))].sort()) {
        const provider = region === config.region ? undefined : new aws.Provider(`quotas-${region}`, { region, allowedAccountIds: [config.accountId] });
        new aws.servicequotas.ServiceQuota(`lambda-concurrency-${region}`, { ...LAMBDA_CONCURRENCY_QUOTA }, { provider });
    }

    const preview = new aws.iam.Role("preview", {
        name: PREVIEW_ROLE_NAME,
        description: "Runs pulumi preview for pull requests: reads, never writes",
        assumeRolePolicy: oidc.arn.apply((arn) => JSON.stringify(githubTrust(arn, pullRequestSubject(config.repository)))),
        maxSessionDuration: PREVIEW_SESSION_SECONDS,
        tags,
    });
    new aws.iam.RolePolicyAttachment("preview-view-only", { role: preview.name, policyArn: iamManagedPolicyArn(partition, VIEW_ONLY_POLICY) });
    const previewPolicy = new aws.iam.Policy("preview-state", {
        name: `${PREVIEW_ROLE_NAME}-state`,
        description: "State, lock and secrets-key access of pulumi preview",
        policy: names.apply((n) => JSON.stringify(previewDocument(n))),
        tags,
    });
    new aws.iam.RolePolicyAttachment("preview-state", { role: preview.name, policyArn: previewPolicy.arn });

    return {
        backendUrl: pulumi.interpolate`s3://${bucket.bucketName}?region=${config.region}`,
        secretsProvider: `awskms://${SECRETS_KEY_ALIAS}?region=${config.region}`,
        stateBucket: bucket.bucketName,
        stateKeyArn: stateKey.arn,
        secretsKeyArn: secretsKey.arn,
        oidcProviderArn: oidc.arn,
        githubConnectionArn: connection.arn,
        deployRoles,
        previewRoleArn: preview.arn,
        drBackends,
    };
}

/** The DR region's state bucket: the home bucket's name with the DR region in place of the home one. */
export function drStateBucketName(homeBucketName: string, homeRegion: string, region: string): string {
    return homeBucketName.endsWith(`-${homeRegion}`) ? `${homeBucketName.slice(0, -homeRegion.length)}${region}` : `${homeBucketName}-${region}`;
}

/**
 * A Pulumi state backend: a versioned bucket under its own key, its access logs, and the secrets
 * provider's key. Two keys: the bucket's key lets S3 read and write state objects; the secrets key
 * only ever decrypts config values, so a role can be given one without the other.
 */
function stateBackend(prefix: string, bucketName: string, config: BootstrapConfig, root: pulumi.Output<string>, tags: Record<string, string>, provider?: aws.Provider) {
    const inRegion = provider === undefined ? {} : { provider };
    const key = (purpose: string, alias: string, description: string) => {
        const created = new aws.kms.Key(`${prefix}${purpose}`, {
            ...KEY_SETTINGS,
            description,
            // Only the account, through IAM policies: the CI roles get exactly what their policies grant.
            policy: policyDocument([accountAdministers(root)]),
            tags: { ...tags, Purpose: purpose },
        }, { ...inRegion, protect: true, retainOnDelete: true });
        new aws.kms.Alias(`${prefix}${purpose}`, { name: alias, targetKeyId: created.keyId }, inRegion);
        return created;
    };
    const stateKey = key("state", STATE_KEY_ALIAS, "Encrypts the clinical-platform Pulumi state bucket");
    const secretsKey = key("pulumi-secrets", SECRETS_KEY_ALIAS, "Pulumi secrets provider of the clinical-platform stacks");

    // Every request to the state leaves a trail: S3 server access logs go to a bucket of their own.
    // S3 delivers access logs only into an SSE-S3 bucket, so that one is not under a KMS key.
    const components = provider === undefined ? {} : { providers: [provider] };
    const accessLogs = new SecureBucket(`${prefix}state-access-logs`, {
        bucketName: accessLogBucketName(bucketName),
        lifecycleRules: [{ id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days: ACCESS_LOG_DAYS }, noncurrentVersionExpiration: { noncurrentDays: 30 } }],
        extraStatements: (arn) => [serverAccessLogDelivery(arn, config.accountId)],
        context: { protect: true, tags: { ...tags, Purpose: "pulumi-state-access-logs" } },
    }, components);
    const bucket = new SecureBucket(`${prefix}state`, {
        bucketName,
        kmsKeyArn: stateKey.arn,
        accessLogBucket: accessLogs.bucketName,
        accessLogBucketPolicy: accessLogs.policy,
        lifecycleRules: [{
            id: "expire-noncurrent-state",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: NONCURRENT_STATE_DAYS },
        }],
        context: { protect: true, tags: { ...tags, Purpose: "pulumi-state" } },
    }, components);
    return { stateKey, secretsKey, bucket };
}
