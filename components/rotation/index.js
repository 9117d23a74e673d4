// Secrets Manager rotation for generated application secrets: each rotation stores a fresh
// random value as AWSPENDING, then promotes it to AWSCURRENT. The value shape is
// { "value": "<random>" }; consumers read AWSCURRENT and accept AWSPREVIOUS during the overlap.
const {
    SecretsManagerClient, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand,
    UpdateSecretVersionStageCommand, GetRandomPasswordCommand,
} = require("@aws-sdk/client-secrets-manager");

const client = new SecretsManagerClient({});

exports.handler = async (event) => {
    const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
    const description = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
    if (!description.RotationEnabled) throw new Error(`rotation is not enabled for ${secretId}`);
    const stages = (description.VersionIdsToStages || {})[token];
    if (!stages) throw new Error(`version ${token} is not staged for ${secretId}`);
    if (stages.includes("AWSCURRENT")) return;
    if (!stages.includes("AWSPENDING")) throw new Error(`version ${token} is not pending for ${secretId}`);

    if (step === "createSecret") {
        try {
            await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: "AWSPENDING" }));
        } catch (error) {
            if (error.name !== "ResourceNotFoundException") throw error;
            const length = Number(process.env.SECRET_LENGTH || "64");
            const random = await client.send(new GetRandomPasswordCommand({ PasswordLength: length, ExcludePunctuation: true }));
            await client.send(new PutSecretValueCommand({
                SecretId: secretId,
                ClientRequestToken: token,
                SecretString: JSON.stringify({ value: random.RandomPassword }),
                VersionStages: ["AWSPENDING"],
            }));
        }
    } else if (step === "finishSecret") {
        const current = Object.entries(description.VersionIdsToStages || {}).find(([, s]) => s.includes("AWSCURRENT"));
        await client.send(new UpdateSecretVersionStageCommand({
            SecretId: secretId,
            VersionStage: "AWSCURRENT",
            MoveToVersionId: token,
            RemoveFromVersionId: current ? current[0] : undefined,
        }));
    } else if (step !== "setSecret" && step !== "testSecret") {
        throw new Error(`unknown rotation step ${step}`);
    }
};
