/**
 * What the workflow specs share: the parsed workflow files, a simulator of which jobs run for an
 * event (GitHub's expression semantics), and fakes of npm and of git remotes so that the shell
 * steps can run for real.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { ENVIRONMENTS } from "../../stacks";
import { scratchDir } from "../harness/scratch";
import { Contexts, JobStatus, Value, evaluate, interpolate, truthy, usesStatusFunction } from "./expressions";

export const ROOT = path.resolve(__dirname, "../..");
export const WORKFLOWS = path.join(ROOT, ".github", "workflows");
export const STACKS = ENVIRONMENTS;
export type Stack = (typeof STACKS)[number];
export const REPOSITORY = "example-org/clinical-platform";

// ---------------------------------------------------------------------------------------------
// Loading

export type Level = "read" | "write" | "none";
export type Permissions = Record<string, Level> | "read-all" | "write-all";

export interface Step {
    name?: string;
    id?: string;
    if?: string | boolean;
    uses?: string;
    run?: string;
    with?: Record<string, Value>;
    env?: Record<string, Value>;
    "continue-on-error"?: boolean | string;
}

export interface Job {
    name?: string;
    needs?: string | string[];
    if?: string | boolean;
    permissions?: Permissions;
    concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
    environment?: string | { name: string; url?: string };
    strategy?: { matrix?: Record<string, Value>; "fail-fast"?: boolean };
    env?: Record<string, Value>;
    "timeout-minutes"?: number;
    "runs-on"?: string | string[];
    uses?: string;
    with?: Record<string, Value>;
    secrets?: Record<string, Value> | "inherit";
    steps?: Step[];
}

export interface CallInput {
    type: string;
    required?: boolean;
    default?: Value;
}

export interface Workflow {
    name?: string;
    on: Record<string, Record<string, unknown> | null>;
    permissions?: Permissions;
    concurrency?: unknown;
    env?: Record<string, Value>;
    jobs: Record<string, Job>;
}

export interface WorkflowFile {
    file: string;
    text: string;
    workflow: Workflow;
}

export function loadWorkflows(): Map<string, WorkflowFile> {
    const files = new Map<string, WorkflowFile>();
    for (const file of fs.readdirSync(WORKFLOWS).sort()) {
        if (!/\.ya?ml$/.test(file)) continue;
        const text = fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
        files.set(file, { file, text, workflow: YAML.parse(text) as Workflow });
    }
    return files;
}

export const workflows = loadWorkflows();

export function workflow(file: string): Workflow {
    const found = workflows.get(file);
    assert.ok(found, `.github/workflows/${file} is missing`);
    return found.workflow;
}

export function job(file: string, id: string): Job {
    const found = workflow(file).jobs[id];
    assert.ok(found, `${file} has no job '${id}'`);
    return found;
}

export function allJobs(): Array<{ file: string; id: string; job: Job }> {
    return [...workflows.values()].flatMap(({ file, workflow: wf }) => Object.entries(wf.jobs).map(([id, j]) => ({ file, id, job: j })));
}

export function allSteps(): Array<{ file: string; jobId: string; step: Step }> {
    return allJobs().flatMap(({ file, id, job: j }) => (j.steps ?? []).map((step) => ({ file, jobId: id, step })));
}

export function step(j: Job, name: string): Step {
    const found = (j.steps ?? []).find((s) => s.name === name);
    assert.ok(found, `no step named '${name}'`);
    return found;
}

export function stepUsing(j: Job, action: string): Step {
    const found = (j.steps ?? []).find((s) => s.uses?.startsWith(`${action}@`));
    assert.ok(found, `no step uses ${action}`);
    return found;
}

export function asList(value: string | string[] | undefined): string[] {
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

// ---------------------------------------------------------------------------------------------
// Simulating events

export interface Event {
    name: "push" | "pull_request" | "workflow_dispatch";
    ref: string;
    inputs?: Record<string, string>;
    vars?: Record<string, string>;
    actor?: string;
    headRepository?: string;
}

export function contexts(event: Event, extra: Contexts = {}): Contexts {
    return {
        github: {
            event_name: event.name,
            ref: event.ref,
            sha: "0123456789abcdef0123456789abcdef01234567",
            repository: REPOSITORY,
            actor: event.actor ?? "octocat",
            actor_id: "583231",
            run_id: "4242",
            run_attempt: "1",
            server_url: "https://github.com",
            // Where actions/checkout puts the repository on a GitHub-hosted runner.
            workspace: "/home/runner/work/clinical-platform/clinical-platform",
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

export type Result = "success" | "failure" | "skipped";

/** Which jobs of a workflow run for an event, in dependency order; jobs in `failing` fail. */
export function plan(file: string, event: Event, failing: string[] = []): Record<string, Result> {
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

export function ran(results: Record<string, Result>): string[] {
    return Object.keys(results).filter((id) => results[id] !== "skipped");
}

/** Evaluates a `with:`/`env:` value as GitHub would: a lone `${{ }}` keeps its type. */
export function resolve(value: Value, ctx: Contexts): Value {
    if (typeof value !== "string") return value;
    if (/^\s*\$\{\{[\s\S]*\}\}\s*$/.test(value) && value.indexOf("${{") === value.lastIndexOf("${{")) return evaluate(value, ctx);
    return interpolate(value, ctx);
}

export function calledWorkflow(j: Job): { file: string; workflow: Workflow } | undefined {
    const match = /^\.\/\.github\/workflows\/([^/]+)$/.exec(j.uses ?? "");
    return match ? { file: match[1], workflow: workflow(match[1]) } : undefined;
}

export function callInputs(j: Job, ctx: Contexts): Record<string, Value> {
    const called = calledWorkflow(j);
    assert.ok(called, `job does not call a workflow of this repository`);
    const declared = (called.workflow.on.workflow_call?.inputs ?? {}) as Record<string, CallInput>;
    const inputs: Record<string, Value> = {};
    for (const [name, input] of Object.entries(declared)) if (input.default !== undefined) inputs[name] = input.default;
    for (const [name, value] of Object.entries(j.with ?? {})) inputs[name] = resolve(value, ctx);
    return inputs;
}

export interface Deployment {
    via: string;
    environment: string | undefined;
    group: string;
    cancelInProgress: boolean | string | undefined;
    stack: Value;
    steps: Step[];
}

/** What a job that deploys (calls deploy-stack.yml) does for an event. */
export function deployment(file: string, id: string, event: Event): Deployment {
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

export interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
}

export const ACTIONLINT = path.join(ROOT, "node_modules", "@tktco", "node-actionlint", "bin", "node-actionlint.js");

export function runValidator(cwd: string): Run {
    const run = spawnSync(process.execPath, [ACTIONLINT], { cwd, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export function tempDir(prefix: string): string {
    return scratchDir(`workflows-${prefix}-`);
}

/** A directory with an `npm` that records its arguments and exits with FAKE_NPM_EXIT. */
export function fakeNpm(): { bin: string; argsFile: string } {
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
export function runScript(script: string, cwd: string, env: Record<string, string>, npm?: { bin: string; argsFile: string }): Run {
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

export function git(cwd: string, ...args: string[]): string {
    const run = spawnSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: cwd } });
    assert.equal(run.status, 0, `git ${args.join(" ")}: ${run.stderr}`);
    return run.stdout.trim();
}

/** A clone of a bare "origin" whose main holds the three stack files and the audit log. */
export function repository(): { origin: string; work: string } {
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

export function commitFile(work: string, file: string, content: string, message: string): string {
    fs.writeFileSync(path.join(work, file), content);
    git(work, "add", file);
    git(work, "commit", "--quiet", "-m", message);
    return git(work, "rev-parse", "HEAD");
}
