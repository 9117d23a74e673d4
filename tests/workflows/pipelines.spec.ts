import { strict as assert } from "assert";
import * as fs from "fs";
import { contexts, deployment, Event, fakeNpm, job, plan, ran, resolve, ROOT, runScript, Stack, STACKS, stepUsing, workflow } from "./support";

describe("GitHub Actions workflows: pull requests and deploys", function () {
    this.timeout(60_000);

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

    describe("pulumi-preview.yml", () => {
        const event = (over: Partial<Event> = {}): Event => ({ name: "pull_request", ref: "refs/pull/7/merge", vars: { PULUMI_BACKEND_URLS: '{"dev":"s3://a","staging":"s3://b","production":"s3://b"}' }, ...over });

        it("runs only where the repository has a state backend, never for forks or Dependabot", () => {
            assert.deepEqual(Object.keys(workflow("pulumi-preview.yml").on), ["pull_request"]);
            assert.deepEqual(ran(plan("pulumi-preview.yml", event())), ["preview"]);
            assert.deepEqual(ran(plan("pulumi-preview.yml", event({ vars: { PULUMI_ORG: "acme" } }))), ["preview"], "Pulumi Cloud");
            assert.deepEqual(ran(plan("pulumi-preview.yml", event({ vars: {} }))), [], "no backend configured");
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
            // Each stack's own preview role, read from its stack file (the accounts differ).
            const stackStep = steps.find((s) => s.id === "stack");
            assert.ok(stackStep && steps.indexOf(stackStep) < steps.indexOf(assume));
            assert.match(String(stackStep.run), /\.github\/scripts\/stack-ci\.sh "\$STACK"/);
            assert.equal(assume.with?.["role-to-assume"], "${{ steps.stack.outputs.preview_role }}");
            assert.equal(pulumi.with?.["cloud-url"], "${{ steps.stack.outputs.backend }}");
            assert.equal(pulumi.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
            for (const stack of STACKS) {
                const ctx = contexts(event(), { matrix: { stack }, env: workflow("pulumi-preview.yml").env ?? {} });
                const w: Record<string, unknown> = Object.fromEntries(Object.entries(pulumi.with ?? {}).map(([k, v]) => [k, resolve(v, ctx)]));
                assert.equal(w.command, "preview");
                assert.equal(w["stack-name"], stack);
                assert.equal(w.policyPacks, "/home/runner/work/clinical-platform/clinical-platform/policies/analyzer.js", "absolute: the CLI runs a pack file from Pulumi.yaml's main directory");
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

});
