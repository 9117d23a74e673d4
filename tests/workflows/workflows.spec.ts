import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Contexts, evaluate, interpolate } from "./expressions";
import { allJobs, allSteps, calledWorkflow, CallInput, contexts, Level, Permissions, resolve, ROOT, runValidator, tempDir, workflow, workflows } from "./support";

describe("GitHub Actions workflows: the files", function () {
    this.timeout(60_000);

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
        assert.equal(evaluate("fromJSON('{\"a\":[1,2]}').a[1] == 2 && join(fromJSON('[\"x\",\"y\"]'), '+') == 'x+y'", ctx), true, "GitHub's full function library");
        assert.equal(interpolate("${{ vars }}|${{ null }}|${{ 1.50 }}", ctx), "Object||1.5", "text as GitHub writes a value into a string");
        assert.throws(() => evaluate("hashFiles2('x')", ctx), /unrecognized function/i, "unknown functions are refused while parsing");
        assert.throws(() => evaluate("job_status.ok", ctx), /unrecognized named-value/i, "unknown contexts are refused while parsing");
    });

    it("are the six workflow files of the CI/CD design", () => {
        assert.deepEqual([...workflows.keys()], ["deploy-stack.yml", "deploy.yml", "frontend.yml", "pull-request.yml", "pulumi-preview.yml", "traffic.yml"]);
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

        it("install one Pulumi CLI release everywhere, one that starts an executable policy pack and is not older than the SDK", () => {
            // Executable policy packs (`--policy-pack <path>/analyzer.js`) start with Pulumi CLI 3.255.0 (its CHANGELOG, pulumi/pulumi #24052).
            const EXECUTABLE_PACKS_SINCE = [3, 255, 0];
            const sdk = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"];
            const pulumiSteps = allSteps().filter(({ step: s }) => s.uses?.startsWith("pulumi/actions@"));
            assert.ok(pulumiSteps.length >= 2);
            const versions = new Set<string>();
            for (const { file, step: s } of pulumiSteps) {
                versions.add(String(resolve(s.with?.["pulumi-version"] ?? null, contexts({ name: "push", ref: "refs/heads/main" }, { env: workflow(file).env ?? {} }))));
            }
            for (const { workflow: parsed } of workflows.values()) {
                const pinned = parsed.env?.PULUMI_VERSION;
                if (pinned !== undefined) versions.add(String(pinned));
            }
            assert.equal(versions.size, 1, `one CLI release, not ${[...versions].join(", ")}`);
            const [cli] = [...versions];
            const parts = (version: string) => version.split(".").map(Number);
            const atLeast = (version: number[], floor: number[]) => version[0] !== floor[0] ? version[0] > floor[0] : version[1] !== floor[1] ? version[1] > floor[1] : version[2] >= floor[2];
            assert.ok(atLeast(parts(cli), EXECUTABLE_PACKS_SINCE), `${cli} predates executable policy packs`);
            assert.ok(atLeast(parts(cli), parts(sdk)), `${cli} is older than the SDK ${sdk}`);
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
                "frontend.yml#publish id-token", // OIDC session of the stack's deploy role, to upload and invalidate
                "pulumi-preview.yml#preview id-token", // OIDC session of the read-only preview role
                "pulumi-preview.yml#preview pull-requests", // the preview comment
                "traffic.yml#apply id-token", // OIDC session of the stack's deploy role, for the traffic command's pulumi up
                "traffic.yml#record contents", // the commit of the stack file and the audit log; installs nothing
            ]);
        });

        it("grant id-token only to jobs that assume an AWS role", () => {
            for (const { file, id, job: j } of allJobs()) {
                if (scopes(j.permissions)["id-token"] !== "write") continue;
                const called = calledWorkflow(j);
                const steps = called ? Object.values(called.workflow.jobs).flatMap((cj) => cj.steps ?? []) : (j.steps ?? []);
                const assume = steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
                assert.ok(assume, `${file}#${id} has id-token: write but assumes no AWS role`);
                // From a variable of the environment, or from the stack file through the stack-ci script.
                assert.match(String(assume.with?.["role-to-assume"]), /^\$\{\{ (vars\.AWS_[A-Z_]+_ROLE_ARN|steps\.stack\.outputs\.preview_role) \}\}$/, `${file}#${id}: role from a variable or the stack file`);
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

});
