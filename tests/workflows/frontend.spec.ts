import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Event, contexts, job, plan, resolve, ROOT, runScript, STACKS, step, stepUsing, tempDir, workflow } from "./support";

const FILE = "frontend.yml";
const SHA = "a".repeat(64);

const dispatch = (inputs: Record<string, string>, ref = "refs/heads/main"): Event => ({
    name: "workflow_dispatch",
    ref,
    inputs: { bundle_url: "https://builds.example.com/web/1.5.0.tar.gz", bundle_sha256: SHA, version: "1.5.0", reason: "release 1.5.0", ...inputs },
    actor: "alice",
});

/** The job's `env:` as GitHub resolves it for the dispatch. */
function jobEnv(id: string, inputs: Record<string, string>, ref = "refs/heads/main"): Record<string, string> {
    const ctx = contexts(dispatch(inputs, ref));
    return Object.fromEntries(Object.entries(job(FILE, id).env ?? {}).map(([k, v]) => [k, String(resolve(v, ctx))]));
}

/** A directory of fake commands: each records its arguments, one line per call, in `calls`. */
function fakeCommands(scripts: Record<string, string>): { bin: string; calls: string } {
    const bin = tempDir("bin");
    const calls = path.join(bin, "calls");
    fs.writeFileSync(calls, "");
    for (const [name, body] of Object.entries(scripts)) {
        fs.writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\nprintf '${name} %s\\n' "$*" >>"${calls}"\n${body}\n`, { mode: 0o755 });
    }
    return { bin, calls };
}

/** A `curl` that "downloads" the local file FAKE_BUNDLE to --output, recording the URL and options. */
const FAKE_CURL = 'out=""; while [ $# -gt 0 ]; do if [ "$1" = --output ]; then out="$2"; shift; fi; shift; done; cp "$FAKE_BUNDLE" "$out"';

/** Packs `files` (path → content; content `-> target` makes a symlink) as a .tar.gz; returns it and its SHA-256. */
function bundle(files: Record<string, string>, extraTarArgs: string[] = []): { archive: string; sha256: string } {
    const dir = tempDir("bundle");
    const site = path.join(dir, "site");
    for (const [name, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(site, name)), { recursive: true });
        if (content.startsWith("-> ")) fs.symlinkSync(content.slice(3), path.join(site, name));
        else fs.writeFileSync(path.join(site, name), content);
    }
    const archive = path.join(dir, "bundle.tar.gz");
    const run = spawnSync("tar", ["-czf", archive, "-C", site, ...extraTarArgs, ...Object.keys(files)], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    return { archive, sha256: createHash("sha256").update(fs.readFileSync(archive)).digest("hex") };
}

const BUILD = {
    "index.html": "<!doctype html><script src=/assets/index-3f2a9c1b.js></script>",
    "favicon.ico": "icon",
    "robots.txt": "User-agent: *",
    "assets/index-3f2a9c1b.js": "console.log(1)",
    "assets/index-77aa01ff.css": "body{}",
    "images/logo.png": "png",
};

/** Runs frontend-bundle.sh on `archive` as the workflow step does. */
function unpack(archive: string, sha256: string) {
    const { bin, calls } = fakeCommands({ curl: FAKE_CURL });
    const work = path.join(tempDir("work"), "frontend");
    const run = runScript('bash .github/scripts/frontend-bundle.sh "$BUNDLE_URL" "$BUNDLE_SHA256" "$WORK"', ROOT, {
        PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
        FAKE_BUNDLE: archive,
        BUNDLE_URL: "https://builds.example.com/web/1.5.0.tar.gz",
        BUNDLE_SHA256: sha256,
        WORK: work,
    });
    const outputs = Object.fromEntries(run.stdout.trim().split("\n").filter(Boolean).map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
    return { run, outputs, work, curl: fs.readFileSync(calls, "utf8") };
}

describe("GitHub Actions workflows: publishing the front end (frontend.yml)", function () {
    this.timeout(60_000);

    it("asks for the stack, the bundle's URL and SHA-256, a version label and a reason, all required", () => {
        const on = workflow(FILE).on;
        assert.deepEqual(Object.keys(on), ["workflow_dispatch"]);
        const inputs = on.workflow_dispatch?.inputs as Record<string, { type: string; options?: string[]; required?: boolean }>;
        assert.deepEqual(Object.keys(inputs), ["stack", "bundle_url", "bundle_sha256", "version", "reason"]);
        assert.deepEqual([inputs.stack.type, inputs.stack.options], ["choice", [...STACKS]]);
        assert.ok(Object.values(inputs).every((input) => input.required === true));
    });

    it("checks the inputs on a GitHub-hosted runner, then publishes in the stack's environment with its deploy role through OIDC, one run per stack at a time", () => {
        assert.deepEqual(plan(FILE, dispatch({ stack: "production" })), { check: "success", publish: "success" });
        assert.deepEqual(job(FILE, "check").permissions, {});
        const publish = job(FILE, "publish");
        assert.equal(publish.needs, "check");
        assert.deepEqual(publish.permissions, { contents: "read", "id-token": "write" });
        for (const stack of STACKS) {
            const ctx = contexts(dispatch({ stack }));
            assert.equal(resolve((publish.environment as { name: string }).name, ctx), stack);
            assert.equal(resolve(String(publish["runs-on"]), ctx), `codebuild-clinical-platform-${stack}-runner-4242-1`);
            const concurrency = workflow(FILE).concurrency as { group: string; "cancel-in-progress": boolean };
            assert.deepEqual([resolve(concurrency.group, ctx), concurrency["cancel-in-progress"]], [`frontend-${stack}`, false]);
        }
        const credentials = stepUsing(publish, "aws-actions/configure-aws-credentials");
        assert.equal(credentials.with?.["role-to-assume"], "${{ vars.AWS_DEPLOY_ROLE_ARN }}");
        assert.equal(credentials.with?.["aws-region"], "${{ steps.region.outputs.region }}");
        assert.match(step(publish, "Region of the stack").run!, /bash \.github\/scripts\/stack-region\.sh "\$STACK"/);
        const steps = publish.steps ?? [];
        const verified = steps.findIndex((s) => s.name === "Download and verify the bundle");
        assert.ok(verified >= 0 && verified < steps.indexOf(credentials), "the bundle is verified before any credentials exist");
    });

    it("refuses a dispatch from another ref than main, and malformed inputs, before anything runs with credentials", () => {
        const check = job(FILE, "check");
        const dir = tempDir("check");
        const guard = step(check, "Dispatched from main").run!;
        const feature = runScript(guard, dir, jobEnv("check", { stack: "dev" }, "refs/heads/feature/x"));
        assert.equal(feature.status, 1);
        assert.match(feature.stdout, /::error::front-end publications run only from main/);
        const inputsCheck = step(check, "Check the inputs").run!;
        assert.equal(runScript(inputsCheck, dir, jobEnv("check", { stack: "dev" })).status, 0);
        const refused: Array<[Record<string, string>, RegExp]> = [
            [{ bundle_url: "http://builds.example.com/web.tar.gz" }, /bundle_url must be an https:\/\/ URL of a \.tar\.gz/],
            [{ bundle_url: "https://builds.example.com/web.zip" }, /bundle_url must be an https:\/\/ URL of a \.tar\.gz/],
            [{ bundle_sha256: "abc" }, /bundle_sha256 must be the archive's SHA-256/],
            [{ version: "1.5.0; rm -rf /" }, /version must be a label/],
            [{ reason: "   " }, /a reason is required/],
        ];
        for (const [inputs, message] of refused) {
            const run = runScript(inputsCheck, dir, jobEnv("check", { stack: "dev", ...inputs }));
            assert.equal(run.status, 2, JSON.stringify(inputs));
            assert.match(run.stdout, message);
        }
    });

    describe(".github/scripts/frontend-bundle.sh", () => {
        it("unpacks a bundle whose SHA-256 matches and names its unhashed paths to invalidate, index.html first", () => {
            const { archive, sha256 } = bundle(BUILD);
            const { run, outputs, work, curl } = unpack(archive, sha256.toUpperCase());
            assert.equal(run.status, 0, run.stderr);
            assert.match(curl, /--proto =https --proto-redir =https .*https:\/\/builds\.example\.com\/web\/1\.5\.0\.tar\.gz/, "HTTPS only, redirects included");
            assert.equal(outputs.site, path.join(work, "site"));
            // Hashed output (assets/, static/) is never invalidated: a new build names new files.
            assert.equal(outputs.invalidate, "/index.html /favicon.ico /images/* /robots.txt");
            assert.equal(fs.readFileSync(path.join(outputs.site, "assets/index-3f2a9c1b.js"), "utf8"), "console.log(1)");
        });

        it("refuses a bundle whose SHA-256 is not the one given, naming both", () => {
            const { archive, sha256 } = bundle(BUILD);
            const { run } = unpack(archive, "0".repeat(64));
            assert.equal(run.status, 1);
            assert.match(run.stderr, new RegExp(`::error::the bundle's SHA-256 is ${sha256}, not 0{64}; refusing to publish it`));
        });

        it("refuses a bundle without index.html at its root", () => {
            const { archive, sha256 } = bundle({ "dist/index.html": "<!doctype html>" });
            const { run } = unpack(archive, sha256);
            assert.equal(run.status, 1);
            assert.match(run.stderr, /::error::the bundle has no index\.html at its root/);
        });

        it("refuses links and absolute paths, which could reach outside the bundle", () => {
            const linked = bundle({ ...BUILD, "assets/passwd": "-> /etc/passwd" });
            const link = unpack(linked.archive, linked.sha256);
            assert.equal(link.run.status, 1);
            assert.match(link.run.stderr, /::error::the bundle holds something other than files and directories: l/);
            const dir = tempDir("absolute");
            fs.writeFileSync(path.join(dir, "index.html"), "x");
            const archive = path.join(dir, "absolute.tar.gz");
            assert.equal(spawnSync("tar", ["-czPf", archive, path.join(dir, "index.html")]).status, 0);
            const absolute = unpack(archive, createHash("sha256").update(fs.readFileSync(archive)).digest("hex"));
            assert.equal(absolute.run.status, 1);
            assert.match(absolute.run.stderr, /::error::the bundle holds a path outside itself: \//);
        });
    });

    describe("upload and invalidation", () => {
        const publish = () => job(FILE, "publish");

        it("uploads hashed files (assets/, static/) with a year of immutable caching first, then the others, index.html last, with no-cache", () => {
            const { archive, sha256 } = bundle(BUILD);
            const { outputs } = unpack(archive, sha256);
            const { bin, calls } = fakeCommands({ aws: "" });
            const run = runScript(step(publish(), "Upload").run!, ROOT, {
                PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
                SITE: outputs.site,
                BUCKET: "storage-assets-0a1b2c3",
                VERSION: "1.5.0",
            });
            assert.equal(run.status, 0, run.stderr);
            const lines = fs.readFileSync(calls, "utf8").trim().split("\n");
            assert.equal(lines.length, 3);
            const [hashed, unhashed, index] = lines;
            assert.match(hashed, /^aws s3 sync \S+ s3:\/\/storage-assets-0a1b2c3 --exclude \* --include assets\/\* --include static\/\* .*--cache-control public, max-age=31536000, immutable/);
            assert.match(unhashed, /^aws s3 cp \S+ s3:\/\/storage-assets-0a1b2c3 --recursive --exclude assets\/\* --exclude static\/\* --exclude index\.html .*--cache-control no-cache/);
            assert.match(index, /^aws s3 cp \S+\/index\.html s3:\/\/storage-assets-0a1b2c3\/index\.html .*--cache-control no-cache --content-type text\/html; charset=utf-8/);
            for (const line of lines) assert.match(line, /--metadata release=1\.5\.0/);
            assert.ok(lines.every((line) => !/--delete/.test(line)), "nothing is deleted: open pages still load the previous build's files");
        });

        it("invalidates / and every unhashed path on the stack's distribution, and waits for it", () => {
            const { bin, calls } = fakeCommands({ aws: 'if [ "$2" = create-invalidation ]; then echo I2J0I21PCUYOIK; fi' });
            const run = runScript(step(publish(), "Invalidate the unhashed paths").run!, ROOT, {
                PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
                DISTRIBUTION: "EDFDVBD6EXAMPLE",
                INVALIDATE: "/index.html /favicon.ico /images/* /robots.txt",
            });
            assert.equal(run.status, 0, run.stderr);
            assert.deepEqual(fs.readFileSync(calls, "utf8").trim().split("\n"), [
                "aws cloudfront create-invalidation --distribution-id EDFDVBD6EXAMPLE --paths / /index.html /favicon.ico /images/* /robots.txt --query Invalidation.Id --output text",
                "aws cloudfront wait invalidation-completed --distribution-id EDFDVBD6EXAMPLE --id I2J0I21PCUYOIK",
            ]);
        });

        it("reads the bucket and the distribution from the stack's outputs", () => {
            const run = step(publish(), "Assets bucket and distribution of the stack").run!;
            assert.match(run, /pulumi stack output assetsBucketName --stack "\$name"/);
            assert.match(run, /pulumi stack output distributionId --stack "\$name"/);
        });
    });
});
