/**
 * Evaluations under the engine mocks leave out two things only a real engine or a leak debugger
 * reads (the SDK's per-promise debug annotations, each resource's source position) and keep the
 * SDK's promise accounting: a program that leaves promises pending fails as `pulumi up` fails it.
 */
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EvaluationFailure, evaluate } from "../../infra/offline/engine";
import { specStackFile } from "./stacks";

const ROOT = path.resolve(__dirname, "..", "..");
const REGISTER = "./infra/offline/register.js";
const LEAK_MESSAGE = /The Pulumi runtime detected that (\d+) promises? (was|were) still active/;

/** Runs `script` under register.js, as the offline commands run; resolves with its exit status and output. */
function runScript(script: string, env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["--require", REGISTER, "-e", script], { cwd: ROOT, env: { ...process.env, ...env } });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
}

describe("an evaluation under the engine mocks", function () {
    this.timeout(120_000);

    it("registers the same resources, in the same order, as with the SDK's own promise bookkeeping", async () => {
        const script = `
            require("./infra/offline/preview")
                .runOfflinePreview({ stack: "production", configFile: ${JSON.stringify(specStackFile("production"))}, policy: false, deployChecks: false })
                .then((result) => process.stdout.write(JSON.stringify(result.document.resources)));
        `;
        // With PULUMI_DEBUG_PROMISE_LEAKS set, the SDK's own debuggablePromise runs, annotations and all.
        const [lean, sdkOwn] = await Promise.all([runScript(script), runScript(script, { PULUMI_DEBUG_PROMISE_LEAKS: "1" })]);
        assert.equal(lean.status, 0, lean.stderr);
        assert.equal(sdkOwn.status, 0, sdkOwn.stderr);
        const names = (stdout: string) => (JSON.parse(stdout) as Array<{ urn: string }>).map((r) => r.urn);
        assert.ok(names(lean.stdout).length > 400, "the whole production stack");
        assert.deepEqual(names(lean.stdout), names(sdkOwn.stdout), "the same registrations in the same order");
        assert.equal(lean.stdout, sdkOwn.stdout, "the same inputs, options and dependencies");
    });

    it("waits for what an apply registers or invokes once the registrations before it have finished", async () => {
        const { resources } = await evaluate(() => {
            const bucket = new aws.s3.Bucket("first", {});
            bucket.id.apply((id) => {
                const late = new aws.s3.Bucket("registered-by-an-apply", { tags: { after: id } });
                late.arn.apply(() => aws.getCallerIdentityOutput().accountId.apply((account) => new aws.s3.Bucket("after-an-invoke", { tags: { account } })));
            });
            return {};
        }, { project: "clinical-platform", stack: "late", config: {}, region: "eu-west-1" });
        assert.deepEqual(resources.filter((r) => r.custom).map((r) => r.name), ["first", "registered-by-an-apply", "after-an-invoke"]);
    });

    it("fails when a promise the SDK tracks is still pending once the program has settled, with the SDK's own message", async () => {
        const failure = await evaluate(() => {
            new aws.s3.Bucket("kept", {});
            void pulumi.runtime.serializeProperties("never", { value: new Promise<string>(() => undefined) });
            return {};
        }, { project: "clinical-platform", stack: "leaky", config: {}, region: "eu-west-1" }).then(
            () => undefined,
            (error: unknown) => error,
        );
        assert.ok(failure instanceof EvaluationFailure, "the evaluation fails");
        const reason = (failure.reason as Error).message;
        assert.match(reason, /^stack leaky: /);
        assert.equal(LEAK_MESSAGE.exec(reason)?.[1], "1");
        assert.deepEqual(failure.resources.filter((r) => r.custom).map((r) => r.name), ["kept"], "what was registered is kept for the report");
    });

    it("fails, instead of exiting unfinished, when a registration waits on a promise that never settles", () => {
        const script = `
            const aws = require("@pulumi/aws");
            require("./infra/offline/engine")
                .evaluate(() => { new aws.s3.Bucket("stuck", { bucket: new Promise(() => {}) }); return {}; },
                    { project: "clinical-platform", stack: "stuck", config: {}, region: "eu-west-1" })
                .then(() => console.log("evaluated"), (error) => console.log(error.name, error.resources.map((r) => r.name).join(), error.message));
        `;
        const run = spawnSync(process.execPath, ["--require", REGISTER, "-e", script], { cwd: ROOT, encoding: "utf8" });
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stdout, /^EvaluationFailure clinical-platform-stuck stack stuck: the program cannot finish, nothing is left to run\. /);
        assert.match(run.stdout, LEAK_MESSAGE);
    });

    it("leaves a program error's stack as the program threw it", async () => {
        const failure = await evaluate(() => {
            throw new Error("from the program");
        }, { project: "clinical-platform", stack: "failing", config: {}, region: "eu-west-1" }).then(
            () => undefined,
            (error: unknown) => error,
        );
        assert.ok(failure instanceof EvaluationFailure);
        assert.match((failure.reason as Error).stack ?? "", /from the program\n\s+at .*evaluation\.spec\.ts/);
    });
});
