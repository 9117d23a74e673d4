import { strict as assert } from "assert";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { REPOSITORY_ROOT } from "../../infra/offline/preview";
import { EXIT, main } from "../../infra/traffic";
import { AuditRecord } from "../../infra/traffic/audit";
import { specStackFile } from "../harness/stacks";

const NOW = new Date("2026-03-14T09:26:53.000Z");

interface Run {
    code: number;
    out: string;
    err: string;
}

/** A stack file with the spec-owned traffic block in a fresh folder, with a git identity of its own. */
class Workspace {
    readonly dir = mkdtempSync(path.join(tmpdir(), "clinical-traffic-"));
    readonly file: string;
    readonly original: string;
    readonly env: NodeJS.ProcessEnv;

    constructor(readonly stack: "dev" | "staging" | "production", git: { name: string; email: string } | null = { name: "Dana Operator", email: "dana@example.com" }) {
        this.file = path.join(this.dir, `Pulumi.${stack}.yaml`);
        copyFileSync(specStackFile(stack), this.file);
        this.original = readFileSync(this.file, "utf8");
        const gitConfig = path.join(this.dir, "gitconfig");
        writeFileSync(gitConfig, git ? `[user]\n\tname = ${git.name}\n\temail = ${git.email}\n` : "");
        this.env = { PATH: process.env.PATH, HOME: this.dir, GIT_CONFIG_GLOBAL: gitConfig, GIT_CONFIG_NOSYSTEM: "1", USER: "ci-operator" };
    }

    get auditFile(): string {
        return path.join(this.dir, "audit", "traffic.jsonl");
    }

    text(): string {
        return readFileSync(this.file, "utf8");
    }

    audit(): AuditRecord[] {
        return existsSync(this.auditFile) ? readFileSync(this.auditFile, "utf8").trim().split("\n").map((line) => JSON.parse(line)) : [];
    }

    run(args: string[], env: NodeJS.ProcessEnv = this.env): Run {
        const out: string[] = [];
        const err: string[] = [];
        const code = main(["--stack", this.stack, "--config-file", this.file, ...args], {
            out: (line) => out.push(line),
            err: (line) => err.push(line),
            env,
            now: () => NOW,
            apply: { pause: () => undefined, attempts: 3 },
        });
        return { code, out: out.join("\n"), err: err.join("\n") };
    }

    /** Lines that differ from the committed file, as [before, after] pairs. */
    changedLines(): Array<[string, string]> {
        const before = this.original.split("\n");
        const after = this.text().split("\n");
        assert.equal(after.length, before.length, "no line was added or removed");
        return before.flatMap((line, i) => (line === after[i] ? [] : [[line, after[i]] as [string, string]]));
    }

    /**
     * A `pulumi` and a `kubectl` on PATH that log each call to calls.txt. `pulumi up` exits with the
     * next line of up-exits.txt (0 when none is left); `stack export` lists the slots' autoscalers
     * and Deployments; `kubectl` reports the next line of ready.txt as ready pods.
     */
    fakeTools(upExits: number[] = [], ready: number[] = []): { env: NodeJS.ProcessEnv; calls: () => string[] } {
        const bin = path.join(this.dir, "bin");
        const log = path.join(this.dir, "calls.txt");
        const exits = path.join(this.dir, "up-exits.txt");
        const readyFile = path.join(this.dir, "ready.txt");
        mkdirSync(bin, { recursive: true });
        writeFileSync(exits, upExits.map((n) => `${n}\n`).join(""));
        writeFileSync(readyFile, ready.map((n) => `${n}\n`).join(""));
        const urn = (type: string, name: string) => `urn:pulumi:${this.stack}::clinical-platform::clinical-platform:blue-green:BlueGreenService$clinical-platform:blue-green:Slot$${type}::${name}`;
        const exported = JSON.stringify({ deployment: { resources: ["blue", "green"].flatMap((slot) => [
            { urn: urn("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", `api-${slot}`), type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler" },
            { urn: urn("kubernetes:apps/v1:Deployment", `api-${slot}`), type: "kubernetes:apps/v1:Deployment" },
            { urn: urn("kubernetes:core/v1:Service", `api-${slot}`), type: "kubernetes:core/v1:Service" },
        ]) } });
        writeFileSync(path.join(this.dir, "export.json"), exported);
        const next = (file: string, fallback: string) => `v="$(head -n1 "${file}")"; sed -i 1d "${file}"; v="\${v:-${fallback}}"`;
        writeFileSync(path.join(bin, "pulumi"), [
            "#!/bin/sh",
            `echo "pulumi $*" >> "${log}"`,
            `case "$1" in stack) cat "${path.join(this.dir, "export.json")}";; up) ${next(exits, "0")}; exit "$v";; esac`,
            "",
        ].join("\n"), { mode: 0o755 });
        writeFileSync(path.join(bin, "kubectl"), ["#!/bin/sh", `echo "kubectl $*" >> "${log}"`, `${next(readyFile, "0")}; printf %s "$v"`, ""].join("\n"), { mode: 0o755 });
        return {
            env: { ...this.env, PATH: `${bin}:${process.env.PATH}` },
            calls: () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []),
        };
    }

    assertUntouched(): void {
        assert.equal(this.text(), this.original, "the stack file is unchanged");
        assert.deepEqual(readdirSync(this.dir).sort(), ["Pulumi." + this.stack + ".yaml", "gitconfig"], "nothing else was written");
    }
}

describe("the traffic command", () => {
    describe("status", () => {
        it("prints the split, the stable slot and each slot's image, and changes nothing", () => {
            const workspace = new Workspace("production");
            const result = workspace.run(["status"]);
            assert.equal(result.code, EXIT.done);
            assert.match(result.out, /stable slot: blue/);
            assert.match(result.out, /blue\s+100 %\s+registry\.example\.com\/clinical-api:1\.4\.2\s+stable/);
            assert.match(result.out, /green\s+0 %\s+registry\.example\.com\/clinical-api:1\.5\.0\s+candidate/);
            workspace.assertUntouched();
        });

        it("shows a slot that was never staged", () => {
            const result = new Workspace("dev").run(["status"]);
            assert.match(result.out, /green\s+0 %\s+\(no image staged\)/);
        });
    });

    describe("changes", () => {
        it("stage puts the image on the candidate slot at weight 0, rewriting that one line", () => {
            const workspace = new Workspace("production");
            const result = workspace.run(["stage", "registry.example.com/clinical-api:1.6.0", "--reason", "release 1.6.0"]);
            assert.equal(result.code, EXIT.done, result.err);
            assert.deepEqual(workspace.changedLines(), [[
                '      green: { image: "registry.example.com/clinical-api:1.5.0", weight: 0 }',
                '      green: { image: "registry.example.com/clinical-api:1.6.0", weight: 0 }',
            ]]);
        });

        it("stage gives a never-staged slot its first image, quoted like the others", () => {
            const workspace = new Workspace("dev");
            assert.equal(workspace.run(["stage", "registry.example.com/clinical-api:1.5.0", "--reason", "first green"]).code, EXIT.done);
            assert.deepEqual(workspace.changedLines(), [["      green: { weight: 0 }", '      green: { image: "registry.example.com/clinical-api:1.5.0", weight: 0 }']]);
        });

        it("shift sends the share to the candidate and the rest to the stable slot, keeping every comment", () => {
            const workspace = new Workspace("production");
            assert.equal(workspace.run(["shift", "10%", "--reason", "canary"]).code, EXIT.done);
            assert.deepEqual(workspace.changedLines(), [
                ['      blue: { image: "registry.example.com/clinical-api:1.4.2", weight: 100 }', '      blue: { image: "registry.example.com/clinical-api:1.4.2", weight: 90 }'],
                ['      green: { image: "registry.example.com/clinical-api:1.5.0", weight: 0 }', '      green: { image: "registry.example.com/clinical-api:1.5.0", weight: 10 }'],
            ]);
            const comments = (text: string) => text.split("\n").filter((line) => line.trim().startsWith("#"));
            assert.deepEqual(comments(workspace.text()), comments(workspace.original));
        });

        it("promote moves all traffic to the candidate and makes it the stable slot", () => {
            const workspace = new Workspace("production");
            assert.equal(workspace.run(["promote", "--reason", "1.5.0 healthy at 10 %"]).code, EXIT.done);
            assert.deepEqual(workspace.changedLines().map(([, after]) => after.trim()), [
                "stableSlot: green",
                'blue: { image: "registry.example.com/clinical-api:1.4.2", weight: 0 }',
                'green: { image: "registry.example.com/clinical-api:1.5.0", weight: 100 }',
            ]);
        });

        it("rollback sends all traffic back to the stable slot", () => {
            const workspace = new Workspace("production");
            workspace.run(["shift", "30", "--reason", "canary"]);
            assert.equal(workspace.run(["rollback", "--reason", "error rate on green"]).code, EXIT.done);
            assert.equal(workspace.text(), workspace.original);
            assert.equal(workspace.audit().length, 2);
        });

        it("reports that there is nothing to change, and records nothing", () => {
            const workspace = new Workspace("production");
            const result = workspace.run(["rollback", "--reason", "just in case"]);
            assert.equal(result.code, EXIT.done);
            assert.match(result.out, /Nothing to change/);
            workspace.assertUntouched();
        });
    });

    describe("audit record", () => {
        it("says who, when, which stack, the command, before and after, and why, one JSON line per change", () => {
            const workspace = new Workspace("production");
            workspace.run(["shift", "10", "--reason", "canary for 1.5.0"]);
            workspace.run(["promote", "--reason", "canary clean for an hour"]);
            const [shift, promote] = workspace.audit();
            assert.deepEqual(shift, {
                time: NOW.toISOString(),
                stack: "production",
                command: "shift 10",
                who: "Dana Operator <dana@example.com>",
                reason: "canary for 1.5.0",
                before: { stableSlot: "blue", slots: { blue: { image: "registry.example.com/clinical-api:1.4.2", weight: 100 }, green: { image: "registry.example.com/clinical-api:1.5.0", weight: 0 } } },
                after: { stableSlot: "blue", slots: { blue: { image: "registry.example.com/clinical-api:1.4.2", weight: 90 }, green: { image: "registry.example.com/clinical-api:1.5.0", weight: 10 } } },
                file: "Pulumi.production.yaml",
                outcome: "written",
            });
            assert.equal(promote.command, "promote");
            assert.deepEqual(promote.before, shift.after);
            assert.equal(promote.after.stableSlot, "green");
        });

        it("names the login user when git has no identity", () => {
            const workspace = new Workspace("production", null);
            workspace.run(["shift", "5", "--reason", "canary"]);
            assert.equal(workspace.audit()[0].who, "ci-operator");
        });

        it("goes to another file when asked", () => {
            const workspace = new Workspace("production");
            const elsewhere = path.join(workspace.dir, "records", "changes.jsonl");
            workspace.run(["shift", "5", "--reason", "canary", "--audit-file", elsewhere]);
            assert.equal(workspace.audit().length, 0);
            assert.equal(readFileSync(elsewhere, "utf8").trim().split("\n").length, 1);
        });
    });

    describe("refusals", () => {
        const refused = (workspace: Workspace, args: string[], message: RegExp) => {
            const result = workspace.run(args);
            assert.equal(result.code, EXIT.refused, result.out);
            assert.match(result.err, message);
            assert.match(result.err, /is unchanged/);
            workspace.assertUntouched();
        };

        it("refuses a change without a reason", () => {
            for (const args of [["shift", "10"], ["promote"], ["rollback"], ["stage", "registry.example.com/clinical-api:1.6.0"], ["shift", "10", "--reason", "   "]]) {
                refused(new Workspace("production"), args, /--reason is required/);
            }
        });

        it("refuses to shift or promote to a slot that has no image", () => {
            refused(new Workspace("dev"), ["shift", "10", "--reason", "canary"], /cannot shift 10 % to slot green: slot green has no image; stage one first/);
            refused(new Workspace("dev"), ["promote", "--reason", "go"], /cannot promote slot green: slot green has no image/);
        });

        it("refuses what the config validation refuses, listing the key, what it expects and what it got", () => {
            refused(new Workspace("production"), ["stage", "registry.example.com/clinical-api:latest", "--reason", "try latest"],
                /clinical-platform:app\.slots\.green\.image: expected a pinned container image .*; got "registry\.example\.com\/clinical-api:latest"/);
        });

        it("refuses any change while another part of the file is invalid", () => {
            const workspace = new Workspace("production");
            writeFileSync(workspace.file, workspace.original.replace("domain: app.clinical.example.com", "domain: App_Clinical"));
            const broken = readFileSync(workspace.file, "utf8");
            const result = workspace.run(["shift", "10", "--reason", "canary"]);
            assert.equal(result.code, EXIT.refused);
            assert.match(result.err, /clinical-platform:domain: expected a lower-case DNS name/);
            assert.equal(workspace.text(), broken);
        });

        it("refuses a percentage that is not a whole number from 0 to 100", () => {
            refused(new Workspace("production"), ["shift", "150", "--reason", "x"], /expected a whole percentage from 0 to 100/);
            refused(new Workspace("production"), ["shift", "--reason", "x"], /shift <percent>: expected 1 argument; got none/);
        });

        it("refuses to stage over a candidate that is taking traffic", () => {
            const workspace = new Workspace("production");
            workspace.run(["shift", "10", "--reason", "canary"]);
            const during = workspace.text();
            const result = workspace.run(["stage", "registry.example.com/clinical-api:1.6.0", "--reason", "next"]);
            assert.equal(result.code, EXIT.refused);
            assert.match(result.err, /slot green: it carries 10 % of traffic; promote or roll back first/);
            assert.equal(workspace.text(), during);
            assert.equal(workspace.audit().length, 1);
        });

        it("refuses an unknown command or stack", () => {
            refused(new Workspace("production"), ["flip", "--reason", "x"], /expected a command \(status, stage, shift, promote, rollback\); got "flip"/);
            const workspace = new Workspace("production");
            const out: string[] = [];
            const code = main(["--stack", "prod", "status"], { out: (l) => out.push(l), err: (l) => out.push(l), env: workspace.env, now: () => NOW });
            assert.equal(code, EXIT.refused);
            assert.match(out.join("\n"), /--stack: expected one of dev, staging, production; got "prod"/);
        });
    });

    describe("--apply", () => {
        it("says plainly that the Pulumi CLI is missing, after writing the change", () => {
            const workspace = new Workspace("production");
            const empty = path.join(workspace.dir, "empty-bin");
            mkdirSync(empty);
            const result = workspace.run(["shift", "10", "--reason", "canary", "--apply"], { ...workspace.env, PATH: empty });
            assert.equal(result.code, EXIT.notApplied);
            assert.match(result.err, /Not applied: the Pulumi CLI is not installed/);
            assert.match(workspace.text(), /weight: 10 }/);
        });

        it("runs pulumi up for the stack and the edited file, with the policy pack and its stack config", () => {
            const workspace = new Workspace("production");
            const bin = path.join(workspace.dir, "bin");
            const calls = path.join(workspace.dir, "calls.txt");
            mkdirSync(bin);
            writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho "$@" >> "${calls}"\n`);
            chmodSync(path.join(bin, "pulumi"), 0o755);
            const result = workspace.run(["shift", "10", "--reason", "canary", "--apply"], { ...workspace.env, PATH: `${bin}:${process.env.PATH}` });
            assert.equal(result.code, EXIT.done, result.err);
            const pack = path.join(REPOSITORY_ROOT, "policies");
            assert.deepEqual(readFileSync(calls, "utf8").trim().split("\n"), [
                "version",
                `up --stack production --policy-pack ${pack} --policy-pack-config ${path.join(pack, "config", "production.json")} --config-file ${workspace.file}`,
            ]);
        });
    });

    describe("rollback after a promote, and to a named release", () => {
        const weights = (w: Workspace) => w.text().split("\n").filter((line) => /^\s+(stableSlot|blue|green):/.test(line)).map((line) => line.trim());

        it("returns to the previous release: the promote's audit record says which slot held it", () => {
            const workspace = new Workspace("production");
            workspace.run(["shift", "10", "--reason", "canary 1.5.0"]);
            workspace.run(["promote", "--reason", "1.5.0 healthy"]);
            const result = workspace.run(["rollback", "--reason", "1.5.0 leaks memory (INC-7)"]);
            assert.equal(result.code, EXIT.done, result.err);
            assert.deepEqual(weights(workspace), [
                "stableSlot: blue",
                'blue: { image: "registry.example.com/clinical-api:1.4.2", weight: 100 }',
                'green: { image: "registry.example.com/clinical-api:1.5.0", weight: 0 }',
            ]);
            assert.equal(workspace.audit().at(-1)?.after.stableSlot, "blue");
        });

        it("still finds the previous release when a later attempt failed and main kept the promoted split", () => {
            const workspace = new Workspace("production");
            workspace.run(["promote", "--reason", "1.5.0"]);
            const promoted = workspace.text();
            const tools = workspace.fakeTools([1]);
            workspace.run(["stage", "registry.example.com/clinical-api:1.6.0", "--reason", "next", "--apply"], tools.env);
            writeFileSync(workspace.file, promoted); // as on main, where a failed change's stack file never lands
            assert.equal(workspace.audit().at(-1)?.outcome, "failed");
            workspace.run(["rollback", "--reason", "1.5.0 bad"]);
            assert.match(workspace.text(), /stableSlot: blue/);
        });

        it("does not go back further than one release, and not past a later stage", () => {
            const workspace = new Workspace("production");
            workspace.run(["promote", "--reason", "1.5.0"]);
            workspace.run(["rollback", "--reason", "back to 1.4.2"]);
            const again = workspace.run(["rollback", "--reason", "again"]);
            assert.match(again.out, /Nothing to change/, "a second rollback stays on 1.4.2");

            const staged = new Workspace("production");
            staged.run(["promote", "--reason", "1.5.0"]);
            staged.run(["stage", "registry.example.com/clinical-api:1.6.0", "--reason", "next"]);
            assert.match(staged.run(["rollback", "--reason", "1.5.0 bad"]).out, /Nothing to change/, "the idle slot no longer holds 1.4.2");
            assert.equal(staged.run(["rollback", "registry.example.com/clinical-api:1.5.0", "--reason", "named"]).code, EXIT.done);
        });

        it("rolls back to a named release held by a slot, making that slot stable", () => {
            const workspace = new Workspace("production");
            assert.equal(workspace.run(["rollback", "registry.example.com/clinical-api:1.5.0", "--reason", "1.4.2 corrupts PDFs"]).code, EXIT.done);
            assert.deepEqual(weights(workspace), [
                "stableSlot: green",
                'blue: { image: "registry.example.com/clinical-api:1.4.2", weight: 0 }',
                'green: { image: "registry.example.com/clinical-api:1.5.0", weight: 100 }',
            ]);
        });

        it("stages a named release that no slot holds onto the idle slot and gives it all traffic", () => {
            const workspace = new Workspace("production");
            assert.equal(workspace.run(["rollback", "registry.example.com/clinical-api:1.3.9", "--reason", "last good"]).code, EXIT.done);
            assert.deepEqual(weights(workspace), [
                "stableSlot: green",
                'blue: { image: "registry.example.com/clinical-api:1.4.2", weight: 0 }',
                'green: { image: "registry.example.com/clinical-api:1.3.9", weight: 100 }',
            ]);
            const canary = new Workspace("production");
            canary.run(["shift", "10", "--reason", "canary"]);
            const refused = canary.run(["rollback", "registry.example.com/clinical-api:1.3.9", "--reason", "x"]);
            assert.equal(refused.code, EXIT.refused);
            assert.match(refused.err, /slot green, where it would go, carries 10 % of traffic; run `rollback` first/);
        });
    });

    describe("--apply in full", () => {
        it("applies again when the file already holds the change (a previous pulumi up failed), and records each outcome", () => {
            const workspace = new Workspace("production");
            // The re-run raises the stable slot (blue, 5 pods in production) before the full up.
            const tools = workspace.fakeTools([1, 0], [5]);
            const failed = workspace.run(["shift", "10", "--reason", "canary", "--apply"], tools.env);
            assert.equal(failed.code, EXIT.notApplied);
            assert.match(workspace.text(), /weight: 10 }/);
            const again = workspace.run(["shift", "10", "--reason", "canary, after fixing the cause", "--apply"], tools.env);
            assert.equal(again.code, EXIT.done, again.err);
            assert.doesNotMatch(again.out, /Nothing to change/);
            assert.equal(tools.calls().filter((call) => call.startsWith("pulumi up") && !call.includes("--target")).length, 2, "pulumi up ran both times");
            assert.deepEqual(workspace.audit().map((r) => r.outcome), ["failed", "applied"]);
        });

        it("passes --yes on to pulumi up for CI, where the environment's reviewers approved", () => {
            const workspace = new Workspace("production");
            const tools = workspace.fakeTools();
            assert.equal(workspace.run(["shift", "10", "--reason", "canary", "--apply", "--yes"], tools.env).code, EXIT.done);
            assert.match(tools.calls().find((call) => call.startsWith("pulumi up")) ?? "", / --yes --non-interactive$/);
        });

        it("promote raises the candidate to full size, waits for its pods, and only then moves the listener", () => {
            const workspace = new Workspace("production");
            // Production's stable slot runs 5 pods (stacks/profiles.ts); green has 2, then 4, then 5 ready.
            const tools = workspace.fakeTools([], [2, 4, 5]);
            const result = workspace.run(["promote", "--reason", "1.5.0 healthy", "--apply"], tools.env);
            assert.equal(result.code, EXIT.done, result.err);
            const calls = tools.calls().filter((call) => call !== "pulumi version");
            const green = (kind: string) => `urn:pulumi:production::clinical-platform::clinical-platform:blue-green:BlueGreenService$clinical-platform:blue-green:Slot$${kind}::api-green`;
            const up = `pulumi up --stack production --policy-pack ${path.join(REPOSITORY_ROOT, "policies")} --policy-pack-config ${path.join(REPOSITORY_ROOT, "policies", "config", "production.json")} --config-file ${workspace.file}`;
            const kubectl = "kubectl -n clinical-green get deployment clinical-api -o jsonpath={.status.readyReplicas}";
            assert.deepEqual(calls, [
                "pulumi stack export --stack production",
                `${up} --target ${green("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")} --target ${green("kubernetes:apps/v1:Deployment")}`,
                kubectl, kubectl, kubectl,
                up,
            ]);
        });

        it("raises the stable slot first again when a promote is re-run after a failed apply", () => {
            const workspace = new Workspace("production");
            const tools = workspace.fakeTools([0, 1], [5, 5]);
            assert.equal(workspace.run(["promote", "--reason", "1.5.0", "--apply"], tools.env).code, EXIT.notApplied, "the listener's up failed");
            assert.equal(workspace.run(["promote", "--reason", "1.5.0", "--apply"], tools.env).code, EXIT.done);
            assert.match(workspace.text(), /stableSlot: green/, "the re-run applies the same promote, it does not promote blue back");
            const ups = tools.calls().filter((call) => call.startsWith("pulumi up"));
            assert.equal(ups.length, 4);
            assert.deepEqual(ups.map((call) => call.includes("--target")), [true, false, true, false]);
            assert.ok(ups[2].includes("api-green"), "green, the slot the file makes stable");
        });

        it("does not move the listener when the candidate never gets its pods", () => {
            const workspace = new Workspace("production");
            const tools = workspace.fakeTools([], [2, 2, 2]);
            const result = workspace.run(["promote", "--reason", "1.5.0 healthy", "--apply"], tools.env);
            assert.equal(result.code, EXIT.notApplied);
            assert.equal(tools.calls().filter((call) => call.startsWith("pulumi up")).length, 1, "only the targeted up ran");
            assert.equal(workspace.audit()[0].outcome, "failed");
        });

        it("applies a new shift in one step: the slots keep their sizes", () => {
            const workspace = new Workspace("production");
            const tools = workspace.fakeTools();
            workspace.run(["shift", "50", "--reason", "half", "--apply"], tools.env);
            assert.deepEqual(tools.calls().filter((call) => call !== "pulumi version").map((call) => call.split(" ").slice(0, 2).join(" ")), ["pulumi up"]);
        });
    });

    describe("audit in CI and break-glass", () => {
        const ci = { GITHUB_ACTIONS: "true", GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "example-org/clinical-platform", GITHUB_RUN_ID: "4242", GITHUB_ACTOR: "alice", GITHUB_TRIGGERING_ACTOR: "bob" };

        it("records the outcome, the run's address, the actor and who triggered the run, the incident and break-glass", () => {
            const workspace = new Workspace("production");
            const tools = workspace.fakeTools();
            workspace.run(["shift", "10", "--reason", "canary"]);
            const result = workspace.run(["rollback", "--reason", "5xx", "--incident", "INC-123", "--break-glass", "--apply", "--yes"], { ...tools.env, ...ci });
            assert.equal(result.code, EXIT.done, result.err);
            const record = workspace.audit()[1];
            assert.equal(record.outcome, "applied");
            assert.deepEqual(record.ci, { run: "https://github.com/example-org/clinical-platform/actions/runs/4242", actor: "alice", triggeringActor: "bob" });
            assert.equal(record.incident, "INC-123");
            assert.equal(record.breakGlass, true);
            assert.equal(workspace.audit()[0].ci, undefined, "outside CI there is no run");
        });

        it("refuses break-glass for anything but a rollback, and without an incident", () => {
            const workspace = new Workspace("production");
            for (const args of [["shift", "10", "--incident", "INC-1"], ["promote", "--incident", "INC-1"], ["rollback"]]) {
                const result = workspace.run([...args, "--reason", "x", "--break-glass"]);
                assert.equal(result.code, EXIT.refused);
                assert.match(result.err, /--break-glass is only for rollback, and needs --incident/);
            }
            workspace.assertUntouched();
        });
    });
});
