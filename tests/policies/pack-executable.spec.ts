/**
 * `pulumi preview --policy-pack "$PWD/policies/analyzer.js"`: Pulumi CLI 3.255.0 and later run an
 * executable pack directly, with the engine's address as its only argument, with no stack variables
 * in its environment, from the project's `main` directory (pkg/resource/plugin/analyzer_plugin.go and
 * pkg/engine/project.go at v3.259.0). The pack must come up like that, describe itself as the
 * directory form does, and refuse a stale bundle.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { type PolicyPackSession, startPolicyPack } from "../../infra/analyzer";
import { ensurePackBuilt } from "../../infra/analyzer/pack-build";
import { startPackProcess } from "../../infra/analyzer/pack-process";
import { PROGRAM_DIR, REPOSITORY_ROOT } from "../../infra/paths";
import { scratchDir } from "../harness/scratch";
import { expectedOffenders, insecureStack } from "./fixtures/insecure-stack";
import { PACK_DIR, PACK_START_TIMEOUT_MS, configFile } from "./harness/pack";

const PACK_VERSION = (JSON.parse(readFileSync(join(PACK_DIR, "package.json"), "utf8")) as { version: string }).version;

describe("the policy pack as an executable analyzer", function () {
    this.timeout(PACK_START_TIMEOUT_MS);

    describe("started as the CLI starts it", () => {
        const sessions: PolicyPackSession[] = [];
        let executable: PolicyPackSession;
        let directory: PolicyPackSession;
        after(() => Promise.all(sessions.map((session) => session.close())));

        it("serves the same pack, name, version and policies, as the directory form", async () => {
            const start = (launch: "executable" | "directory") =>
                startPolicyPack({ packDir: PACK_DIR, programDir: PROGRAM_DIR, launch, project: "clinical-platform", stack: "production", dryRun: true });
            [executable, directory] = await Promise.all([start("executable"), start("directory")]);
            sessions.push(executable, directory);
            assert.equal(executable.pack, "clinical-platform-hipaa-soc2");
            assert.equal(executable.version, PACK_VERSION, "the version of policies/package.json, though started from infra/");
            assert.deepEqual(executable.policies, directory.policies);
        });

        it("gives the directory form's verdict on the insecure program, where the SDK's runtime is loaded beside the bundle", async () => {
            await Promise.all([executable.configure(configFile("production")), directory.configure(configFile("production"))]);
            const [fromExecutable, fromDirectory] = [await executable.analyze(insecureStack()), await directory.analyze(insecureStack())];
            assert.ok(fromExecutable.length >= Object.keys(expectedOffenders).length);
            assert.deepEqual(fromDirectory, fromExecutable);
        });
    });

    describe("its path", () => {
        // The CLI looks the path up from where it runs (the repository root here) but runs it from
        // Pulumi.yaml's `main` directory, so only an absolute path works both ways.
        const startAt = (policyPack: string) => startPackProcess({
            packDir: PACK_DIR, policyPack, programDir: PROGRAM_DIR, launch: "executable",
            engineAddress: "127.0.0.1:1", project: "clinical-platform", stack: "production", organization: "organization", dryRun: true,
        });

        it("starts the pack when absolute, as the workflows pass it", async () => {
            await ensurePackBuilt(PACK_DIR, ["bundle"]);
            const pack = await startAt(join(PACK_DIR, "analyzer.js"));
            await pack.stop();
            assert.ok(pack.port > 0);
        });

        it("does not when relative to the repository root, since the program's directory is infra/", async () => {
            assert.equal(relative(REPOSITORY_ROOT, PROGRAM_DIR), "infra");
            await assert.rejects(startAt(relative(process.cwd(), join(PACK_DIR, "analyzer.js"))), /policy pack did not start/);
        });
    });

    describe("refusing to start", () => {
        let copy: string;
        beforeEach(async () => {
            await ensurePackBuilt(PACK_DIR, ["bundle"]);
            copy = scratchDir("clinical-pack-executable-");
            for (const entry of ["analyzer.js", "package.json", "tsconfig.json", "index.ts", "lib", "rules", "runtime", "dist"]) {
                cpSync(join(PACK_DIR, entry), join(copy, entry), { recursive: true });
            }
        });

        const start = () => spawnSync(join(copy, "analyzer.js"), ["127.0.0.1:1"], { cwd: tmpdir(), encoding: "utf8" });

        it("when a rule changed after the bundle was built, naming the command that rebuilds it", () => {
            writeFileSync(join(copy, "rules", "s3.ts"), `${readFileSync(join(copy, "rules", "s3.ts"), "utf8")}\n// edited\n`);
            const run = start();
            assert.equal(run.status, 1);
            assert.equal(run.stdout, "", "no port, so the CLI reports the failure instead of waiting");
            assert.match(run.stderr, /the pack's sources changed after dist\/ was built; run `npm run build:policies`/);
        });

        it("when the bundle was never built", () => {
            rmSync(join(copy, "dist"), { recursive: true });
            const run = start();
            assert.equal(run.status, 1);
            assert.match(run.stderr, /dist\/ has not been built; run `npm run build:policies`/);
        });
    });
});
