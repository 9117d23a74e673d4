import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { cleanScratch, fakeNpm, ROOT, runScript, STACKS, tempDir } from "./support";

describe("GitHub Actions workflows: the shell scripts", function () {
    this.timeout(60_000);
    after(cleanScratch);

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

    describe(".github/scripts/stack-ci.sh", () => {
        const backends = JSON.stringify({ dev: "s3://dev-state?region=us-east-2", staging: "s3://shared-state?region=us-east-1", production: "s3://shared-state?region=us-east-1" });

        it("prints each stack's region and preview role from its stack file, and its backend from the repository's map", () => {
            for (const stack of STACKS) {
                const config = (YAML.parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, Record<string, string> & string> }).config;
                const run = runScript(`bash .github/scripts/stack-ci.sh ${stack}`, ROOT, { PULUMI_BACKEND_URLS: backends });
                assert.equal(run.status, 0, run.stderr);
                assert.deepEqual(run.stdout.trim().split("\n"), [
                    `region=${config["aws:region"]}`,
                    `preview_role=${config["clinical-platform:ci"].previewRoleArn}`,
                    `backend=${(JSON.parse(backends) as Record<string, string>)[stack]}`,
                ]);
            }
        });

        it("leaves the backend empty for Pulumi Cloud, and fails for an unknown stack or a map without the stack", () => {
            assert.match(runScript("bash .github/scripts/stack-ci.sh dev", ROOT, { PULUMI_BACKEND_URLS: "" }).stdout, /^backend=$/m);
            assert.equal(runScript("bash .github/scripts/stack-ci.sh no-such-stack", ROOT, {}).status, 2);
            const missing = runScript("bash .github/scripts/stack-ci.sh production", ROOT, { PULUMI_BACKEND_URLS: '{"dev":"s3://x"}' });
            assert.equal(missing.status, 2);
            assert.match(missing.stderr, /backend URL for production/);
        });
    });
});
