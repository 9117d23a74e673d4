import { strict as assert } from "assert";
import { Job, STACKS, allJobs, calledWorkflow, contexts, job, resolve, stepUsing, workflow } from "./support";

/** The label of a stack's CodeBuild-hosted runner for run 4242, attempt 1 (the simulated run). */
const runnerLabel = (stack: string) => `codebuild-clinical-platform-${stack}-runner-4242-1`;
const GITHUB_HOSTED = /^ubuntu-\d{2}\.\d{2}$/;

/** Whether a job exchanges GitHub's OIDC token for an AWS role, so reaches the stack's account and cluster. */
function assumesAwsRole(j: Job): boolean {
    return (j.steps ?? []).some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
}

describe("GitHub Actions workflows: where each job runs", () => {
    it("runs pulumi up on the stack's runner inside its VPC", () => {
        const called = workflow("deploy-stack.yml");
        const up = called.jobs.up;
        assert.ok(stepUsing(up, "pulumi/actions"));
        for (const stack of STACKS) {
            const ctx = contexts({ name: "push", ref: "refs/heads/main" }, { inputs: { stack, ref: "abc", message: "" } });
            assert.equal(resolve(up["runs-on"] as string, ctx), runnerLabel(stack));
        }
        assert.deepEqual(Object.keys(called.jobs), ["up"]);
    });

    it("runs each stack's pull-request preview (with AWS credentials) on that stack's runner", () => {
        const preview = job("pulumi-preview.yml", "preview");
        assert.ok(assumesAwsRole(preview));
        for (const stack of STACKS) {
            const ctx = contexts({ name: "pull_request", ref: "refs/pull/7/merge" }, { matrix: { stack } });
            assert.equal(resolve(preview["runs-on"] as string, ctx), runnerLabel(stack));
        }
    });

    it("keeps every job that needs no cloud access on GitHub-hosted runners", () => {
        for (const file of ["pull-request.yml"]) {
            for (const [id, j] of Object.entries(workflow(file).jobs)) {
                assert.ok(!assumesAwsRole(j), `${file}#${id} assumes no role`);
                assert.match(String(j["runs-on"]), GITHUB_HOSTED, `${file}#${id}`);
            }
        }
    });

    it("puts no job that assumes an AWS role on a GitHub-hosted runner, and no other job on a stack's runner", () => {
        for (const { file, id, job: j } of allJobs()) {
            if (calledWorkflow(j)) continue; // placed by the called workflow's own jobs
            const runsOn = String(j["runs-on"]);
            if (assumesAwsRole(j)) assert.match(runsOn, /^codebuild-clinical-platform-\$\{\{ (inputs|matrix)\.stack \}\}-runner-\$\{\{ github\.run_id \}\}-\$\{\{ github\.run_attempt \}\}$/, `${file}#${id}`);
            else assert.doesNotMatch(runsOn, /^codebuild-/, `${file}#${id} needs no runner inside the network`);
        }
    });
});
