import { strict as assert } from "assert";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "fs";
import * as path from "path";
import { REPOSITORY_ROOT } from "../../infra/offline/preview";
import { EXIT, TrafficIo, main } from "../../infra/traffic";
import { AuditRecord } from "../../infra/traffic/audit";
import { scratchDir } from "../harness/scratch";
import { specStackFile } from "../harness/stacks";
import { FakeAlarms, FakeSmoke, LB_DNS, TEST_URL, firingFrom } from "./fakes";

const NOW = new Date("2026-03-14T09:26:53.000Z");

interface Run {
    code: number;
    out: string;
    err: string;
}

/** A stack file with the spec-owned traffic block in a fresh folder, with a git identity of its own. */
class Workspace {
    readonly dir = scratchDir("clinical-traffic-");
    readonly file: string;
    readonly original: string;
    readonly env: NodeJS.ProcessEnv;
    /** The candidate's test route, health endpoints and smoke command: all passing unless a spec says otherwise. */
    readonly smoke = new FakeSmoke();
    /** The candidate's alarms and the clock of a canary: OK, and time moves only when it sleeps. */
    readonly alarms = new FakeAlarms();

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
            smoke: this.smoke.tools(),
            canary: this.alarms.tools(),
        } satisfies TrafficIo);
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

        it("refuses a negative, fractional or non-numeric share", () => {
            const negative = new Workspace("production");
            const result = negative.run(["shift", "-5", "--reason", "x"]);
            assert.equal(result.code, EXIT.refused);
            assert.match(result.err, /Unknown option '-5'/);
            negative.assertUntouched();
            for (const share of ["10.5", "ten", "1e1", "101"]) {
                refused(new Workspace("production"), ["shift", share, "--reason", "x"], /expected a whole percentage from 0 to 100/);
            }
        });

        it("never leaves a split that does not sum to 100, even from a file whose weights sum to 110", () => {
            const weights = (text: string) => [...text.matchAll(/^\s+(?:blue|green): \{[^}]*weight: (\d+) \}/gm)].map((m) => Number(m[1]));
            for (const args of [["shift", "10", "--reason", "canary"], ["promote", "--reason", "go"], ["rollback", "--reason", "back"], ["stage", "registry.example.com/clinical-api:1.6.0", "--reason", "next"]]) {
                const workspace = new Workspace("production");
                writeFileSync(workspace.file, workspace.original.replace(/(green: \{ image: "[^"]+", weight: )0 \}/, "$110 }"));
                const broken = readFileSync(workspace.file, "utf8");
                assert.deepEqual(weights(broken), [100, 10], "the spec's edit applied");
                const result = workspace.run(args);
                if (result.code === EXIT.refused) {
                    assert.equal(workspace.text(), broken, `${args[0]}: refused, file untouched`);
                    assert.equal(workspace.audit().length, 0);
                } else {
                    assert.equal(weights(workspace.text()).reduce((a, b) => a + b, 0), 100, `${args[0]} wrote ${weights(workspace.text())}`);
                }
            }
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
            refused(new Workspace("production"), ["flip", "--reason", "x"], /expected a command \(status, stage, shift, promote, rollback, smoke, canary\); got "flip"/);
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

    describe("smoke tests through the test route", () => {
        it("smoke GETs the three health endpoints of the candidate on the load balancer, verifying TLS for the domain, then runs the smoke command", () => {
            const workspace = new Workspace("production");
            const result = workspace.run(["smoke", "--pulumi-stack", "acme/clinical-platform/production"]);
            assert.equal(result.code, EXIT.done, result.err);
            assert.deepEqual(workspace.smoke.stacksRead, ["acme/clinical-platform/production"]);
            assert.deepEqual(workspace.smoke.requests.map((r) => [r.url, r.connectHost]), [
                [`${TEST_URL}/health/startup`, LB_DNS],
                [`${TEST_URL}/health/liveness`, LB_DNS],
                [`${TEST_URL}/health/readiness`, LB_DNS],
            ]);
            const [command] = workspace.smoke.commands;
            assert.match(command.command, /curl .*--connect-to "\$CANDIDATE_CONNECT_TO" "\$CANDIDATE_URL\/api\/version"/, "the stack's smoke.command");
            assert.equal(command.env.CANDIDATE_URL, "https://app.clinical.example.com:8443");
            assert.equal(command.env.CANDIDATE_CONNECT_TO, `app.clinical.example.com:8443:${LB_DNS}:8443`);
            // Production's release profile gives the smoke tests 5 minutes in all.
            assert.ok(command.timeoutMs <= 5 * 60_000 && command.timeoutMs > 4 * 60_000, String(command.timeoutMs));
            assert.match(result.out, /ok\s+GET \/health\/readiness: HTTP 200/);
            workspace.assertUntouched();
        });

        it("smoke fails (exit 1) at the first endpoint that does not answer 200, and runs no smoke command after it", () => {
            const workspace = new Workspace("production");
            workspace.smoke.answers["/health/liveness"] = { status: 503 };
            const result = workspace.run(["smoke"]);
            assert.equal(result.code, EXIT.smokeFailed);
            assert.match(result.out, /FAIL GET \/health\/liveness: HTTP 503/);
            assert.equal(workspace.smoke.requests.length, 2);
            assert.equal(workspace.smoke.commands.length, 0);
        });

        it("smoke fails when the stack has no test route yet, saying which output is missing", () => {
            const workspace = new Workspace("production");
            workspace.smoke.outputs = { outputs: { loadBalancerDnsName: LB_DNS } };
            const result = workspace.run(["smoke"]);
            assert.equal(result.code, EXIT.smokeFailed);
            assert.match(result.out, /the stack output candidateTestUrl is missing/);
            assert.ok(workspace.smoke.untouched);
        });

        it("refuses shift --apply when a smoke test fails: exit 2, the file untouched, pulumi up never run, the refusal recorded", () => {
            const workspace = new Workspace("production");
            const tools = workspace.fakeTools();
            workspace.smoke.shell = { exitCode: 7 };
            const result = workspace.run(["shift", "10", "--reason", "canary", "--apply"], tools.env);
            assert.equal(result.code, EXIT.refused);
            assert.match(result.err, /smoke tests failed/);
            assert.equal(workspace.text(), workspace.original);
            assert.deepEqual(tools.calls(), [], "no pulumi, no kubectl");
            const [record] = workspace.audit();
            assert.deepEqual([record.command, record.outcome, record.smoke], ["shift 10", "refused", ["smoke command: exit 7"]]);
            assert.equal(record.after.slots.green.weight, 10, "what was refused");
        });

        it("refuses promote --apply when a health endpoint fails, and lets a later rollback ignore the refusal", () => {
            const workspace = new Workspace("production");
            const tools = workspace.fakeTools();
            workspace.smoke.answers["/health/startup"] = { error: "connect ETIMEDOUT" };
            assert.equal(workspace.run(["promote", "--reason", "go", "--apply"], tools.env).code, EXIT.refused);
            assert.equal(workspace.text(), workspace.original);
            assert.equal(workspace.audit()[0].outcome, "refused");
            assert.match(workspace.run(["rollback", "--reason", "nothing was promoted"]).out, /Nothing to change/);
        });

        it("runs the smoke tests before a shift above 0 with --apply only: not without --apply, not for a shift to 0", () => {
            const written = new Workspace("production");
            written.run(["shift", "10", "--reason", "canary"]);
            assert.ok(written.smoke.untouched);
            const applied = new Workspace("production");
            const tools = applied.fakeTools();
            assert.equal(applied.run(["shift", "10", "--reason", "canary", "--apply"], tools.env).code, EXIT.done);
            assert.equal(applied.smoke.requests.length, 3);
            assert.equal(applied.run(["shift", "0", "--reason", "back to none", "--apply"], tools.env).code, EXIT.done);
            assert.equal(applied.smoke.requests.length, 3, "no smoke tests for a shift to 0");
        });
    });

    describe("canary", () => {
        const weights = (w: Workspace) => w.text().split("\n").filter((line) => /^\s+(stableSlot|blue|green):/.test(line)).map((line) => line.trim());

        it("without --apply prints the steps, the hold and the alarms it watches, and changes nothing", () => {
            const workspace = new Workspace("production");
            const result = workspace.run(["canary", "--reason", "release 1.5.0"]);
            assert.equal(result.code, EXIT.done, result.err);
            assert.match(result.out, /10 % → 25 % → 50 % → promote/);
            assert.match(result.out, /held 10 minute\(s\) while clinical-platform-production-green-error-rate and clinical-platform-production-green-latency-p95 stay out of ALARM/);
            assert.ok(workspace.smoke.untouched);
            workspace.assertUntouched();
        });

        it("walks 10, 25 and 50 %, holding each while the candidate's alarms stay OK, then promotes with the candidate raised first", () => {
            const workspace = new Workspace("production");
            const tools = workspace.fakeTools([], [5]);
            const result = workspace.run(["canary", "--reason", "release 1.5.0", "--apply", "--yes"], tools.env);
            assert.equal(result.code, EXIT.done, result.err);
            assert.deepEqual(workspace.audit().map((r) => [r.command, r.outcome]), [
                ["canary: shift 10", "applied"], ["canary: shift 25", "applied"], ["canary: shift 50", "applied"], ["canary: promote", "applied"],
            ]);
            assert.deepEqual(weights(workspace), [
                "stableSlot: green",
                'blue: { image: "registry.example.com/clinical-api:1.4.2", weight: 0 }',
                'green: { image: "registry.example.com/clinical-api:1.5.0", weight: 100 }',
            ]);
            assert.equal(workspace.smoke.requests.length, 3, "smoke tests first");
            // Three holds of production's 10 minutes, measured on the injected clock; one reading a minute.
            assert.equal(workspace.alarms.clock, 3 * 10 * 60_000);
            assert.deepEqual(workspace.alarms.reads[0].names, ["clinical-platform-production-green-error-rate", "clinical-platform-production-green-latency-p95"]);
            assert.equal(workspace.alarms.reads.length, 3 * 11);
            const ups = tools.calls().filter((call) => call.startsWith("pulumi up"));
            assert.deepEqual(ups.map((call) => call.includes("--target")), [false, false, false, true, false], "only the promote raises a slot first");
        });

        it("stops when an alarm fires, sends all traffic back to the stable slot, records each step and the rollback, and exits 4", () => {
            const workspace = new Workspace("production");
            const tools = workspace.fakeTools();
            // 11 readings hold the 10 % step; the 3rd reading of the 25 % step finds the error rate in ALARM.
            workspace.alarms.script = firingFrom(13, "clinical-platform-production-green-error-rate");
            const result = workspace.run(["canary", "--reason", "release 1.5.0", "--apply"], tools.env);
            assert.equal(result.code, EXIT.stopped);
            assert.match(result.err, /Stopped at 25 %: clinical-platform-production-green-error-rate in ALARM/);
            assert.equal(workspace.text(), workspace.original, "blue has all traffic again");
            const records = workspace.audit();
            assert.deepEqual(records.map((r) => [r.command, r.outcome]), [["canary: shift 10", "applied"], ["canary: shift 25", "applied"], ["canary: rollback", "applied"]]);
            assert.equal(records[2].stoppedBy, "clinical-platform-production-green-error-rate in ALARM");
            assert.deepEqual([records[2].before.slots.green.weight, records[2].after.slots.green.weight, records[2].after.stableSlot], [25, 0, "blue"]);
            assert.equal(tools.calls().filter((call) => call.startsWith("pulumi up")).length, 3);
        });

        it("leaves the file at the last applied step when a step cannot be applied (exit 3), and continues from there when run again", () => {
            const workspace = new Workspace("production");
            const tools = workspace.fakeTools([0, 1, 0, 0, 0, 0], [5]);
            assert.equal(workspace.run(["canary", "--reason", "release 1.5.0", "--apply"], tools.env).code, EXIT.notApplied);
            assert.match(workspace.text(), /green: \{ image: "registry\.example\.com\/clinical-api:1\.5\.0", weight: 10 \}/);
            assert.deepEqual(workspace.audit().map((r) => [r.command, r.outcome]), [["canary: shift 10", "applied"], ["canary: shift 25", "failed"]]);
            assert.equal(workspace.run(["canary", "--reason", "release 1.5.0, after the fix", "--apply"], tools.env).code, EXIT.done);
            assert.deepEqual(workspace.audit().slice(2).map((r) => r.command), ["canary: shift 25", "canary: shift 50", "canary: promote"]);
        });

        it("refuses to start when the smoke tests fail, recording the refusal", () => {
            const workspace = new Workspace("production");
            const tools = workspace.fakeTools();
            workspace.smoke.answers["/health/readiness"] = { status: 500 };
            assert.equal(workspace.run(["canary", "--reason", "release 1.5.0", "--apply"], tools.env).code, EXIT.refused);
            assert.equal(workspace.text(), workspace.original);
            assert.deepEqual(workspace.audit().map((r) => [r.command, r.outcome]), [["canary", "refused"]]);
            assert.deepEqual(tools.calls(), []);
            assert.equal(workspace.alarms.reads.length, 0);
        });

        it("is followed by a rollback to the previous release, as a promote is", () => {
            const workspace = new Workspace("dev");
            workspace.run(["stage", "registry.example.com/clinical-api:1.6.0", "--reason", "release 1.6.0"]);
            const tools = workspace.fakeTools([], [1]);
            // Dev's release profile: 50 %, then the promote, each share held 2 minutes.
            assert.equal(workspace.run(["canary", "--reason", "release 1.6.0", "--apply"], tools.env).code, EXIT.done);
            assert.equal(workspace.alarms.clock, 2 * 60_000);
            assert.match(workspace.text(), /stableSlot: green/);
            assert.equal(workspace.run(["rollback", "--reason", "1.6.0 is slow"]).code, EXIT.done);
            assert.match(workspace.text(), /stableSlot: blue/);
            assert.match(workspace.text(), /blue: \{ image: "registry\.example\.com\/clinical-api:1\.5\.0-rc\.1", weight: 100 \}/);
        });
    });

    describe("a breaking migration", () => {
        it("stage clears the stable slot's breakingMigration, keeping its comments, since the new release was built on the migrated schema", () => {
            const workspace = new Workspace("production");
            const flagged = workspace.original.replace(
                '      blue: { image: "registry.example.com/clinical-api:1.4.2", weight: 100 }',
                [
                    "      blue:",
                    '        image: "registry.example.com/clinical-api:1.4.2"',
                    "        weight: 100",
                    "        # 1.4.2 dropped the legacy_notes column (contract step)",
                    "        breakingMigration: true # set while green served nothing",
                ].join("\n"),
            );
            assert.notEqual(flagged, workspace.original);
            writeFileSync(workspace.file, flagged);
            // While set, the flag refuses any share for green.
            const refused = workspace.run(["shift", "10", "--reason", "canary"]);
            assert.equal(refused.code, EXIT.refused);
            assert.match(refused.err, /app\.slots\.blue\.breakingMigration: expected false while slot green serves traffic/);
            assert.equal(workspace.run(["stage", "registry.example.com/clinical-api:1.6.0", "--reason", "release 1.6.0"]).code, EXIT.done);
            const after = workspace.text();
            assert.deepEqual(after.split("\n").filter((line, i) => line !== flagged.split("\n")[i]), [
                "        breakingMigration: false # set while green served nothing",
                '      green: { image: "registry.example.com/clinical-api:1.6.0", weight: 0 }',
            ]);
            assert.match(after, /# 1\.4\.2 dropped the legacy_notes column \(contract step\)/);
            const [record] = workspace.audit();
            assert.deepEqual([record.before.slots.blue.breakingMigration, record.after.slots.blue.breakingMigration], [true, false]);
            assert.equal(workspace.run(["shift", "10", "--reason", "canary"]).code, EXIT.done, "green may take a share now");
        });
    });
});
