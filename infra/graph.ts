/**
 * `--graph FILE`: a picture of a stack a person can read on one screen. Each top-level component is
 * a box; inside it, one node per AWS service (or Kubernetes) with its resource count, its types in
 * the node's tooltip; arrows say "depends on". References to the shared KMS keys and to the VPC,
 * which nearly everything has, are not drawn: each component's title lists the keys it uses and
 * whether it sits in the VPC. References between components are
 * bundled into one arrow per pair, labelled with how many there are. Rendered in-process by
 * Graphviz compiled to WebAssembly (@viz-js/viz).
 */
import { existsSync, statSync } from "fs";
import * as path from "path";
import { RecordedResource } from "./offline/types";

// @viz-js/viz 3.31.0 (package.json; its `formats` list, checked 2026-12-01) renders vector and text
// formats only — no png, jpg or pdf — so a raster picture is refused rather than faked.
const FORMATS: Record<string, "svg" | "dot"> = { ".svg": "svg", ".dot": "dot", ".gv": "dot" };

export class GraphTargetError extends Error {}

/** The format to write `file` in, or a usage error: an unsupported extension or a missing directory. */
export function graphFormat(file: string): "svg" | "dot" {
    const extension = path.extname(file).toLowerCase();
    const format = FORMATS[extension];
    if (format === undefined) {
        const raster = [".png", ".jpg", ".jpeg", ".gif", ".pdf"].includes(extension);
        throw new GraphTargetError(
            `--graph ${file}: ${raster ? `${extension.slice(1).toUpperCase()} cannot be rendered here (the bundled Graphviz has no raster or PDF output)` : `unsupported extension "${extension || "(none)"}"`}; `
            + `use one of ${Object.keys(FORMATS).join(", ")} (a .dot file renders to PNG with Graphviz: dot -Tpng FILE.dot -o FILE.png)`,
        );
    }
    const directory = path.dirname(path.resolve(file));
    if (!existsSync(directory) || !statSync(directory).isDirectory()) {
        throw new GraphTargetError(`--graph ${file}: the directory ${directory} does not exist`);
    }
    return format;
}

const SERVICE_COLOURS: Record<string, string> = {
    network: "#dbeafe", database: "#fde68a", storage: "#bbf7d0", keys: "#fecaca", identity: "#e9d5ff",
    cluster: "#fed7aa", "load balancing": "#c7d2fe", edge: "#a5f3fc", monitoring: "#f5d0fe", secrets: "#fecdd3",
    functions: "#fef08a", kubernetes: "#bae6fd", other: "#f1f5f9",
};
const SERVICE_OF_MODULE: Record<string, string> = {
    ec2: "network", rds: "database", s3: "storage", kms: "keys", iam: "identity", eks: "cluster", lb: "load balancing",
    alb: "load balancing", cloudfront: "edge", wafv2: "edge", acm: "edge", cloudwatch: "monitoring", sns: "monitoring",
    chatbot: "monitoring", secretsmanager: "secrets", lambda: "functions", backup: "storage", sqs: "functions",
};

/** Whether a reference to this resource is one nearly everything has, and so is summarised, not drawn. */
function isShared(resource: RecordedResource): "key" | "vpc" | undefined {
    if (resource.type === "aws:kms/key:Key") return "key";
    if (resource.type === "aws:ec2/vpc:Vpc" || resource.type === "aws:ec2/subnet:Subnet") return "vpc";
    return undefined;
}

function serviceOf(type: string): string {
    const [provider, module = ""] = type.split(":");
    return provider === "kubernetes" ? "kubernetes" : SERVICE_OF_MODULE[module.split("/")[0]] ?? "other";
}

export function toDot(resources: RecordedResource[], title: string): string {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const componentOf = (resource: RecordedResource): string => {
        let current = resource;
        for (let parent = byUrn.get(current.parent ?? ""); parent && parent.type !== "pulumi:pulumi:Stack"; parent = byUrn.get(parent.parent ?? "")) {
            current = parent;
        }
        return current === resource ? "(stack)" : current.name;
    };
    const custom = resources.filter((r) => r.custom);
    const components = [...new Set(custom.map(componentOf))].sort();
    const clusterId = new Map(components.map((c, i) => [c, `cluster_${i}`]));
    // One node per component and service: a component's dozens of IAM or networking pieces read as one.
    const nodeOf = (r: RecordedResource) => `n${components.indexOf(componentOf(r))}_${serviceOf(r.type).replace(/[^A-Za-z0-9]/g, "_")}`;

    const counts = new Map<string, { component: string; service: string; types: Map<string, number> }>();
    for (const r of custom) {
        const id = nodeOf(r);
        const entry = counts.get(id) ?? { component: componentOf(r), service: serviceOf(r.type), types: new Map<string, number>() };
        entry.types.set(r.type, (entry.types.get(r.type) ?? 0) + 1);
        counts.set(id, entry);
    }
    const keysUsed = new Map<string, Set<string>>();
    const inVpc = new Set<string>();
    const inner = new Set<string>();
    const across = new Map<string, { from: string; to: string; count: number }>();
    for (const r of custom) {
        const from = componentOf(r);
        for (const urn of new Set([...r.dependencies, ...Object.values(r.propertyDependencies).flat()])) {
            const target = byUrn.get(urn);
            if (!target?.custom || target === r) continue;
            const shared = isShared(target);
            if (shared === "key") {
                keysUsed.set(from, (keysUsed.get(from) ?? new Set()).add(target.name));
                continue;
            }
            if (shared === "vpc" && componentOf(target) !== from) {
                inVpc.add(from);
                continue;
            }
            const to = componentOf(target);
            if (to === from) {
                if (nodeOf(r) !== nodeOf(target)) inner.add(`${nodeOf(r)} -> ${nodeOf(target)}`);
            } else {
                const pair = `${from}\u0000${to}`;
                const bundle = across.get(pair) ?? { from, to, count: 0 };
                bundle.count++;
                across.set(pair, bundle);
            }
        }
    }

    const lines = [
        "digraph stack {",
        `  graph [rankdir=TB, fontname="Helvetica", fontsize=22, labelloc=t, label=${quote(title)}, nodesep=0.12, ranksep=0.6, compound=true, newrank=true, size="18,11", ratio=compress];`,
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, color="#64748b", margin="0.08,0.03"];',
        '  edge [color="#94a3b8", arrowsize=0.5];',
    ];
    const first = new Map<string, string>();
    for (const component of components) {
        const notes = [
            ...(keysUsed.has(component) ? [`keys: ${[...keysUsed.get(component)!].sort().join(", ")}`] : []),
            ...(inVpc.has(component) ? ["in the VPC"] : []),
        ];
        lines.push(`  subgraph ${clusterId.get(component)} {`);
        lines.push(`    label=${quote([component, ...notes].join("\n"))}; style="rounded"; color="#475569"; fontsize=14;`);
        for (const [id, entry] of [...counts].filter(([, e]) => e.component === component).sort(([a], [b]) => a.localeCompare(b))) {
            if (!first.has(component)) first.set(component, id);
            const total = [...entry.types.values()].reduce((sum, n) => sum + n, 0);
            // One line on the picture; the types it holds appear when the pointer rests on it.
            lines.push(`    ${id} [label=${quote(`${entry.service} ×${total}`)}, tooltip=${quote(nodeLabel(entry.types))}, fillcolor=${quote(SERVICE_COLOURS[entry.service])}];`);
        }
        lines.push("  }");
    }
    lines.push(...[...inner].sort().map((edge) => `  ${edge};`));
    for (const { from, to, count } of [...across.values()].sort((a, b) => `${a.from}${a.to}`.localeCompare(`${b.from}${b.to}`))) {
        lines.push(`  ${first.get(from)} -> ${first.get(to)} [ltail=${clusterId.get(from)}, lhead=${clusterId.get(to)}, penwidth=2, color="#475569", label=${quote(String(count))}, fontsize=9];`);
    }
    lines.push(...legend(new Set(custom.map((r) => serviceOf(r.type)))), "}");
    return lines.join("\n");
}

function legend(services: Set<string>): string[] {
    const swatches = [...services].sort().map((service) => `<TR><TD BGCOLOR="${SERVICE_COLOURS[service]}" WIDTH="18"></TD><TD ALIGN="LEFT">${service}</TD></TR>`);
    const notes = [
        "box: a component's resources of one service (×count);", "its types show when the pointer rests on it",
        "thin arrow: depends on, within a component",
        "thick arrow: references between components (count)",
        "not drawn: references to KMS keys and the VPC;",
        "each component's title lists them",
    ].map((note) => `<TR><TD COLSPAN="2" ALIGN="LEFT">${note}</TD></TR>`);
    return [
        "  subgraph cluster_legend {",
        '    label="Legend"; style="rounded"; color="#94a3b8"; fontsize=12;',
        `    legend [shape=plaintext, style="", label=<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2">${[...swatches, ...notes].join("")}</TABLE>>];`,
        "  }",
    ];
}

/** The picture in `format` (see graphFormat). */
export async function renderGraph(resources: RecordedResource[], title: string, format: "svg" | "dot" = "svg"): Promise<string> {
    const dot = toDot(resources, title);
    if (format === "dot") return `${dot}\n`;
    // Loaded only here: Graphviz is the largest module the preview would otherwise load on every run.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { instance } = require("@viz-js/viz") as typeof import("@viz-js/viz");
    return (await instance()).renderString(dot, { format: "svg", engine: "dot" });
}

/** The types in a node, most numerous first. */
function nodeLabel(types: Map<string, number>): string {
    return [...types].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([type, count]) => `${type} ×${count}`).join("\n");
}

function quote(text: string): string {
    return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}
