import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { evaluate, truthy } from "./expressions";
import { cleanScratch, commitFile, contexts, deployment, Event, fakeNpm, git, job, plan, ran, REPOSITORY, repository, resolve, runScript, STACKS, step, stepUsing, tempDir, workflow } from "./support";

describe("GitHub Actions workflows: every pulumi up and traffic change", function () {
    this.timeout(60_000);
    after(cleanScratch);

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
