import { strict as assert } from "assert";
import { writeFileSync } from "fs";
import * as path from "path";
import { GraphTargetError, graphFormat, renderGraph, toDot } from "../../infra/graph";
import { main } from "../../infra/preview";
import { reasonsForExit } from "../../infra/report";
import { PreviewDocument } from "../../infra/offline/preview";
import { scratchDir } from "../harness/scratch";
import { STACKS, editedStackFile, previewOf } from "../harness/stacks";

const scratch = scratchDir("clinical-graph-");

describe("the stack graph", () => {
    for (const stack of STACKS) {
        it(`draws ${stack} as one box per component, fitted to a screen, with a legend`, async () => {
            const { resources } = await previewOf(stack);
            const svg = await renderGraph(resources, `clinical-platform ${stack}`, "svg");
            assert.match(svg, /<svg[\s\S]*<\/svg>\s*$/);
            const [, width, height] = /<svg width="([\d.]+)pt" height="([\d.]+)pt"/.exec(svg) ?? [];
            // 18 × 11 inches at 72 pt an inch: a 1920 × 1080 screen at 96 dpi shows it whole.
            assert.ok(Number(width) <= 1296 && Number(height) <= 792, `${width} × ${height} pt`);
            const components = new Set(resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.custom && resources.find((p) => p.urn === r.parent)?.type === "pulumi:pulumi:Stack").map((r) => r.name));
            const clusters = (svg.match(/class="cluster"/g) ?? []).length;
            const stackOwned = resources.some((r) => r.custom && resources.find((p) => p.urn === r.parent)?.type === "pulumi:pulumi:Stack");
            assert.equal(clusters, components.size + (stackOwned ? 1 : 0) + 1, "components, the stack's own resources and the legend");
            assert.match(svg, />Legend</);
            assert.ok((svg.match(/class="node"/g) ?? []).length < resources.filter((r) => r.custom).length / 3, "resources are grouped, not drawn one by one");
        });
    }

    it("summarises references to the shared keys and the VPC in the component's title instead of drawing them", async () => {
        const { resources } = await previewOf("production");
        const dot = toDot(resources, "production");
        const keyNodes = [...dot.matchAll(/^\s+(n\d+_keys) \[/gm)].map((m) => m[1]);
        assert.ok(keyNodes.length > 0);
        for (const node of keyNodes) assert.doesNotMatch(dot, new RegExp(`-> ${node}\\b`), "no arrow ends at a key");
        const database = resources.find((r) => r.type === "aws:rds/instance:Instance");
        assert.ok(database);
        assert.match(dot, /label="database[^"]*keys: [^"]*keys-data[^"]*in the VPC"/);
        assert.ok([...dot.matchAll(/ltail=cluster_\d+, lhead=cluster_\d+/g)].length > 0, "references between components are bundled");
        const pairs = [...dot.matchAll(/ltail=(cluster_\d+), lhead=(cluster_\d+)/g)].map((m) => `${m[1]}>${m[2]}`);
        assert.equal(new Set(pairs).size, pairs.length, "one arrow per pair of components");
    });
});

describe("--graph FILE", () => {
    it("writes SVG for .svg and Graphviz source for .dot", () => {
        assert.equal(graphFormat(path.join(scratch, "stack.svg")), "svg");
        assert.equal(graphFormat(path.join(scratch, "stack.DOT")), "dot");
    });

    it("refuses PNG, naming what it can write, and any other extension", () => {
        assert.throws(() => graphFormat(path.join(scratch, "stack.png")), (e: Error) => e instanceof GraphTargetError && /PNG cannot be rendered/.test(e.message) && /\.svg, \.dot/.test(e.message));
        assert.throws(() => graphFormat(path.join(scratch, "stack.txt")), /unsupported extension "\.txt"; use one of \.svg, \.dot, \.gv/);
        assert.throws(() => graphFormat(path.join(scratch, "stack")), /unsupported extension "\(none\)"/);
    });

    it("is a usage error (exit 2) when the directory is missing, before the stack is evaluated", async () => {
        const errors: string[] = [];
        const original = console.error;
        console.error = (...args: unknown[]) => errors.push(args.join(" "));
        const started = Date.now();
        try {
            assert.equal(await main(["--stack", "dev", "--graph", path.join(scratch, "missing", "stack.svg")]), 2);
            assert.equal(await main(["--stack", "dev", "--graph", path.join(scratch, "stack.png")]), 2);
        } finally {
            console.error = original;
        }
        assert.ok(Date.now() - started < 3000, "nothing was evaluated");
        assert.match(errors[0], /--graph .*missing.*stack\.svg: the directory .*missing does not exist/);
        assert.match(errors[1], /PNG cannot be rendered/);
    });
});

describe("--diff", () => {
    const document = (violations: PreviewDocument["policy"]["violations"], failures: PreviewDocument["deployChecks"]["failures"] = []): PreviewDocument => ({
        stack: "dev",
        resources: [],
        policy: { pack: "clinical-platform-policies", version: "1.0.0", evaluated: true, violations, exempted: [] },
        deployChecks: { evaluated: true, checks: [{ name: "principals", description: "Principals exist.", source: "", passed: failures.length === 0 }], failures },
        traffic: { stableSlot: "blue", slots: { blue: { weight: 100 } } },
    });
    const violation = (level: "mandatory" | "advisory", policy: string) =>
        ({ policy, level, urn: `urn:pulumi:dev::clinical-platform::aws:s3/bucket:Bucket::${policy}-target`, message: `${policy} broken`, severity: "high", hipaa: [], soc2: [], remediation: "" }) as unknown as PreviewDocument["policy"]["violations"][number];

    it("prints the mandatory violations and failed deploy checks behind a non-zero exit, and nothing when clean", () => {
        const text = reasonsForExit(document([violation("mandatory", "s3-tls-only"), violation("advisory", "s3-lifecycle")], [{ check: "principals", urn: "", message: "no such role" }])).join("\n");
        assert.match(text, /^Exit 1 because of:/);
        assert.match(text, /\[mandatory\] s3-tls-only/);
        assert.doesNotMatch(text, /s3-lifecycle/, "advisory findings do not cause the exit");
        assert.match(text, /✗ principals[\s\S]*no such role/);
        assert.deepEqual(reasonsForExit(document([violation("advisory", "s3-lifecycle")])), []);
    });
});

describe("--diff on a stack with a mandatory violation", function () {
    this.timeout(600_000);

    it("prints the diff, then the violation behind exit 1", async () => {
        const before = path.join(scratch, "before.json");
        writeFileSync(before, JSON.stringify({ stack: "production", resources: [] }));
        const weak = editedStackFile("production", (doc) => doc.setIn(["config", "clinical-platform:overrides", "database"], { backupRetentionDays: 7 }));
        const out: string[] = [];
        const original = console.log;
        console.log = (...args: unknown[]) => out.push(args.join(" "));
        let code: number;
        try {
            code = await main(["--stack", "production", "--config-file", weak, "--diff", before]);
        } finally {
            console.log = original;
        }
        const text = out.join("\n");
        assert.equal(code, 1);
        assert.match(text, /Exit 1 because of:/);
        assert.match(text, /\[mandatory\] rds-backup-retention/);
        assert.ok(text.indexOf("Exit 1 because of:") > text.indexOf("  + aws:rds/instance:Instance"), "after the diff");
    });
});
