import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { fakeNpm, ROOT, runScript, STACKS, tempDir } from "./support";

describe("GitHub Actions workflows: the shell scripts", function () {
    this.timeout(60_000);

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

    describe(".github/scripts/deploy-failed.sh", () => {
        /** Fake aws and (optionally) pulumi CLIs that record their arguments, one call a line. */
        const fakes = (pulumiOutput: string | undefined) => {
            const bin = tempDir("bin");
            const calls = path.join(bin, "calls.txt");
            fs.writeFileSync(path.join(bin, "aws"), [
                "#!/usr/bin/env bash",
                `printf 'aws %s\\n' "$*" >>"${calls}"`,
                'if [ "$1 $2" = "sts get-caller-identity" ]; then echo "arn:aws:sts::111122223333:assumed-role/clinical-platform-deploy-staging/deploy"; fi',
                'if [ "$1 $2" = "sns publish" ]; then echo "m-1"; fi',
                "",
            ].join("\n"), { mode: 0o755 });
            if (pulumiOutput !== undefined) {
                fs.writeFileSync(path.join(bin, "pulumi"), ["#!/usr/bin/env bash", `printf 'pulumi %s\\n' "$*" >>"${calls}"`, `if [ "$1 $2" = "stack output" ]; then echo "${pulumiOutput}"; fi`, ""].join("\n"), { mode: 0o755 });
            }
            const env = { PATH: `${bin}${path.delimiter}/usr/bin${path.delimiter}/bin`, RUN_URL: "https://github.com/example-org/clinical-platform/actions/runs/42", REF: "main", ACTOR: "alice" };
            return { env, calls: () => fs.readFileSync(calls, "utf8").trim().split("\n") };
        };
        const published = (calls: string[]) => {
            const publish = calls.find((call) => call.startsWith("aws sns publish"));
            assert.ok(publish, calls.join("\n"));
            const message = /--message (\{.*\}) --output/.exec(publish)![1];
            return { publish, message: JSON.parse(message) as { version: string; source: string; content: { title: string; description: string } } };
        };

        it("publishes an AWS Chatbot custom notification to the topic the stack output names, in the stack's region", () => {
            const topic = "arn:aws:sns:us-east-1:111122223333:clinical-platform-production-alarms-critical";
            const cli = fakes(topic);
            const run = runScript("bash .github/scripts/deploy-failed.sh production us-east-1", ROOT, { ...cli.env, PULUMI_STACK: "acme/clinical-platform/production" });
            assert.equal(run.status, 0, run.stderr);
            assert.ok(cli.calls().includes("pulumi stack output criticalAlarmTopicArn --stack acme/clinical-platform/production --non-interactive"));
            const { publish, message } = published(cli.calls());
            assert.match(publish, new RegExp(`^aws sns publish --region us-east-1 --topic-arn ${topic} --subject clinical-platform production: deploy failed `));
            assert.deepEqual([message.version, message.source, message.content.title], ["1.0", "custom", "clinical-platform production: deploy failed"]);
            assert.match(message.content.description, /main by @alice failed.*actions\/runs\/42$/);
        });

        it("falls back to the critical topic's name in the caller's account and partition when there is no Pulumi CLI or output yet", () => {
            for (const output of [undefined, "error: no output named criticalAlarmTopicArn"]) {
                const cli = fakes(output);
                const run = runScript("bash .github/scripts/deploy-failed.sh staging us-east-1", ROOT, cli.env);
                assert.equal(run.status, 0, run.stderr);
                assert.match(published(cli.calls()).publish, / --topic-arn arn:aws:sns:us-east-1:111122223333:clinical-platform-staging-alarms-critical /);
            }
        });

        it("keeps quotes and other characters that would break the message out of it, and refuses an unknown stack", () => {
            const cli = fakes(undefined);
            const run = runScript("bash .github/scripts/deploy-failed.sh dev us-east-2", ROOT, { ...cli.env, REF: 'feature/"x"\\y', ACTOR: "bob" });
            assert.equal(run.status, 0, run.stderr);
            assert.match(published(cli.calls()).message.content.description, /^pulumi up of feature\/xy by @bob failed/);
            assert.equal(runScript("bash .github/scripts/deploy-failed.sh qa us-east-1", ROOT, fakes(undefined).env).status, 2);
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
