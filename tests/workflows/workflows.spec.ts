import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { Contexts, JobStatus, Value, evaluate, interpolate, truthy, usesStatusFunction } from "./expressions";

/*
 * The GitHub Actions workflows: that they validate, and what they do for the events people rely on
 * (which jobs run for a push, a tag, a dispatch; which environment, concurrency group and
 * permissions each gets), with their shell steps run for real against fakes of npm and git remotes.
 */

const ROOT = path.resolve(__dirname, "../..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const STACKS = ["dev", "staging", "production"] as const;
type Stack = (typeof STACKS)[number];
const REPOSITORY = "example-org/clinical-platform";

// ---------------------------------------------------------------------------------------------
// Loading

type Level = "read" | "write" | "none";
type Permissions = Record<string, Level> | "read-all" | "write-all";

interface Step {
    name?: string;
    id?: string;
    if?: string | boolean;
    uses?: string;
    run?: string;
    with?: Record<string, Value>;
    env?: Record<string, Value>;
    "continue-on-error"?: boolean | string;
}

interface Job {
    name?: string;
    needs?: string | string[];
    if?: string | boolean;
    permissions?: Permissions;
    concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
    environment?: string | { name: string; url?: string };
    strategy?: { matrix?: Record<string, Value>; "fail-fast"?: boolean };
    env?: Record<string, Value>;
    "timeout-minutes"?: number;
    uses?: string;
    with?: Record<string, Value>;
    secrets?: Record<string, Value> | "inherit";
    steps?: Step[];
}

interface CallInput {
    type: string;
    required?: boolean;
    default?: Value;
}

interface Workflow {
    name?: string;
    on: Record<string, Record<string, unknown> | null>;
    permissions?: Permissions;
    concurrency?: unknown;
    env?: Record<string, Value>;
    jobs: Record<string, Job>;
}

interface WorkflowFile {
    file: string;
    text: string;
    workflow: Workflow;
}

function loadWorkflows(): Map<string, WorkflowFile> {
    const files = new Map<string, WorkflowFile>();
    for (const file of fs.readdirSync(WORKFLOWS).sort()) {
        if (!/\.ya?ml$/.test(file)) continue;
        const text = fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
        files.set(file, { file, text, workflow: YAML.parse(text) as Workflow });
    }
    return files;
}

const workflows = loadWorkflows();

function workflow(file: string): Workflow {
    const found = workflows.get(file);
    assert.ok(found, `.github/workflows/${file} is missing`);
    return found.workflow;
}

function job(file: string, id: string): Job {
    const found = workflow(file).jobs[id];
    assert.ok(found, `${file} has no job '${id}'`);
    return found;
}

function allJobs(): Array<{ file: string; id: string; job: Job }> {
    return [...workflows.values()].flatMap(({ file, workflow: wf }) => Object.entries(wf.jobs).map(([id, j]) => ({ file, id, job: j })));
}

function allSteps(): Array<{ file: string; jobId: string; step: Step }> {
    return allJobs().flatMap(({ file, id, job: j }) => (j.steps ?? []).map((step) => ({ file, jobId: id, step })));
}

function step(j: Job, name: string): Step {
    const found = (j.steps ?? []).find((s) => s.name === name);
    assert.ok(found, `no step named '${name}'`);
    return found;
}

function stepUsing(j: Job, action: string): Step {
    const found = (j.steps ?? []).find((s) => s.uses?.startsWith(`${action}@`));
    assert.ok(found, `no step uses ${action}`);
    return found;
}

function asList(value: string | string[] | undefined): string[] {
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

// ---------------------------------------------------------------------------------------------
// Simulating events

interface Event {
    name: "push" | "pull_request" | "workflow_dispatch";
    ref: string;
    inputs?: Record<string, string>;
    vars?: Record<string, string>;
    actor?: string;
    headRepository?: string;
}

function contexts(event: Event, extra: Contexts = {}): Contexts {
    return {
        github: {
            event_name: event.name,
            ref: event.ref,
            sha: "0123456789abcdef0123456789abcdef01234567",
            repository: REPOSITORY,
            actor: event.actor ?? "octocat",
            actor_id: "583231",
            run_id: "4242",
            server_url: "https://github.com",
            workflow: "test",
            event: event.name === "pull_request" ? { pull_request: { number: 7, head: { repo: { full_name: event.headRepository ?? REPOSITORY } } } } : {},
        },
        inputs: event.inputs ?? {},
        vars: event.vars ?? {},
        secrets: {},
        env: {},
        ...extra,
    };
}

type Result = "success" | "failure" | "skipped";

/** Which jobs of a workflow run for an event, in dependency order; jobs in `failing` fail. */
function plan(file: string, event: Event, failing: string[] = []): Record<string, Result> {
    const jobs = workflow(file).jobs;
    const results: Record<string, Result> = {};
    const pending = new Set(Object.keys(jobs));
    while (pending.size > 0) {
        const ready = [...pending].filter((id) => asList(jobs[id].needs).every((n) => n in results));
        assert.ok(ready.length > 0, `${file}: jobs ${[...pending].join(", ")} wait on each other`);
        for (const id of ready) {
            const needs = asList(jobs[id].needs);
            const status: JobStatus = {
                success: needs.every((n) => results[n] === "success"),
                failure: needs.some((n) => results[n] === "failure"),
                cancelled: false,
            };
            const needsContext: Record<string, Value> = {};
            for (const n of needs) needsContext[n] = { result: results[n], outputs: {} };
            const condition = jobs[id].if;
            let runs: boolean;
            if (condition === undefined) runs = status.success;
            else if (typeof condition === "boolean") runs = status.success && condition;
            else {
                const value = truthy(evaluate(condition, contexts(event, { needs: needsContext }), status));
                runs = usesStatusFunction(condition) ? value : status.success && value;
            }
            results[id] = runs ? (failing.includes(id) ? "failure" : "success") : "skipped";
            pending.delete(id);
        }
    }
    return results;
}

function ran(results: Record<string, Result>): string[] {
    return Object.keys(results).filter((id) => results[id] !== "skipped");
}

/** Evaluates a `with:`/`env:` value as GitHub would: a lone `${{ }}` keeps its type. */
function resolve(value: Value, ctx: Contexts): Value {
    if (typeof value !== "string") return value;
    if (/^\s*\$\{\{[\s\S]*\}\}\s*$/.test(value) && value.indexOf("${{") === value.lastIndexOf("${{")) return evaluate(value, ctx);
    return interpolate(value, ctx);
}

function calledWorkflow(j: Job): { file: string; workflow: Workflow } | undefined {
    const match = /^\.\/\.github\/workflows\/([^/]+)$/.exec(j.uses ?? "");
    return match ? { file: match[1], workflow: workflow(match[1]) } : undefined;
}

function callInputs(j: Job, ctx: Contexts): Record<string, Value> {
    const called = calledWorkflow(j);
    assert.ok(called, `job does not call a workflow of this repository`);
    const declared = (called.workflow.on.workflow_call?.inputs ?? {}) as Record<string, CallInput>;
    const inputs: Record<string, Value> = {};
    for (const [name, input] of Object.entries(declared)) if (input.default !== undefined) inputs[name] = input.default;
    for (const [name, value] of Object.entries(j.with ?? {})) inputs[name] = resolve(value, ctx);
    return inputs;
}

interface Deployment {
    via: string;
    environment: string | undefined;
    group: string;
    cancelInProgress: boolean | string | undefined;
    stack: Value;
    steps: Step[];
}

/** What a job that deploys (calls deploy-stack.yml) does for an event. */
function deployment(file: string, id: string, event: Event): Deployment {
    const caller = job(file, id);
    const ctx = contexts(event);
    const called = calledWorkflow(caller);
    assert.ok(called, `${file}#${id} does not call a workflow`);
    const inputs = callInputs(caller, ctx);
    const calledCtx = contexts(event, { inputs });
    const calledJobs = Object.values(called.workflow.jobs);
    assert.equal(calledJobs.length, 1, `${called.file} has one job`);
    const env = calledJobs[0].environment;
    const environment = env === undefined ? undefined : String(resolve(typeof env === "string" ? env : env.name, calledCtx));
    const concurrency = caller.concurrency;
    assert.ok(concurrency !== undefined && typeof concurrency === "object", `${file}#${id} declares concurrency with a group and cancel-in-progress`);
    return {
        via: `${file}#${id} -> ${called.file}`,
        environment,
        group: String(resolve(concurrency.group, ctx)),
        cancelInProgress: concurrency["cancel-in-progress"],
        stack: inputs.stack,
        steps: calledJobs[0].steps ?? [],
    };
}

// ---------------------------------------------------------------------------------------------
// Running the validator and the workflows' shell steps

interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
}

const ACTIONLINT = path.join(ROOT, "node_modules", "@tktco", "node-actionlint", "bin", "node-actionlint.js");

function runValidator(cwd: string): Run {
    const run = spawnSync(process.execPath, [ACTIONLINT], { cwd, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const scratch: string[] = [];

function tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `workflows-${prefix}-`));
    scratch.push(dir);
    return dir;
}

/** A directory with an `npm` that records its arguments and exits with FAKE_NPM_EXIT. */
function fakeNpm(): { bin: string; argsFile: string } {
    const dir = tempDir("npm");
    const argsFile = path.join(dir, "args");
    fs.writeFileSync(
        path.join(dir, "npm"),
        [
            "#!/usr/bin/env bash",
            'printf "%s\\n" "$@" >"$FAKE_NPM_ARGS"',
            'echo "report of: $*"',
            'if [ -n "${FAKE_NPM_SCRIPT:-}" ]; then bash -c "$FAKE_NPM_SCRIPT"; fi',
            'exit "${FAKE_NPM_EXIT:-0}"',
            "",
        ].join("\n"),
        { mode: 0o755 },
    );
    return { bin: dir, argsFile };
}

/** Runs a `run:` script the way GitHub runs `shell: bash`. */
function runScript(script: string, cwd: string, env: Record<string, string>, npm?: { bin: string; argsFile: string }): Run {
    const run = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
        cwd,
        encoding: "utf8",
        env: {
            PATH: npm ? `${npm.bin}${path.delimiter}${process.env.PATH ?? ""}` : (process.env.PATH ?? ""),
            HOME: env.HOME ?? os.tmpdir(),
            GIT_CONFIG_NOSYSTEM: "1",
            FAKE_NPM_ARGS: npm?.argsFile ?? "",
            ...env,
        },
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function git(cwd: string, ...args: string[]): string {
    const run = spawnSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: cwd } });
    assert.equal(run.status, 0, `git ${args.join(" ")}: ${run.stderr}`);
    return run.stdout.trim();
}

/** A clone of a bare "origin" whose main holds the three stack files and the audit log. */
function repository(): { origin: string; work: string } {
    const dir = tempDir("git");
    const origin = path.join(dir, "origin.git");
    const work = path.join(dir, "work");
    git(dir, "init", "--quiet", "--bare", "--initial-branch=main", origin);
    git(dir, "clone", "--quiet", origin, work);
    git(work, "config", "user.name", "fixture");
    git(work, "config", "user.email", "fixture@example.com");
    for (const stack of STACKS) fs.copyFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), path.join(work, `Pulumi.${stack}.yaml`));
    fs.mkdirSync(path.join(work, "audit"));
    fs.writeFileSync(path.join(work, "audit", "traffic.jsonl"), "");
    fs.writeFileSync(path.join(work, "README.md"), "fixture\n");
    git(work, "add", ".");
    git(work, "commit", "--quiet", "-m", "initial");
    git(work, "push", "--quiet", "origin", "HEAD:main");
    git(work, "fetch", "--quiet", "origin");
    return { origin, work };
}

function commitFile(work: string, file: string, content: string, message: string): string {
    fs.writeFileSync(path.join(work, file), content);
    git(work, "add", file);
    git(work, "commit", "--quiet", "-m", message);
    return git(work, "rev-parse", "HEAD");
}

// ---------------------------------------------------------------------------------------------

describe("GitHub Actions workflows", function () {
    this.timeout(60_000);
    after(() => scratch.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    it("are simulated with GitHub's expression semantics", () => {
        const ctx: Contexts = { github: { ref: "refs/tags/v1.2.0", event_name: "push" }, vars: {}, inputs: { stack: "Production" } };
        assert.equal(evaluate("${{ inputs.stack == 'production' }}", ctx), true, "strings compare without case");
        assert.equal(evaluate("startsWith(github.ref, 'refs/tags/v')", ctx), true);
        assert.equal(evaluate("vars.MISSING != ''", ctx), false, "a missing property is null, equal to ''");
        assert.equal(evaluate("vars.MISSING || 'fallback'", ctx), "fallback", "|| returns an operand");
        assert.equal(evaluate("github.event_name == 'push' && github['ref']", ctx), "refs/tags/v1.2.0", "&& returns an operand");
        assert.equal(evaluate("!cancelled() && (1 == '1')", ctx), true);
        assert.equal(evaluate("format('{0}/{1}', 'a', inputs.stack)", ctx), "a/Production");
        assert.equal(interpolate("deploy-${{ inputs.stack }}", ctx), "deploy-Production");
        assert.throws(() => evaluate("github.ref ==", ctx));
    });

    it("are the five workflow files of the CI/CD design", () => {
        assert.deepEqual([...workflows.keys()], ["deploy-stack.yml", "deploy.yml", "pull-request.yml", "pulumi-preview.yml", "traffic.yml"]);
    });

    describe("validation (actionlint)", () => {
        it("passes every workflow file, through `npm run lint:workflows`", () => {
            const run = spawnSync("npm", ["run", "--silent", "lint:workflows"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
            assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
            assert.match(run.stdout, new RegExp(`Checking ${workflows.size} workflow file\\(s\\)`));
            assert.match(run.stdout, /All workflow files passed/);
        });

        it("rejects broken workflows, naming the file, line and problem", () => {
            const mutations: Array<{ from: string; replace: string; by: string; expect: RegExp }> = [
                { from: "deploy.yml", replace: "needs: dev", by: "needs: develop", expect: /deploy\.yml:\d+:\d+ job "staging" needs job "develop" which does not exist/ },
                { from: "pulumi-preview.yml", replace: "id-token: write", by: "id-token: writ", expect: /pulumi-preview\.yml:\d+:\d+ "writ" is invalid for permission of scope "id-token"/ },
                { from: "traffic.yml", replace: "runs-on: ubuntu-24.04", by: "runs_on: ubuntu-24.04", expect: /traffic\.yml:\d+:\d+ unexpected key "runs_on" for "job" section/ },
                { from: "pull-request.yml", replace: '"$STACK" --first-deployment', by: '"${{ matrix.stak }}" --first-deployment', expect: /pull-request\.yml:\d+:\d+ property "stak" is not defined/ },
                { from: "deploy-stack.yml", replace: "jobs:\n", by: "jobs: [\n", expect: /deploy-stack\.yml:\d+:\d+ could not parse as YAML/ },
            ];
            const dir = tempDir("broken");
            fs.mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
            for (const m of mutations) {
                const original = workflows.get(m.from)!.text;
                assert.ok(original.includes(m.replace), `${m.from} no longer contains '${m.replace}'; update this mutation`);
                fs.writeFileSync(path.join(dir, ".github", "workflows", m.from), original.replace(m.replace, m.by));
            }
            const run = runValidator(dir);
            assert.equal(run.status, 1, `the validator accepted broken workflows:\n${run.stdout}${run.stderr}`);
            for (const m of mutations) assert.match(run.stdout, m.expect);
        });
    });

    describe("pinned actions", () => {
        const USES = /^\s*(?:-\s+)?uses:\s*(\S+?)\s*(?:#\s*(.*?))?\s*$/;
        const lines = [...workflows.values()].flatMap(({ file, text }) =>
            text.split("\n").flatMap((line, i) => {
                const m = USES.exec(line);
                return m ? [{ where: `${file}:${i + 1}`, ref: m[1], comment: m[2] }] : [];
            }),
        );

        it("finds every `uses:` of the parsed workflows on its own line", () => {
            const parsed = [...allSteps().map((s) => s.step.uses), ...allJobs().map((j) => j.job.uses)].filter((u): u is string => u !== undefined);
            assert.deepEqual(lines.map((l) => l.ref).sort(), parsed.sort());
            assert.ok(lines.length > 0);
        });

        it("pins every action to a full commit SHA with its exact version in a comment, or to an exact release tag", () => {
            for (const { where, ref, comment } of lines) {
                if (ref.startsWith("./")) continue;
                if (ref.startsWith("docker://")) {
                    assert.match(ref, /@sha256:[0-9a-f]{64}$/, `${where}: ${ref} is not pinned to a digest`);
                    continue;
                }
                const m = /^([\w.-]+\/[\w.-]+(?:\/[\w./-]+)?)@(.+)$/.exec(ref);
                assert.ok(m, `${where}: ${ref} names no version`);
                if (/^[0-9a-f]{40}$/.test(m[2])) assert.match(comment ?? "", /^v\d+\.\d+\.\d+$/, `${where}: ${ref} needs its exact version as a comment (# v1.2.3)`);
                else assert.match(m[2], /^v?\d+\.\d+\.\d+$/, `${where}: ${ref} is a moving ref; pin a commit SHA (# vX.Y.Z) or an exact release tag`);
            }
        });

        it("pins each action to one commit everywhere", () => {
            const pins = new Map<string, string>();
            for (const { where, ref, comment } of lines) {
                const [action, version] = ref.split("@");
                if (ref.startsWith("./") || version === undefined) continue;
                const pin = `${version} ${comment ?? ""}`.trim();
                const seen = pins.get(action);
                assert.ok(seen === undefined || seen === pin, `${where}: ${action} pinned to ${pin}, elsewhere ${seen}`);
                pins.set(action, pin);
            }
        });

        // actionlint cannot check the inputs of actions pinned by SHA; these are the inputs of each
        // pinned version's action.yml. A new pin fails here until its inputs are copied in.
        const ACTION_INPUTS: Record<string, { inputs: string[]; required: string[] }> = {
            "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1": {
                inputs: ["repository", "ref", "token", "ssh-key", "ssh-known-hosts", "ssh-strict", "ssh-user", "persist-credentials", "path", "clean", "filter", "sparse-checkout", "sparse-checkout-cone-mode", "fetch-depth", "fetch-tags", "show-progress", "lfs", "submodules", "set-safe-directory", "github-server-url", "allow-unsafe-pr-checkout"],
                required: [],
            },
            "actions/setup-node@820762786026740c76f36085b0efc47a31fe5020": {
                inputs: ["node-version", "node-version-file", "architecture", "check-latest", "registry-url", "scope", "token", "cache", "package-manager-cache", "cache-dependency-path", "mirror", "mirror-token"],
                required: [],
            },
            "pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d": {
                inputs: ["command", "stack-name", "pulumi-version", "pulumi-version-file", "work-dir", "comment-on-pr", "comment-on-pr-number", "comment-on-summary", "github-token", "cloud-url", "secrets-provider", "parallel", "message", "config-map", "expect-no-changes", "diff", "replace", "exclude", "exclude-dependents", "target", "target-dependents", "policyPacks", "policyPackConfigs", "refresh", "upsert", "remove", "edit-pr-comment", "color", "exclude-protected", "plan", "suppress-outputs", "suppress-progress", "always-include-summary", "continue-on-error", "log-verbosity", "log-flow", "debug"],
                required: ["command", "stack-name"],
            },
            "aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c": {
                inputs: ["aws-region", "aws-profile", "overwrite-aws-profile", "role-to-assume", "aws-access-key-id", "aws-secret-access-key", "aws-session-token", "web-identity-token-file", "role-chaining", "audience", "http-proxy", "no-proxy", "mask-aws-account-id", "role-duration-seconds", "role-external-id", "role-session-name", "role-skip-session-tagging", "transitive-tag-keys", "inline-session-policy", "managed-session-policies", "output-credentials", "output-env-credentials", "unset-current-credentials", "disable-retry", "retry-max-attempts", "special-characters-workaround", "use-existing-credentials", "allowed-account-ids", "force-skip-oidc", "action-timeout-s", "custom-tags", "sts-endpoint"],
                required: ["aws-region"],
            },
        };

        it("gives each action only inputs it has, and the ones it requires", () => {
            for (const { file, jobId, step: s } of allSteps()) {
                if (!s.uses || s.uses.startsWith("./")) continue;
                const known = ACTION_INPUTS[s.uses];
                assert.ok(known, `${file}#${jobId}: add the inputs of ${s.uses} from its action.yml to this test`);
                const given = Object.keys(s.with ?? {});
                for (const name of given) assert.ok(known.inputs.includes(name), `${file}#${jobId}: ${s.uses.split("@")[0]} has no input '${name}'`);
                for (const name of known.required) assert.ok(given.includes(name), `${file}#${jobId}: ${s.uses.split("@")[0]} needs '${name}'`);
            }
        });

        it("installs the Pulumi CLI release of the @pulumi/pulumi SDK the program uses", () => {
            const sdk = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"];
            const pulumiSteps = allSteps().filter(({ step: s }) => s.uses?.startsWith("pulumi/actions@"));
            assert.ok(pulumiSteps.length >= 2);
            for (const { file, step: s } of pulumiSteps) {
                const version = resolve(s.with?.["pulumi-version"] ?? null, contexts({ name: "push", ref: "refs/heads/main" }, { env: workflow(file).env ?? {} }));
                assert.equal(version, sdk, `${file}: pulumi-version`);
            }
        });
    });

    describe("permissions", () => {
        const RANK: Record<Level, number> = { none: 0, read: 1, write: 2 };

        function scopes(p: Permissions | undefined): Record<string, Level> {
            assert.ok(p !== "write-all" && p !== "read-all", "permissions name each scope");
            return p ?? {};
        }

        it("are empty or read-only at the top of every workflow", () => {
            for (const { file, workflow: wf } of workflows.values()) {
                assert.ok(wf.permissions !== undefined, `${file} declares top-level permissions`);
                for (const [scope, level] of Object.entries(scopes(wf.permissions))) assert.notEqual(level, "write", `${file}: top-level ${scope}: write`);
            }
        });

        it("are declared by every job, and write only where the job needs it", () => {
            const writes: string[] = [];
            for (const { file, id, job: j } of allJobs()) {
                assert.ok(j.permissions !== undefined, `${file}#${id} declares permissions`);
                for (const [scope, level] of Object.entries(scopes(j.permissions))) if (level === "write") writes.push(`${file}#${id} ${scope}`);
            }
            assert.deepEqual(writes.sort(), [
                "deploy-stack.yml#up id-token", // OIDC session of the stack's deploy role
                "deploy.yml#dev id-token", // granted to the called deploy-stack.yml
                "deploy.yml#production id-token",
                "deploy.yml#staging id-token",
                "pulumi-preview.yml#preview id-token", // OIDC session of the read-only preview role
                "pulumi-preview.yml#preview pull-requests", // the preview comment
                "traffic.yml#apply id-token", // granted to the called deploy-stack.yml
                "traffic.yml#change contents", // the commit of the stack file and the audit log
            ]);
        });

        it("grant id-token only to jobs that assume an AWS role", () => {
            for (const { file, id, job: j } of allJobs()) {
                if (scopes(j.permissions)["id-token"] !== "write") continue;
                const called = calledWorkflow(j);
                const steps = called ? Object.values(called.workflow.jobs).flatMap((cj) => cj.steps ?? []) : (j.steps ?? []);
                const assume = steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
                assert.ok(assume, `${file}#${id} has id-token: write but assumes no AWS role`);
                assert.match(String(assume.with?.["role-to-assume"]), /^\$\{\{ vars\.AWS_[A-Z_]+_ROLE_ARN \}\}$/, `${file}#${id}: role from a variable`);
            }
        });

        it("of a calling job cover what the called workflow's jobs ask for", () => {
            for (const { file, id, job: j } of allJobs()) {
                const called = calledWorkflow(j);
                if (!called) continue;
                const granted = scopes(j.permissions);
                for (const cj of Object.values(called.workflow.jobs))
                    for (const [scope, level] of Object.entries(scopes(cj.permissions)))
                        assert.ok(RANK[granted[scope] ?? "none"] >= RANK[level], `${file}#${id} grants ${scope}: ${granted[scope] ?? "none"}, ${called.file} asks ${level}`);
            }
        });

        it("never use long-lived AWS keys", () => {
            for (const { file, text } of workflows.values()) assert.doesNotMatch(text, /aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/, file);
        });
    });

    describe("hygiene", () => {
        it("never expands ${{ }} inside a shell script (values reach scripts through env)", () => {
            for (const { file, jobId, step: s } of allSteps()) if (s.run) assert.doesNotMatch(s.run, /\$\{\{/, `${file}#${jobId} step '${s.name ?? s.run.slice(0, 40)}'`);
        });

        it("gives every job that runs steps a timeout, and lets no step fail silently", () => {
            for (const { file, id, job: j } of allJobs()) {
                if (j.steps) assert.ok(typeof j["timeout-minutes"] === "number", `${file}#${id} has timeout-minutes`);
                for (const s of j.steps ?? []) assert.ok(s["continue-on-error"] === undefined, `${file}#${id}: continue-on-error`);
            }
        });

        it("calls repository workflows with inputs and secrets they declare, and all inputs they require", () => {
            for (const { file, id, job: j } of allJobs()) {
                const called = calledWorkflow(j);
                if (!called) continue;
                const call = called.workflow.on.workflow_call ?? {};
                const inputs = (call.inputs ?? {}) as Record<string, CallInput>;
                const secrets = (call.secrets ?? {}) as Record<string, unknown>;
                for (const name of Object.keys(j.with ?? {})) assert.ok(name in inputs, `${file}#${id}: ${called.file} has no input '${name}'`);
                for (const [name, input] of Object.entries(inputs)) if (input.required) assert.ok(name in (j.with ?? {}), `${file}#${id}: ${called.file} requires '${name}'`);
                assert.notEqual(j.secrets, "inherit", `${file}#${id} passes only the secrets it names`);
                for (const name of Object.keys(j.secrets ?? {})) assert.ok(name in secrets, `${file}#${id}: ${called.file} declares no secret '${name}'`);
            }
        });
    });

    describe("pull-request.yml", () => {
        const pr = () => workflow("pull-request.yml");

        it("runs on every pull request, forks included, and needs no secrets or cloud identity", () => {
            assert.deepEqual(Object.keys(pr().on), ["pull_request"]);
            assert.equal(pr().on.pull_request, null, "no branch or path filter");
            const parsed = JSON.stringify(pr());
            assert.doesNotMatch(parsed, /secrets|github\.token/, "no secret, not even the GITHUB_TOKEN, is referenced");
            assert.doesNotMatch(parsed, /id-token/);
            for (const [id, j] of Object.entries(pr().jobs)) {
                assert.equal(j.environment, undefined, `${id} uses no environment`);
                assert.deepEqual(j.permissions, { contents: "read" }, `${id} reads the repository and nothing else`);
            }
        });

        it("installs with npm ci, then type-checks, lints, validates the workflows and runs npm test", () => {
            const runs = (job("pull-request.yml", "checks").steps ?? []).flatMap((s) => (s.run ? [s.run] : []));
            assert.deepEqual(runs, ["npm ci --no-audit --no-fund", "npm run typecheck", "npm run lint", "npm run lint:workflows", "npm test"]);
        });

        for (const [id, extra] of [["offline-preview", []], ["offline-preview-first-deployment", ["--first-deployment"]]] as const) {
            it(`${id}: previews dev, staging and production offline with the policy pack${extra.length ? " as a first deployment" : ""}`, () => {
                const j = job("pull-request.yml", id);
                assert.deepEqual(j.strategy?.matrix?.stack, [...STACKS]);
                assert.equal(j.strategy?.["fail-fast"], false, "one stack's failure does not hide another's");
                const previewStep = (j.steps ?? []).find((s) => s.run?.includes("offline-preview.sh"));
                assert.ok(previewStep?.run);
                const npm = fakeNpm();
                for (const stack of STACKS) {
                    const env = Object.fromEntries(Object.entries(previewStep.env ?? {}).map(([k, v]) => [k, String(resolve(v, contexts({ name: "pull_request", ref: "refs/pull/7/merge" }, { matrix: { stack } })))]));
                    const run = runScript(previewStep.run, ROOT, env, npm);
                    assert.equal(run.status, 0, run.stderr);
                    assert.deepEqual(fs.readFileSync(npm.argsFile, "utf8").trim().split("\n"), ["run", "--silent", "preview", "--", "--stack", stack, ...extra]);
                }
            });
        }
    });

    describe(".github/scripts/offline-preview.sh", () => {
        const verdicts: Array<[number, RegExp]> = [
            [0, /clean \(exit 0\)/],
            [1, /mandatory policy violations \(exit 1\)/],
            [2, /invalid configuration or usage \(exit 2\)/],
            [3, /the program failed \(exit 3\)/],
        ];
        for (const [code, verdict] of verdicts) {
            it(`exits ${code} when the preview does, with the report in the job summary`, () => {
                const npm = fakeNpm();
                const summary = path.join(tempDir("summary"), "summary.md");
                const run = runScript('bash .github/scripts/offline-preview.sh production "$@"', ROOT, { FAKE_NPM_EXIT: String(code), GITHUB_STEP_SUMMARY: summary }, npm);
                assert.equal(run.status, code);
                assert.match(run.stdout, /report of: run --silent preview -- --stack production/);
                const text = fs.readFileSync(summary, "utf8");
                assert.match(text, /^### Offline preview of production: /m);
                assert.match(text, verdict);
                assert.match(text, /```text\nreport of: run --silent preview -- --stack production\n```/);
                if (code === 0) assert.doesNotMatch(run.stdout, /::error/);
                else assert.match(run.stdout, /^::error title=Offline preview of production::/m);
            });
        }

        it("runs the real preview: an unknown stack is a usage error (exit 2)", () => {
            const run = runScript("bash .github/scripts/offline-preview.sh no-such-stack", ROOT, {});
            assert.equal(run.status, 2, run.stdout + run.stderr);
            assert.match(run.stdout, /Pulumi\.no-such-stack\.yaml/);
        });
    });

    describe(".github/scripts/stack-region.sh", () => {
        it("prints the aws:region each stack file sets, and fails for an unknown stack", () => {
            for (const stack of STACKS) {
                const expected = (YAML.parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, string> }).config["aws:region"];
                const run = runScript(`bash .github/scripts/stack-region.sh ${stack}`, ROOT, {});
                assert.equal(run.status, 0, run.stderr);
                assert.equal(run.stdout.trim(), expected);
            }
            assert.equal(runScript("bash .github/scripts/stack-region.sh no-such-stack", ROOT, {}).status, 2);
        });
    });

    describe("pulumi-preview.yml", () => {
        const event = (over: Partial<Event> = {}): Event => ({ name: "pull_request", ref: "refs/pull/7/merge", vars: { AWS_PREVIEW_ROLE_ARN: "arn:aws:iam::111122223333:role/pulumi-preview" }, ...over });

        it("runs only where the repository has a preview role, never for forks or Dependabot", () => {
            assert.deepEqual(Object.keys(workflow("pulumi-preview.yml").on), ["pull_request"]);
            assert.deepEqual(ran(plan("pulumi-preview.yml", event())), ["preview"]);
            assert.deepEqual(ran(plan("pulumi-preview.yml", event({ vars: {} }))), [], "no role configured");
            assert.deepEqual(ran(plan("pulumi-preview.yml", event({ headRepository: "someone/fork" }))), [], "fork");
            assert.deepEqual(ran(plan("pulumi-preview.yml", event({ actor: "dependabot[bot]" }))), [], "dependabot");
        });

        it("previews each stack with the policy pack and its stack config, comments on the PR, with AWS through OIDC", () => {
            const j = job("pulumi-preview.yml", "preview");
            assert.deepEqual(j.strategy?.matrix?.stack, [...STACKS]);
            assert.equal(j.permissions && typeof j.permissions === "object" ? j.permissions["id-token"] : undefined, "write");
            const steps = j.steps ?? [];
            const assume = stepUsing(j, "aws-actions/configure-aws-credentials");
            const pulumi = stepUsing(j, "pulumi/actions");
            assert.ok(steps.indexOf(assume) < steps.indexOf(pulumi));
            assert.equal(assume.with?.["role-to-assume"], "${{ vars.AWS_PREVIEW_ROLE_ARN }}");
            assert.equal(pulumi.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
            for (const stack of STACKS) {
                const ctx = contexts(event(), { matrix: { stack }, env: workflow("pulumi-preview.yml").env ?? {} });
                const w = Object.fromEntries(Object.entries(pulumi.with ?? {}).map(([k, v]) => [k, resolve(v, ctx)]));
                assert.equal(w.command, "preview");
                assert.equal(w["stack-name"], stack);
                assert.equal(w.policyPacks, "policies");
                assert.equal(w.policyPackConfigs, `policies/config/${stack}.json`);
                assert.equal(w["comment-on-pr"], true);
                assert.equal(pulumi.with?.["github-token"], "${{ secrets.GITHUB_TOKEN }}");
                const org = resolve(pulumi.with?.["stack-name"] ?? null, contexts(event({ vars: { PULUMI_ORG: "acme" } }), { matrix: { stack } }));
                assert.equal(org, `acme/clinical-platform/${stack}`);
            }
        });
    });

    describe("deploy.yml", () => {
        const push = (ref: string): Event => ({ name: "push", ref });
        const dispatch = (stack: Stack, ref = "refs/heads/main"): Event => ({ name: "workflow_dispatch", ref, inputs: { stack } });

        it("runs on pushes to main, on v* tags and by hand", () => {
            const on = workflow("deploy.yml").on;
            assert.deepEqual(Object.keys(on).sort(), ["push", "workflow_dispatch"]);
            assert.deepEqual(on.push, { branches: ["main"], tags: ["v*"] });
            const stack = (on.workflow_dispatch?.inputs as Record<string, { type: string; options: string[]; required: boolean }>).stack;
            assert.deepEqual(stack, { ...stack, type: "choice", options: [...STACKS], required: true });
        });

        it("deploys a push to main to dev, then staging, and never to production", () => {
            assert.deepEqual(plan("deploy.yml", push("refs/heads/main")), { dev: "success", staging: "success", production: "skipped" });
            assert.deepEqual(plan("deploy.yml", push("refs/heads/main"), ["dev"]), { dev: "failure", staging: "skipped", production: "skipped" }, "staging waits for a good dev");
        });

        it("deploys production only from a v* tag or a dispatch from main or a v* tag", () => {
            assert.deepEqual(ran(plan("deploy.yml", push("refs/tags/v1.5.0"))), ["production"]);
            assert.deepEqual(ran(plan("deploy.yml", dispatch("production"))), ["production"]);
            assert.deepEqual(ran(plan("deploy.yml", dispatch("production", "refs/tags/v1.5.0"))), ["production"]);
            assert.deepEqual(ran(plan("deploy.yml", dispatch("production", "refs/heads/feature/x"))), []);
            assert.deepEqual(ran(plan("deploy.yml", push("refs/heads/release"))), [], "other branches deploy nothing");
        });

        it("deploys exactly the dispatched stack", () => {
            assert.deepEqual(ran(plan("deploy.yml", dispatch("dev", "refs/heads/feature/x"))), ["dev"]);
            assert.deepEqual(ran(plan("deploy.yml", dispatch("staging"))), ["staging"]);
        });

        for (const stack of STACKS) {
            it(`deploys ${stack} in the '${stack}' environment, in concurrency group deploy-${stack}, never cancelled in progress`, () => {
                const d = deployment("deploy.yml", stack, stack === "production" ? push("refs/tags/v1.5.0") : push("refs/heads/main"));
                assert.equal(d.stack, stack);
                assert.equal(d.environment, stack, `${d.via}: environment`);
                assert.equal(d.group, `deploy-${stack}`);
                assert.equal(d.cancelInProgress, false);
            });
        }
    });

    describe("deploy-stack.yml (every pulumi up)", () => {
        const called = () => workflow("deploy-stack.yml");
        const up = () => Object.values(called().jobs)[0];

        it("is only called by other workflows, and sets no concurrency of its own (the caller's group would deadlock)", () => {
            assert.deepEqual(Object.keys(called().on), ["workflow_call"]);
            assert.equal(called().concurrency, undefined);
            for (const j of Object.values(called().jobs)) assert.equal(j.concurrency, undefined);
        });

        it("runs the offline preview with the pack, then pulumi up with the pack and the stack's pack config", () => {
            const steps = up().steps ?? [];
            const offline = steps.findIndex((s) => s.run?.includes("bash .github/scripts/offline-preview.sh"));
            const assume = steps.indexOf(stepUsing(up(), "aws-actions/configure-aws-credentials"));
            const pulumi = steps.indexOf(stepUsing(up(), "pulumi/actions"));
            assert.ok(offline >= 0 && offline < assume && assume < pulumi, "offline preview, then credentials, then pulumi up");
            for (const stack of STACKS) {
                const ctx = contexts({ name: "push", ref: "refs/heads/main" }, { inputs: { stack, ref: "abc", message: "" }, env: called().env ?? {} });
                const w = Object.fromEntries(Object.entries(steps[pulumi].with ?? {}).map(([k, v]) => [k, resolve(v, ctx)]));
                assert.equal(w.command, "up");
                assert.equal(w["stack-name"], stack);
                assert.equal(w.policyPacks, "policies");
                assert.equal(w.policyPackConfigs, `policies/config/${stack}.json`);
                assert.equal(resolve(steps[assume].with?.["role-to-assume"] ?? null, contexts({ name: "push", ref: "" }, { vars: { AWS_DEPLOY_ROLE_ARN: `arn:${stack}` } })), `arn:${stack}`);
            }
        });

        it("refuses production commits that are not on main", () => {
            const guard = step(up(), "Production deploys only commits on main");
            assert.equal(truthy(evaluate(String(guard.if), { inputs: { stack: "production" } })), true);
            assert.equal(truthy(evaluate(String(guard.if), { inputs: { stack: "staging" } })), false);
            const { work } = repository();
            const onMain = git(work, "rev-parse", "HEAD");
            git(work, "checkout", "--quiet", "-b", "feature");
            commitFile(work, "README.md", "unreviewed\n", "unreviewed");
            assert.equal(runScript(guard.run!, work, {}).status, 1, "a commit off main");
            git(work, "checkout", "--quiet", onMain);
            assert.equal(runScript(guard.run!, work, {}).status, 0, "a commit on main");
        });

        it("refuses to deploy a stack file older than main's (it would undo a traffic change)", () => {
            const guard = step(up(), "Stack file matches main");
            assert.equal(truthy(evaluate(String(guard.if), { inputs: { stack: "dev" } })), false, "dev may deploy any branch");
            assert.equal(truthy(evaluate(String(guard.if), { inputs: { stack: "production" } })), true);
            const { work } = repository();
            const tagged = git(work, "rev-parse", "HEAD");
            const stackFile = fs.readFileSync(path.join(work, "Pulumi.production.yaml"), "utf8");
            commitFile(work, "Pulumi.production.yaml", `${stackFile}# promoted green\n`, "traffic(production): promote");
            commitFile(work, "README.md", "later\n", "docs");
            git(work, "push", "--quiet", "origin", "HEAD:main");
            git(work, "fetch", "--quiet", "origin");
            git(work, "checkout", "--quiet", tagged);
            const stale = runScript(guard.run!, work, { STACK: "production" });
            assert.equal(stale.status, 1);
            assert.match(stale.stdout, /Pulumi\.production\.yaml differs from main/);
            assert.equal(runScript(guard.run!, work, { STACK: "staging" }).status, 0, "staging's file is unchanged");
            git(work, "checkout", "--quiet", "origin/main");
            assert.equal(runScript(guard.run!, work, { STACK: "production" }).status, 0, "main's tip");
        });
    });

    describe("traffic.yml", () => {
        const dispatch = (inputs: Record<string, string>, ref = "refs/heads/main"): Event => ({ name: "workflow_dispatch", ref, inputs, actor: "alice" });

        it("asks for stack, action, an optional argument and a required reason", () => {
            const on = workflow("traffic.yml").on;
            assert.deepEqual(Object.keys(on), ["workflow_dispatch"]);
            const inputs = on.workflow_dispatch?.inputs as Record<string, { type: string; options?: string[]; required?: boolean }>;
            assert.deepEqual(Object.keys(inputs), ["stack", "action", "argument", "reason"]);
            assert.deepEqual([inputs.stack.type, inputs.stack.options, inputs.stack.required], ["choice", [...STACKS], true]);
            assert.deepEqual([inputs.action.type, inputs.action.options, inputs.action.required], ["choice", ["stage", "shift", "promote", "rollback"], true]);
            assert.deepEqual([inputs.argument.type, inputs.argument.required], ["string", false]);
            assert.deepEqual([inputs.reason.type, inputs.reason.required], ["string", true]);
        });

        it("changes, then applies; only from main", () => {
            assert.deepEqual(plan("traffic.yml", dispatch({ stack: "production", action: "rollback", argument: "", reason: "5xx" })), { change: "success", apply: "success" });
            assert.deepEqual(ran(plan("traffic.yml", dispatch({ stack: "dev", action: "rollback", argument: "", reason: "x" }, "refs/heads/feature/x"))), []);
            assert.deepEqual(job("traffic.yml", "apply").needs, "change");
        });

        for (const stack of STACKS) {
            it(`applies ${stack} through deploy-stack.yml in the '${stack}' environment, sharing concurrency group deploy-${stack} with deploy.yml`, () => {
                const event = dispatch({ stack, action: "shift", argument: "25", reason: "canary" });
                const d = deployment("traffic.yml", "apply", event);
                assert.equal(d.stack, stack);
                assert.equal(d.environment, stack);
                assert.equal(d.group, deployment("deploy.yml", stack, { name: "push", ref: "refs/heads/main" }).group);
                assert.equal(d.cancelInProgress, false);
                const change = job("traffic.yml", "change").concurrency;
                assert.ok(change && typeof change === "object");
                assert.equal(resolve(change.group, contexts(event)), `deploy-${stack}`);
                assert.equal(change["cancel-in-progress"], false);
                const ref = job("traffic.yml", "apply").with?.ref;
                assert.equal(ref, "${{ needs.change.outputs.sha }}", "applies the commit the change job pushed");
            });
        }

        describe("change job, run against a scratch clone", () => {
            const change = () => job("traffic.yml", "change");
            const env = (inputs: Record<string, string>): Record<string, string> => {
                const ctx = contexts(dispatch(inputs));
                return Object.fromEntries(Object.entries(change().env ?? {}).map(([k, v]) => [k, String(resolve(v, ctx))]));
            };
            const appendAudit = 'echo "{\\"stack\\":\\"production\\"}" >>audit/traffic.jsonl';

            it("refuses stage or shift without an argument and a blank reason", () => {
                const check = step(change(), "Check the inputs").run!;
                const dir = tempDir("inputs");
                assert.equal(runScript(check, dir, env({ stack: "dev", action: "stage", argument: "", reason: "r" })).status, 2);
                assert.equal(runScript(check, dir, env({ stack: "dev", action: "shift", argument: "", reason: "r" })).status, 2);
                assert.equal(runScript(check, dir, env({ stack: "dev", action: "rollback", argument: "", reason: "  " })).status, 2);
                assert.equal(runScript(check, dir, env({ stack: "dev", action: "rollback", argument: "", reason: "errors" })).status, 0);
                assert.equal(runScript(check, dir, env({ stack: "dev", action: "shift", argument: "10", reason: "canary" })).status, 0);
            });

            it("runs `npm run traffic` with the stack, action, argument and reason, quoted as given", () => {
                const { work } = repository();
                const npm = fakeNpm();
                const script = step(change(), "Run the traffic command").run!;
                const stage = runScript(script, work, { ...env({ stack: "staging", action: "stage", argument: "registry.example.com/clinical-api:1.6.0", reason: "release 1.6; see CHG-12" }), HOME: work }, npm);
                assert.equal(stage.status, 0, stage.stderr);
                assert.deepEqual(fs.readFileSync(npm.argsFile, "utf8").trim().split("\n"), ["run", "--silent", "traffic", "--", "--stack", "staging", "stage", "registry.example.com/clinical-api:1.6.0", "--reason", "release 1.6; see CHG-12"]);
                const reason = "$(touch injected) `touch injected` 5xx > 1 %";
                const rollback = runScript(script, work, { ...env({ stack: "production", action: "rollback", argument: "", reason }), HOME: work }, npm);
                assert.equal(rollback.status, 0, rollback.stderr);
                assert.deepEqual(fs.readFileSync(npm.argsFile, "utf8").trim().split("\n"), ["run", "--silent", "traffic", "--", "--stack", "production", "rollback", "--reason", reason]);
                assert.ok(!fs.existsSync(path.join(work, "injected")), "the reason is data, never shell");
                assert.equal(git(work, "config", "user.name"), "alice", "the actor is the git author the command sees");
                const failing = runScript(script, work, { ...env({ stack: "production", action: "rollback", argument: "", reason: "x" }), HOME: work, FAKE_NPM_EXIT: "2" }, npm);
                assert.equal(failing.status, 2, "a failing traffic command fails the job");
            });

            it("accepts nothing, or a change to the stack file plus an audit record, and nothing else", () => {
                const script = step(change(), "Only the stack file and the audit log changed").run!;
                const e = env({ stack: "production", action: "rollback", argument: "", reason: "x" });
                const { work } = repository();
                const nothing = runScript(script, work, e);
                assert.equal(nothing.status, 0, "nothing to change is not an error");
                assert.match(nothing.stdout, /::notice::nothing to change/);
                fs.appendFileSync(path.join(work, "Pulumi.production.yaml"), "# edited\n");
                assert.equal(runScript(script, work, e).status, 1, "no audit record");
                runScript(appendAudit, work, {});
                assert.equal(runScript(script, work, e).status, 0, "stack file and audit record");
                fs.appendFileSync(path.join(work, "Pulumi.staging.yaml"), "# edited\n");
                const other = runScript(script, work, e);
                assert.equal(other.status, 1, "another stack's file");
                assert.match(other.stdout, /changed other files/);
            });

            it("commits both files to main as the actor, with the action and reason in the message, and outputs the commit", () => {
                const { origin, work } = repository();
                const npm = fakeNpm();
                const inputs = { stack: "production", action: "rollback", argument: "", reason: "p95 latency 2 s after 1.5.0" };
                const e = { ...env(inputs), HOME: work, FAKE_NPM_SCRIPT: `echo "# rolled back" >>Pulumi.production.yaml; ${appendAudit}` };
                assert.equal(runScript(step(change(), "Run the traffic command").run!, work, e, npm).status, 0);
                assert.equal(runScript(step(change(), "Only the stack file and the audit log changed").run!, work, e).status, 0);
                const output = path.join(tempDir("output"), "output");
                const commit = step(change(), "Commit to main");
                const runUrl = String(resolve(commit.env?.RUN_URL ?? null, contexts(dispatch(inputs))));
                const run = runScript(commit.run!, work, { ...e, RUN_URL: runUrl, GITHUB_OUTPUT: output });
                assert.equal(run.status, 0, run.stderr);
                const head = git(origin, "rev-parse", "main");
                assert.equal(fs.readFileSync(output, "utf8"), `sha=${head}\n`);
                assert.equal(git(origin, "log", "-1", "--format=%an <%ae>", "main"), "alice <583231+alice@users.noreply.github.com>");
                assert.equal(
                    git(origin, "log", "-1", "--format=%B", "main"),
                    `traffic(production): rollback by @alice\n\nReason: p95 latency 2 s after 1.5.0\n\nRun: https://github.com/${REPOSITORY}/actions/runs/4242`,
                );
                assert.deepEqual(git(origin, "show", "--name-only", "--format=", "main").split("\n").sort(), ["Pulumi.production.yaml", "audit/traffic.jsonl"]);
            });

            it("commits nothing when there is nothing to change, and hands apply main's tip", () => {
                const { origin, work } = repository();
                const output = path.join(tempDir("output"), "output");
                const e = env({ stack: "production", action: "rollback", argument: "", reason: "x" });
                const run = runScript(step(change(), "Commit to main").run!, work, { ...e, HOME: work, RUN_URL: "u", GITHUB_OUTPUT: output });
                assert.equal(run.status, 0, run.stderr);
                assert.equal(fs.readFileSync(output, "utf8"), `sha=${git(origin, "rev-parse", "main")}\n`);
                assert.deepEqual(git(origin, "log", "--format=%s", "main").split("\n"), ["initial"]);
            });

            it("rebases on a main that moved meanwhile, then pushes", () => {
                const { origin, work } = repository();
                const other = path.join(path.dirname(work), "other");
                git(path.dirname(work), "clone", "--quiet", origin, other);
                git(other, "config", "user.name", "bob");
                git(other, "config", "user.email", "bob@example.com");
                commitFile(other, "README.md", "merged meanwhile\n", "a merge");
                git(other, "push", "--quiet", "origin", "HEAD:main");
                const e = { ...env({ stack: "production", action: "promote", argument: "", reason: "green healthy" }), HOME: work };
                git(work, "config", "user.name", "alice");
                git(work, "config", "user.email", "alice@example.com");
                fs.appendFileSync(path.join(work, "Pulumi.production.yaml"), "# promoted\n");
                runScript(appendAudit, work, {});
                const output = path.join(tempDir("output"), "output");
                const run = runScript(step(change(), "Commit to main").run!, work, { ...e, RUN_URL: "u", GITHUB_OUTPUT: output });
                assert.equal(run.status, 0, run.stderr);
                assert.deepEqual(git(origin, "log", "--format=%s", "main").split("\n"), ["traffic(production): promote by @alice", "a merge", "initial"]);
            });
        });
    });
});
