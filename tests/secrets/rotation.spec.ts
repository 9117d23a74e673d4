import { strict as assert } from "assert";
import {
    DescribeSecretCommand, GetRandomPasswordCommand, GetSecretValueCommand, PutSecretValueCommand, UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { readFileSync } from "fs";
import * as path from "path";
import { ESLint } from "eslint";
import * as ts from "typescript";
import { REPOSITORY_ROOT } from "../../infra/offline/preview";
import { RotationClient, RotationEvent, createHandler, secretLengthFrom } from "../../components/rotation";

const SECRET = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:clinical-platform/dev/jwt-signing-key-AbCdEf";
const HANDLER_FILE = path.join(REPOSITORY_ROOT, "components", "rotation", "index.js");

interface Version { value: string; stages: string[] }

/**
 * Secrets Manager as the rotation function sees it: versions with staging labels, a label on one
 * version at a time, and AWSPREVIOUS following AWSCURRENT when it moves (as the service documents
 * for UpdateSecretVersionStage and PutSecretValue).
 */
class FakeSecretsManager {
    readonly versions = new Map<string, Version>();
    readonly calls: string[] = [];
    rotationEnabled = true;
    private randomCount = 0;

    constructor(initial: string) {
        this.versions.set("v1", { value: JSON.stringify({ value: initial }), stages: ["AWSCURRENT"] });
    }

    get client(): RotationClient {
        return { send: (command: unknown) => this.send(command) } as unknown as RotationClient;
    }

    /** Starts a rotation as Secrets Manager does: a new version id labelled AWSPENDING, with no value yet. */
    startRotation(token: string): void {
        this.versions.set(token, { value: "", stages: [] });
        this.moveLabel("AWSPENDING", token);
    }

    versionWith(stage: string): string | undefined {
        return [...this.versions].find(([, v]) => v.stages.includes(stage))?.[0];
    }

    valueOf(stage: string): string | undefined {
        const id = this.versionWith(stage);
        return id === undefined ? undefined : JSON.parse(this.versions.get(id)?.value ?? "").value;
    }

    private moveLabel(stage: string, to: string): void {
        const from = this.versionWith(stage);
        if (from !== undefined) this.remove(from, stage);
        this.versions.get(to)?.stages.push(stage);
        if (stage === "AWSCURRENT" && from !== undefined && from !== to) this.moveLabel("AWSPREVIOUS", from);
    }

    private remove(id: string, stage: string): void {
        const version = this.versions.get(id);
        if (version) version.stages = version.stages.filter((s) => s !== stage);
    }

    private notFound(what: string): Error {
        return Object.assign(new Error(`${what} not found`), { name: "ResourceNotFoundException" });
    }

    private async send(command: unknown): Promise<unknown> {
        this.calls.push((command as object).constructor.name);
        if (command instanceof DescribeSecretCommand) {
            const stages = Object.fromEntries([...this.versions].filter(([, v]) => v.stages.length > 0).map(([id, v]) => [id, [...v.stages]]));
            return { RotationEnabled: this.rotationEnabled, VersionIdsToStages: stages };
        }
        if (command instanceof GetSecretValueCommand) {
            const { VersionId, VersionStage } = command.input;
            const id = VersionId ?? (VersionStage ? this.versionWith(VersionStage) : undefined);
            const version = id === undefined ? undefined : this.versions.get(id);
            if (!version || !version.value || (VersionStage && !version.stages.includes(VersionStage))) throw this.notFound(`${VersionId}/${VersionStage}`);
            return { VersionId: id, SecretString: version.value };
        }
        if (command instanceof GetRandomPasswordCommand) {
            this.randomCount += 1;
            return { RandomPassword: String(this.randomCount).repeat(command.input.PasswordLength ?? 32).slice(0, command.input.PasswordLength) };
        }
        if (command instanceof PutSecretValueCommand) {
            const { ClientRequestToken, SecretString, VersionStages } = command.input;
            const id = String(ClientRequestToken);
            const existing = this.versions.get(id);
            if (existing?.value && existing.value !== SecretString) throw new Error("version exists with other data");
            this.versions.set(id, { value: String(SecretString), stages: existing?.stages ?? [] });
            for (const stage of VersionStages ?? ["AWSCURRENT"]) if (!this.versions.get(id)?.stages.includes(stage)) this.moveLabel(stage, id);
            return {};
        }
        if (command instanceof UpdateSecretVersionStageCommand) {
            const { VersionStage, MoveToVersionId, RemoveFromVersionId } = command.input;
            if (RemoveFromVersionId !== this.versionWith(String(VersionStage))) throw new Error("RemoveFromVersionId does not hold the label");
            this.moveLabel(String(VersionStage), String(MoveToVersionId));
            return {};
        }
        throw new Error(`unexpected command ${this.calls.at(-1)}`);
    }
}

const event = (Step: RotationEvent["Step"], token = "v2"): RotationEvent => ({ SecretId: SECRET, ClientRequestToken: token, Step });

async function rotate(fake: FakeSecretsManager, token: string, length = 64): Promise<void> {
    const handler = createHandler(fake.client, { secretLength: length });
    fake.startRotation(token);
    for (const step of ["createSecret", "setSecret", "testSecret", "finishSecret"] as const) await handler(event(step, token));
}

describe("the application secret rotation function", () => {
    it("stores a new random value of the configured length as AWSPENDING and leaves AWSCURRENT alone", async () => {
        const fake = new FakeSecretsManager("old-key");
        fake.startRotation("v2");
        await createHandler(fake.client, { secretLength: 48 })(event("createSecret"));
        assert.deepEqual(fake.versions.get("v2")?.stages, ["AWSPENDING"]);
        assert.equal(fake.valueOf("AWSPENDING")?.length, 48);
        assert.equal(fake.valueOf("AWSCURRENT"), "old-key");
    });

    it("creates the pending value once when Secrets Manager retries createSecret", async () => {
        const fake = new FakeSecretsManager("old-key");
        const handler = createHandler(fake.client, { secretLength: 64 });
        fake.startRotation("v2");
        await handler(event("createSecret"));
        const first = fake.valueOf("AWSPENDING");
        await handler(event("createSecret"));
        assert.equal(fake.valueOf("AWSPENDING"), first);
        assert.equal(fake.calls.filter((c) => c === "GetRandomPasswordCommand").length, 1);
        assert.equal(fake.calls.filter((c) => c === "PutSecretValueCommand").length, 1);
    });

    it("refuses to promote a pending value that readers could not use", async () => {
        const fake = new FakeSecretsManager("old-key");
        fake.startRotation("v2");
        fake.versions.set("v2", { value: JSON.stringify({ value: "short" }), stages: ["AWSPENDING"] });
        await assert.rejects(createHandler(fake.client, { secretLength: 64 })(event("testSecret")), /no "value" of at least 64 characters/);
        fake.versions.set("v2", { value: "not json", stages: ["AWSPENDING"] });
        await assert.rejects(createHandler(fake.client, { secretLength: 64 })(event("testSecret")), /is not JSON/);
    });

    it("moves AWSCURRENT to the new value in finishSecret and leaves AWSPREVIOUS on the old one, so readers accept both during the overlap", async () => {
        const fake = new FakeSecretsManager("old-key");
        await rotate(fake, "v2");
        assert.equal(fake.versionWith("AWSCURRENT"), "v2");
        assert.equal(fake.versionWith("AWSPREVIOUS"), "v1");
        assert.equal(fake.valueOf("AWSPREVIOUS"), "old-key");
        assert.notEqual(fake.valueOf("AWSCURRENT"), "old-key");
        assert.equal(fake.calls.filter((c) => c === "UpdateSecretVersionStageCommand").length, 1);
    });

    it("keeps exactly the last two values readable after consecutive rotations", async () => {
        const fake = new FakeSecretsManager("old-key");
        await rotate(fake, "v2");
        const second = fake.valueOf("AWSCURRENT");
        await rotate(fake, "v3");
        assert.equal(fake.valueOf("AWSPREVIOUS"), second);
        assert.deepEqual(fake.versions.get("v1")?.stages, []);
    });

    it("does nothing when a step is retried after the rotation finished", async () => {
        const fake = new FakeSecretsManager("old-key");
        await rotate(fake, "v2");
        const before = JSON.stringify([...fake.versions]);
        const calls = fake.calls.length;
        for (const step of ["createSecret", "testSecret", "finishSecret"] as const) await createHandler(fake.client, { secretLength: 64 })(event(step));
        assert.equal(JSON.stringify([...fake.versions]), before);
        assert.deepEqual(fake.calls.slice(calls), ["DescribeSecretCommand", "DescribeSecretCommand", "DescribeSecretCommand"]);
    });

    it("refuses a secret without rotation, a version that is not pending, and an unknown step, naming the secret", async () => {
        const fake = new FakeSecretsManager("old-key");
        const handler = createHandler(fake.client, { secretLength: 64 });
        fake.startRotation("v2");
        await assert.rejects(handler(event("createSecret", "v9")), /version v9 is not staged for arn:aws:secretsmanager/);
        await assert.rejects(handler({ ...event("createSecret"), Step: "deleteSecret" as RotationEvent["Step"] }), /unknown rotation step deleteSecret/);
        fake.versions.set("v3", { value: JSON.stringify({ value: "x" }), stages: ["CUSTOM"] });
        await assert.rejects(handler(event("finishSecret", "v3")), /version v3 is not pending/);
        fake.rotationEnabled = false;
        await assert.rejects(handler(event("createSecret")), /rotation is not enabled/);
    });

    it("takes its value length from SECRET_LENGTH and refuses a weak or malformed one", () => {
        assert.equal(secretLengthFrom(undefined), 64);
        assert.equal(secretLengthFrom("96"), 96);
        assert.throws(() => secretLengthFrom("16"), /SECRET_LENGTH must be an integer from 32 to 4096, got "16"/);
        assert.throws(() => secretLengthFrom("sixty"), /SECRET_LENGTH must be an integer/);
    });

    it("is type-checked strictly and linted like the rest of the program", async () => {
        assert.match(readFileSync(HANDLER_FILE, "utf8"), /^\/\/ @ts-check\n/);
        const configPath = path.join(REPOSITORY_ROOT, "tsconfig.json");
        const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
        const parsed = ts.parseJsonConfigFileContent(config, ts.sys, REPOSITORY_ROOT);
        assert.ok(parsed.fileNames.map((f) => path.resolve(f)).includes(HANDLER_FILE), "tsconfig.json includes the handler");
        assert.equal(parsed.options.checkJs, true);
        assert.equal(parsed.options.strict, true);
        const eslint = new ESLint({ cwd: REPOSITORY_ROOT });
        assert.equal(await eslint.isPathIgnored(HANDLER_FILE), false, "eslint lints the handler");
    });
});
