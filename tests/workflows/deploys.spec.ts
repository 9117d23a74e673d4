import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { Value, evaluate, truthy } from "./expressions";
import { PROFILES } from "../../stacks";
import { commitFile, contexts, deployment, Event, fakeNpm, git, job, plan, REPOSITORY, repository, resolve, ROOT, runScript, STACKS, step, stepUsing, tempDir, workflow } from "./support";

describe("GitHub Actions workflows: every pulumi up and traffic change", function () {
    this.timeout(60_000);

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
                assert.equal(w.policyPacks, "/home/runner/work/clinical-platform/clinical-platform/policies/analyzer.js", "absolute: the CLI runs a pack file from Pulumi.yaml's main directory");
                assert.equal(w.policyPackConfigs, `policies/config/${stack}.json`);
                assert.equal(resolve(steps[assume].with?.["role-to-assume"] ?? null, contexts({ name: "push", ref: "" }, { vars: { AWS_DEPLOY_ROLE_ARN: `arn:${stack}` } })), `arn:${stack}`);
            }
        });

        it("tells the stack's critical alarm channels when any step after the region lookup fails, taking credentials if it has none yet", () => {
            const steps = up().steps ?? [];
            const notice = step(up(), "Tell the critical alarm channels that the deploy failed");
            const credentials = step(up(), "AWS credentials for the failure notice");
            const region = steps.indexOf(step(up(), "Region of the stack"));
            assert.ok(region < steps.findIndex((s) => s.run?.includes("bash .github/scripts/offline-preview.sh")), "the region is known before the first step that can fail a deploy");
            assert.ok(steps.indexOf(credentials) < steps.indexOf(notice) && steps.indexOf(notice) === steps.length - 1, "credentials, then the notice, last");
            assert.match(String(notice.run), /^bash \.github\/scripts\/deploy-failed\.sh "\$STACK" "\$REGION"$/);
            const when = (expression: unknown, failed: boolean, regionKnown: boolean, credentialsOutcome: string) => truthy(evaluate(String(expression), {
                steps: { region: { outputs: { region: regionKnown ? "us-east-1" : "" } }, credentials: { outcome: credentialsOutcome } },
            }, { success: !failed, failure: failed, cancelled: false }));
            assert.equal(when(notice.if, true, true, "success"), true, "pulumi up failed");
            assert.equal(when(notice.if, true, true, "skipped"), true, "the offline preview failed");
            assert.equal(when(notice.if, false, true, "success"), false, "a deploy that succeeded");
            assert.equal(when(notice.if, true, false, "skipped"), false, "no region to publish in: the inputs or the checkout failed");
            assert.equal(when(credentials.if, true, true, "skipped"), true, "no credentials yet");
            assert.equal(when(credentials.if, true, true, "success"), false, "the deploy's credentials are still there");
            assert.equal(credentials.uses, stepUsing(up(), "aws-actions/configure-aws-credentials").uses, "the same pinned action");
            const ctx = contexts({ name: "push", ref: "refs/heads/main" }, { inputs: { stack: "production", ref: "abc", message: "" }, vars: { AWS_DEPLOY_ROLE_ARN: "arn:production" } });
            assert.equal(resolve(credentials.with?.["role-to-assume"] ?? null, ctx), "arn:production");
            assert.equal(resolve(notice.env?.STACK ?? null, ctx), "production");
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
        const dispatch = (inputs: Record<string, string | boolean>, ref = "refs/heads/main"): Event => ({
            name: "workflow_dispatch",
            ref,
            inputs: { argument: "", incident: "", break_glass: false, ...inputs } as unknown as Record<string, string>,
            actor: "alice",
        });
        const traffic = () => workflow("traffic.yml");
        const jobEnv = (id: string, inputs: Record<string, string | boolean>, ref = "refs/heads/main"): Record<string, string> => {
            const ctx = contexts(dispatch(inputs, ref));
            return Object.fromEntries(Object.entries(job("traffic.yml", id).env ?? {}).map(([k, v]) => [k, String(resolve(v, ctx))]));
        };
        const group = (inputs: Record<string, string | boolean>, runId = "4242") => {
            const concurrency = traffic().concurrency as { group: string; "cancel-in-progress": boolean };
            const ctx = contexts(dispatch(inputs));
            (ctx.github as Record<string, Value>).run_id = runId;
            return { group: String(resolve(concurrency.group, ctx)), cancelInProgress: concurrency["cancel-in-progress"] };
        };

        it("asks for stack, action, an optional argument, a required reason, an incident and the break-glass switch", () => {
            const on = traffic().on;
            assert.deepEqual(Object.keys(on), ["workflow_dispatch"]);
            const inputs = on.workflow_dispatch?.inputs as Record<string, { type: string; options?: string[]; required?: boolean; default?: unknown }>;
            assert.deepEqual(Object.keys(inputs), ["stack", "action", "argument", "reason", "incident", "break_glass"]);
            assert.deepEqual([inputs.stack.type, inputs.stack.options, inputs.stack.required], ["choice", [...STACKS], true]);
            assert.deepEqual([inputs.action.type, inputs.action.options, inputs.action.required], ["choice", ["stage", "shift", "promote", "rollback", "canary", "smoke"], true]);
            assert.deepEqual([inputs.argument.type, inputs.argument.required], ["string", false]);
            assert.deepEqual([inputs.reason.type, inputs.reason.required], ["string", true]);
            assert.deepEqual([inputs.incident.type, inputs.incident.required], ["string", false]);
            assert.deepEqual([inputs.break_glass.type, inputs.break_glass.default], ["boolean", false]);
        });

        describe("dispatched from another ref than main", () => {
            it("fails with a message instead of a green run that did nothing", () => {
                const results = plan("traffic.yml", dispatch({ stack: "dev", action: "rollback", reason: "x" }, "refs/heads/feature/x"), ["check"]);
                assert.equal(results.check, "failure", "the check job runs whatever the ref");
                assert.deepEqual([results.apply, results.record], ["skipped", "skipped"]);
                const guard = step(job("traffic.yml", "check"), "Dispatched from main").run!;
                const dir = tempDir("ref");
                const feature = runScript(guard, dir, jobEnv("check", { stack: "dev", action: "rollback", reason: "x" }, "refs/heads/feature/x"));
                assert.equal(feature.status, 1);
                assert.match(feature.stdout, /::error::traffic changes run only from main; this run was dispatched from refs\/heads\/feature\/x/);
                assert.equal(runScript(guard, dir, jobEnv("check", { stack: "dev", action: "rollback", reason: "x" })).status, 0);
            });
        });

        describe("approved, then applied, then recorded on main", () => {
            it("runs check, apply (in the stack's environment), then record", () => {
                assert.deepEqual(plan("traffic.yml", dispatch({ stack: "production", action: "shift", argument: "10", reason: "canary" })), { check: "success", apply: "success", record: "skipped" });
                assert.deepEqual(job("traffic.yml", "apply").needs, "check");
                assert.deepEqual(job("traffic.yml", "record").needs, ["check", "apply"]);
                const environment = job("traffic.yml", "apply").environment as { name: string };
                assert.equal(resolve(environment.name, contexts(dispatch({ stack: "production", action: "shift" }), { needs: { check: { result: "success", outputs: { environment: "production" } } } })), "production");
            });

            it("records after an applied or a failed apply, never after a rejected or refused one (no audit record)", () => {
                const condition = String(job("traffic.yml", "record").if);
                const evaluateWith = (result: "success" | "failure" | "skipped", outputs: Record<string, string>) =>
                    truthy(evaluate(condition, contexts(dispatch({ stack: "production", action: "promote", reason: "r" }), { needs: { check: { result: "success", outputs: {} }, apply: { result, outputs } } }), {
                        success: result === "success", failure: result === "failure", cancelled: false,
                    }));
                assert.equal(evaluateWith("success", { outcome: "applied", audit: "e30K" }), true);
                assert.equal(evaluateWith("failure", { outcome: "failed", audit: "e30K" }), true, "a failure is recorded");
                assert.equal(evaluateWith("skipped", {}), false, "rejected by the reviewers: apply never ran");
                assert.equal(evaluateWith("failure", { outcome: "refused", audit: "" }), false, "refused: nothing written");
            });

            it("applies through the traffic command with --apply --yes, the backend's stack name, the incident and break-glass", () => {
                const { work } = repository();
                const npm = fakeNpm();
                const output = path.join(tempDir("output"), "output");
                const script = step(job("traffic.yml", "apply"), "Apply the traffic change").run!;
                const inputs = { stack: "production", action: "rollback", reason: "5xx above 1 %", incident: "INC-123", break_glass: true };
                const run = runScript(script, work, { ...jobEnv("apply", inputs), BACKEND_STACK: "acme/clinical-platform/production", HOME: work, GITHUB_OUTPUT: output,
                    FAKE_NPM_SCRIPT: 'echo "# rolled back" >>Pulumi.production.yaml; echo "{\\"outcome\\":\\"applied\\"}" >>audit/traffic.jsonl' }, npm);
                assert.equal(run.status, 0, run.stderr);
                assert.deepEqual(fs.readFileSync(npm.argsFile, "utf8").trim().split("\n"), ["run", "--silent", "traffic", "--", "--stack", "production", "rollback",
                    "--reason", "5xx above 1 %", "--apply", "--yes", "--pulumi-stack", "acme/clinical-platform/production", "--incident", "INC-123", "--break-glass"]);
                const outputs = Object.fromEntries(fs.readFileSync(output, "utf8").trim().split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
                assert.equal(outputs.outcome, "applied");
                assert.equal(Buffer.from(outputs.audit, "base64").toString(), '{"outcome":"applied"}\n', "only this run's audit lines");
                assert.match(Buffer.from(outputs["stack-file"], "base64").toString(), /# rolled back\n$/);
            });

            it("hands a failed apply on as failed, with its audit record, and fails the job", () => {
                const { work } = repository();
                const output = path.join(tempDir("output"), "output");
                const run = runScript(step(job("traffic.yml", "apply"), "Apply the traffic change").run!, work, {
                    ...jobEnv("apply", { stack: "staging", action: "shift", argument: "10", reason: "canary" }), BACKEND_STACK: "staging", HOME: work, GITHUB_OUTPUT: output,
                    FAKE_NPM_SCRIPT: 'echo "{\\"outcome\\":\\"failed\\"}" >>audit/traffic.jsonl', FAKE_NPM_EXIT: "3",
                }, fakeNpm());
                assert.equal(run.status, 3);
                assert.match(fs.readFileSync(output, "utf8"), /^outcome=failed$/m);
            });

            it("hands on no audit record when the command refused the change, even where no audit file exists yet", () => {
                const { work } = repository();
                fs.rmSync(path.join(work, "audit"), { recursive: true });
                const output = path.join(tempDir("output"), "output");
                const run = runScript(step(job("traffic.yml", "apply"), "Apply the traffic change").run!, work, {
                    ...jobEnv("apply", { stack: "dev", action: "promote", reason: "go" }), BACKEND_STACK: "dev", HOME: work, GITHUB_OUTPUT: output, FAKE_NPM_EXIT: "2",
                }, fakeNpm());
                assert.equal(run.status, 2);
                assert.match(fs.readFileSync(output, "utf8"), /^outcome=refused\naudit=\n/);
            });

            const recordRun = (outcome: string, stackFile: string, audit: string) => {
                const { origin, work } = repository();
                const record = job("traffic.yml", "record");
                const e = { ...jobEnv("record", { stack: "production", action: "promote", reason: "1.5.0 healthy", incident: "" }), OUTCOME: outcome, HOME: work,
                    AUDIT: Buffer.from(audit).toString("base64"), STACK_FILE: Buffer.from(stackFile).toString("base64") };
                const commit = runScript(step(record, "Commit the outcome").run!, work, e);
                assert.equal(commit.status, 0, commit.stderr);
                const push = runScript(step(record, "Push to main").run!, work, { ...e, TOKEN: "t0ken" });
                assert.equal(push.status, 0, push.stderr);
                return { origin, work };
            };

            it("commits an applied change, the stack file and the audit record, to main as the actor, with reason, outcome and run", () => {
                const { origin } = recordRun("applied", "config: {}\n# promoted\n", '{"outcome":"applied"}\n');
                assert.deepEqual(git(origin, "show", "--name-only", "--format=", "main").split("\n").sort(), ["Pulumi.production.yaml", "audit/traffic.jsonl"]);
                assert.equal(git(origin, "show", "main:Pulumi.production.yaml"), "config: {}\n# promoted");
                assert.equal(git(origin, "log", "-1", "--format=%an <%ae>", "main"), "alice <583231+alice@users.noreply.github.com>");
                assert.equal(git(origin, "log", "-1", "--format=%B", "main"),
                    `traffic(production): promote by @alice\n\nReason: 1.5.0 healthy\n\nOutcome: applied\n\nRun: https://github.com/${REPOSITORY}/actions/runs/4242`);
            });

            it("rebases on a main that moved meanwhile, then pushes", () => {
                const { origin, work } = repository();
                const other = path.join(path.dirname(work), "other");
                git(path.dirname(work), "clone", "--quiet", origin, other);
                git(other, "config", "user.name", "bob");
                git(other, "config", "user.email", "bob@example.com");
                commitFile(other, "README.md", "merged meanwhile\n", "a merge");
                git(other, "push", "--quiet", "origin", "HEAD:main");
                const record = job("traffic.yml", "record");
                const e = { ...jobEnv("record", { stack: "production", action: "promote", reason: "green healthy" }), OUTCOME: "applied", HOME: work,
                    AUDIT: Buffer.from('{"outcome":"applied"}\n').toString("base64"), STACK_FILE: Buffer.from("config: {}\n").toString("base64") };
                assert.equal(runScript(step(record, "Commit the outcome").run!, work, e).status, 0);
                const push = runScript(step(record, "Push to main").run!, work, { ...e, TOKEN: "t0ken" });
                assert.equal(push.status, 0, push.stderr);
                assert.deepEqual(git(origin, "log", "--format=%s", "main").split("\n"), ["traffic(production): promote by @alice", "a merge", "initial"]);
            });

            it("runs smoke alone through the traffic command, with the backend's stack name, no reason, no --apply, and hands on no audit record", () => {
                const { work } = repository();
                const npm = fakeNpm();
                const output = path.join(tempDir("output"), "output");
                const run = runScript(step(job("traffic.yml", "apply"), "Apply the traffic change").run!, work, {
                    ...jobEnv("apply", { stack: "production", action: "smoke", reason: "check 1.5.0" }), BACKEND_STACK: "acme/clinical-platform/production", HOME: work, GITHUB_OUTPUT: output,
                    FAKE_NPM_EXIT: "1",
                }, npm);
                assert.equal(run.status, 1, "failed smoke tests fail the job");
                assert.deepEqual(fs.readFileSync(npm.argsFile, "utf8").trim().split("\n"), ["run", "--silent", "traffic", "--", "--stack", "production", "smoke", "--pulumi-stack", "acme/clinical-platform/production"]);
                assert.match(fs.readFileSync(output, "utf8"), /^outcome=failed\naudit=\n/);
            });

            it("hands a canary stopped by an alarm (exit 4) on as rolled-back, with every step's audit record", () => {
                const { work } = repository();
                const npm = fakeNpm();
                const output = path.join(tempDir("output"), "output");
                const run = runScript(step(job("traffic.yml", "apply"), "Apply the traffic change").run!, work, {
                    ...jobEnv("apply", { stack: "production", action: "canary", reason: "release 1.5.0" }), BACKEND_STACK: "production", HOME: work, GITHUB_OUTPUT: output,
                    FAKE_NPM_SCRIPT: 'for c in "canary: shift 10" "canary: rollback"; do echo "{\\"command\\":\\"$c\\"}" >>audit/traffic.jsonl; done', FAKE_NPM_EXIT: "4",
                }, npm);
                assert.equal(run.status, 4);
                assert.deepEqual(fs.readFileSync(npm.argsFile, "utf8").trim().split("\n").slice(4), ["--stack", "production", "canary", "--reason", "release 1.5.0", "--apply", "--yes", "--pulumi-stack", "production"]);
                const outputs = Object.fromEntries(fs.readFileSync(output, "utf8").trim().split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
                assert.equal(outputs.outcome, "rolled-back");
                assert.equal(Buffer.from(outputs.audit, "base64").toString().trim().split("\n").length, 2);
            });

            it("commits a canary's stack file whatever its outcome: it holds the last step applied", () => {
                const { origin, work } = repository();
                const record = job("traffic.yml", "record");
                const stackFile = fs.readFileSync(path.join(work, "Pulumi.production.yaml"), "utf8").replace(
                    'green: { image: "registry.example.com/clinical-api:1.5.0", weight: 0 }', 'green: { image: "registry.example.com/clinical-api:1.5.0", weight: 25 }');
                const e = { ...jobEnv("record", { stack: "production", action: "canary", reason: "release 1.5.0" }), OUTCOME: "failed", HOME: work,
                    AUDIT: Buffer.from('{"command":"canary: shift 25"}\n{"command":"canary: shift 50"}\n').toString("base64"), STACK_FILE: Buffer.from(stackFile).toString("base64") };
                assert.equal(runScript(step(record, "Commit the outcome").run!, work, e).status, 0);
                assert.equal(runScript(step(record, "Push to main").run!, work, { ...e, TOKEN: "t0ken" }).status, 0);
                assert.deepEqual(git(origin, "show", "--name-only", "--format=", "main").split("\n").sort(), ["Pulumi.production.yaml", "audit/traffic.jsonl"]);
                assert.match(git(origin, "show", "main:Pulumi.production.yaml"), /weight: 25 \}/);
                assert.equal(git(origin, "log", "-1", "--format=%s", "main"), "traffic(production): canary by @alice failed, stack file at the last step applied");
            });

            it("gives a canary time for its holds: production's steps and hold, with the role's session lasting the whole job", () => {
                const apply = job("traffic.yml", "apply");
                const { canarySteps, canaryHoldMinutes } = PROFILES.production.release;
                // Every share but the last is held; each step is a pulumi up (say 5 minutes), the promote waits up to 10 for full size.
                const needed = (canarySteps.length - 1) * canaryHoldMinutes + canarySteps.length * 5 + 10;
                assert.ok(apply["timeout-minutes"]! >= needed, `${apply["timeout-minutes"]} minutes < ${needed}`);
                assert.ok(apply["timeout-minutes"]! <= 150, "inside the runner's build timeout");
                const credentials = stepUsing(apply, "aws-actions/configure-aws-credentials");
                assert.ok(Number(credentials.with?.["role-duration-seconds"]) >= apply["timeout-minutes"]! * 60, "credentials outlast the job");
                assert.ok(Number(credentials.with?.["role-duration-seconds"]) <= 7200, "the deploy role's maximum session (bootstrap)");
            });

            it("commits only the audit record of a failed change: the stack file on main keeps the split that is live", () => {
                const { origin } = recordRun("failed", "config: {}\n# promoted\n", '{"outcome":"failed"}\n');
                assert.deepEqual(git(origin, "show", "--name-only", "--format=", "main").split("\n"), ["audit/traffic.jsonl"]);
                assert.equal(git(origin, "show", "main:audit/traffic.jsonl"), '{"outcome":"failed"}');
                assert.match(git(origin, "log", "-1", "--format=%s", "main"), /promote by @alice failed, recorded only$/);
            });
        });

        describe("break-glass", () => {
            const check = (inputs: Record<string, string | boolean>) => {
                const output = path.join(tempDir("output"), "output");
                const run = runScript(step(job("traffic.yml", "check"), "Check the inputs").run!, tempDir("inputs"), { ...jobEnv("check", inputs), GITHUB_OUTPUT: output });
                return { ...run, environment: fs.existsSync(output) ? fs.readFileSync(output, "utf8").trim() : "" };
            };

            it("runs a production rollback with an incident in the production-break-glass environment, which has no required reviewers", () => {
                assert.equal(check({ stack: "production", action: "rollback", reason: "5xx", incident: "INC-123", break_glass: true }).environment, "environment=production-break-glass");
                assert.equal(check({ stack: "production", action: "rollback", reason: "5xx" }).environment, "environment=production", "without it, the reviewers' environment");
                assert.equal(check({ stack: "staging", action: "shift", argument: "5", reason: "canary" }).environment, "environment=staging");
            });

            it("is refused for anything but a production rollback, and without an incident reference", () => {
                for (const inputs of [
                    { stack: "production", action: "promote", reason: "r", incident: "INC-1", break_glass: true },
                    { stack: "staging", action: "rollback", reason: "r", incident: "INC-1", break_glass: true },
                    { stack: "production", action: "rollback", reason: "r", incident: " ", break_glass: true },
                ]) {
                    const run = check(inputs);
                    assert.equal(run.status, 2, JSON.stringify(inputs));
                    assert.match(run.stdout, /::error::break_glass (is only for a production rollback|needs the incident reference)/);
                }
            });

            it("refuses stage or shift without an argument, promote, canary or smoke with one, and a blank reason", () => {
                for (const action of ["promote", "canary", "smoke"]) {
                    assert.equal(check({ stack: "dev", action, argument: "10", reason: "r" }).status, 2, action);
                    assert.equal(check({ stack: "dev", action, reason: "r" }).status, 0, action);
                }
                assert.equal(check({ stack: "dev", action: "stage", reason: "r" }).status, 2);
                assert.equal(check({ stack: "dev", action: "shift", reason: "r" }).status, 2);
                assert.equal(check({ stack: "dev", action: "rollback", reason: "  " }).status, 2);
                assert.equal(check({ stack: "dev", action: "rollback", argument: "registry.example.com/clinical-api:1.4.2", reason: "named" }).status, 0);
            });
        });

        describe("concurrency", () => {
            for (const stack of STACKS) {
                it(`queues a ${stack} change behind deploy.yml in deploy-${stack}, for the whole run, never cancelling one in progress`, () => {
                    const change = group({ stack, action: "shift", argument: "25", reason: "canary" });
                    assert.equal(change.group, deployment("deploy.yml", stack, { name: "push", ref: "refs/heads/main" }).group);
                    assert.equal(change.cancelInProgress, false);
                    for (const id of ["check", "apply", "record"]) assert.equal(job("traffic.yml", id).concurrency, undefined, `${id} holds no group of its own`);
                });
            }

            it("gives each rollback a group of its own, so no later run can cancel it while it is queued", () => {
                // GitHub keeps one pending run per group and cancels it when another joins, whatever cancel-in-progress says.
                const first = group({ stack: "production", action: "rollback", reason: "5xx" }, "100");
                const second = group({ stack: "production", action: "rollback", reason: "5xx" }, "101");
                const deploy = deployment("deploy.yml", "production", { name: "push", ref: "refs/heads/main" }).group;
                assert.notEqual(first.group, second.group);
                assert.ok(![deploy, second.group].includes(first.group));
                assert.equal(first.cancelInProgress, false);
            });
        });

        describe("tokens", () => {
            it("installs dependencies only in jobs without a write token, and never persists the token in git", () => {
                for (const [id, j] of Object.entries(traffic().jobs)) {
                    const installs = (j.steps ?? []).some((s) => s.run?.includes("npm ci") || s.uses?.startsWith("actions/setup-node@"));
                    const writes = typeof j.permissions === "object" && j.permissions.contents === "write";
                    assert.ok(!(installs && writes), `${id} installs dependencies with a write token`);
                    for (const s of j.steps ?? []) if (s.uses?.startsWith("actions/checkout@")) assert.equal(s.with?.["persist-credentials"], false, `${id}: checkout persists no credentials`);
                }
                assert.deepEqual((job("traffic.yml", "record").permissions), { contents: "write" });
                assert.deepEqual((job("traffic.yml", "apply").permissions), { contents: "read", "id-token": "write" });
            });

            it("gives the token to the push step only", () => {
                const text = fs.readFileSync(path.join(ROOT, ".github", "workflows", "traffic.yml"), "utf8");
                assert.equal(text.match(/github\.token/g)?.length, 1);
                assert.equal(step(job("traffic.yml", "record"), "Push to main").env?.TOKEN, "${{ github.token }}");
            });

            it("installs the pinned Pulumi CLI release", () => {
                assert.match(String(traffic().env?.PULUMI_VERSION), /^\d+\.\d+\.\d+$/);
                assert.match(step(job("traffic.yml", "apply"), "Install the Pulumi CLI").run!, /--version "\$PULUMI_VERSION"/);
            });
        });
    });
});
