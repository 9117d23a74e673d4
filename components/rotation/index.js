// @ts-check
/**
 * Secrets Manager rotation for the generated application secrets (JWT signing key, API key).
 * Each rotation stores a fresh random value as AWSPENDING, checks it, then moves AWSCURRENT to it;
 * Secrets Manager itself moves AWSPREVIOUS to the version AWSCURRENT left, and this function never
 * touches that label, so readers that accept AWSCURRENT and AWSPREVIOUS keep validating tokens
 * signed before the rotation. The value shape is { "value": "<random>" }.
 *
 * Plain JavaScript under `// @ts-check` (strict checkJs in tsconfig.json, linted by eslint), not
 * TypeScript compiled when the program builds the asset: the file Lambda runs is byte for byte the
 * file reviewed and type-checked, and the asset's hash changes only when this file does (a
 * transpiled asset would change with every compiler upgrade and redeploy the function for nothing).
 * The types come from @aws-sdk/client-secrets-manager, which the Lambda Node.js runtime ships.
 */
const {
    SecretsManagerClient, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand,
    UpdateSecretVersionStageCommand, GetRandomPasswordCommand,
} = require("@aws-sdk/client-secrets-manager");

const CURRENT = "AWSCURRENT";
const PENDING = "AWSPENDING";
/** GetRandomPassword accepts 1–4096; below 32 characters a signing key is too weak. */
const LENGTH_LIMITS = { min: 32, max: 4096 };

/** @typedef {"createSecret" | "setSecret" | "testSecret" | "finishSecret"} RotationStep */

/**
 * The event Secrets Manager invokes the function with, once per step.
 * @typedef {object} RotationEvent
 * @property {string} SecretId
 * @property {string} ClientRequestToken The version being rotated in.
 * @property {RotationStep} Step
 */

/**
 * What the handler needs of the SDK client: its `send`. Specs pass a fake.
 * @typedef {Pick<SecretsManagerClient, "send">} RotationClient
 */

/**
 * @typedef {object} RotationOptions
 * @property {number} secretLength Characters in each generated value.
 */

/**
 * @param {string | undefined} raw
 * @returns {number}
 */
function secretLengthFrom(raw) {
    const length = Number(raw ?? "64");
    if (!Number.isInteger(length) || length < LENGTH_LIMITS.min || length > LENGTH_LIMITS.max) {
        throw new Error(`SECRET_LENGTH must be an integer from ${LENGTH_LIMITS.min} to ${LENGTH_LIMITS.max}, got ${JSON.stringify(raw)}`);
    }
    return length;
}

/**
 * @param {unknown} error
 * @returns {boolean}
 */
function isNotFound(error) {
    return error instanceof Error && error.name === "ResourceNotFoundException";
}

/**
 * Builds the rotation handler around a client, so specs can drive every step against a fake.
 * @param {RotationClient} client
 * @param {RotationOptions} options
 * @returns {(event: RotationEvent) => Promise<void>}
 */
function createHandler(client, options) {
    return async (event) => {
        const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
        const description = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
        if (!description.RotationEnabled) throw new Error(`rotation is not enabled for ${secretId}`);
        const versions = description.VersionIdsToStages ?? {};
        const stages = versions[token];
        if (!stages) throw new Error(`version ${token} is not staged for ${secretId}`);
        // A retried step after finishSecret: the rotation is already complete.
        if (stages.includes(CURRENT)) return;
        if (!stages.includes(PENDING)) throw new Error(`version ${token} is not pending for ${secretId}`);

        switch (step) {
            case "createSecret":
                return createSecret(client, secretId, token, options.secretLength);
            case "setSecret":
                // Nothing holds a copy to update: consumers read the value from Secrets Manager.
                return;
            case "testSecret":
                return testSecret(client, secretId, token, options.secretLength);
            case "finishSecret":
                return finishSecret(client, secretId, token, versions);
            default:
                throw new Error(`unknown rotation step ${String(step)} for ${secretId}`);
        }
    };
}

/**
 * Stores a new random value as AWSPENDING under the rotation's token, once: a retry finds it there.
 * @param {RotationClient} client
 * @param {string} secretId
 * @param {string} token
 * @param {number} length
 */
async function createSecret(client, secretId, token, length) {
    // Fails if the secret has no current value: rotating an empty secret would hide a broken deploy.
    await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: CURRENT }));
    try {
        await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: PENDING }));
        return;
    } catch (error) {
        if (!isNotFound(error)) throw error;
    }
    const random = await client.send(new GetRandomPasswordCommand({ PasswordLength: length, ExcludePunctuation: true }));
    if (!random.RandomPassword) throw new Error(`GetRandomPassword returned no value for ${secretId}`);
    await client.send(new PutSecretValueCommand({
        SecretId: secretId,
        ClientRequestToken: token,
        SecretString: JSON.stringify({ value: random.RandomPassword }),
        VersionStages: [PENDING],
    }));
}

/**
 * Refuses to promote a value readers could not use.
 * @param {RotationClient} client
 * @param {string} secretId
 * @param {string} token
 * @param {number} length
 */
async function testSecret(client, secretId, token, length) {
    const pending = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: PENDING }));
    /** @type {unknown} */
    let parsed;
    try {
        parsed = JSON.parse(pending.SecretString ?? "");
    } catch {
        throw new Error(`pending version ${token} of ${secretId} is not JSON`);
    }
    const value = typeof parsed === "object" && parsed !== null ? /** @type {Record<string, unknown>} */ (parsed).value : undefined;
    if (typeof value !== "string" || value.length < length) {
        throw new Error(`pending version ${token} of ${secretId} has no "value" of at least ${length} characters`);
    }
}

/**
 * Moves AWSCURRENT to the new version. Secrets Manager moves AWSPREVIOUS to the version AWSCURRENT
 * left; the old value stays readable under that label for the overlap.
 * @param {RotationClient} client
 * @param {string} secretId
 * @param {string} token
 * @param {Record<string, string[]>} versions
 */
async function finishSecret(client, secretId, token, versions) {
    const current = Object.entries(versions).find(([, labels]) => labels.includes(CURRENT));
    await client.send(new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: CURRENT,
        MoveToVersionId: token,
        RemoveFromVersionId: current?.[0],
    }));
}

/** @type {RotationClient | undefined} */
let defaultClient;

/**
 * The Lambda entry point (`index.handler`).
 * @param {RotationEvent} event
 * @returns {Promise<void>}
 */
async function handler(event) {
    defaultClient ??= new SecretsManagerClient({});
    return createHandler(defaultClient, { secretLength: secretLengthFrom(process.env.SECRET_LENGTH) })(event);
}

module.exports = { handler, createHandler, secretLengthFrom };
