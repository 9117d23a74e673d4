/**
 * Draws a stack as SVG: one box per component, one node per cloud resource, an arrow from each
 * resource to what it depends on. Rendered in-process by Graphviz compiled to WebAssembly.
 */
import { instance } from "@viz-js/viz";
import { RecordedResource } from "./types";

const SERVICE_COLOURS: Record<string, string> = {
    ec2: "#dbeafe", vpc: "#dbeafe", rds: "#fde68a", s3: "#bbf7d0", kms: "#fecaca", iam: "#e9d5ff",
    eks: "#fed7aa", lb: "#c7d2fe", alb: "#c7d2fe", cloudfront: "#a5f3fc", wafv2: "#fca5a5",
    cloudwatch: "#f5d0fe", sns: "#f5d0fe", secretsmanager: "#fecdd3", lambda: "#fef08a", kubernetes: "#bae6fd",
};

export async function renderGraph(resources: RecordedResource[], title: string): Promise<string> {
    const viz = await instance();
    return viz.renderString(toDot(resources, title), { format: "svg", engine: "dot" });
}

export function toDot(resources: RecordedResource[], title: string): string {
    const ids = new Map(resources.map((r, i) => [r.urn, `r${i}`]));
    const children = new Map<string, RecordedResource[]>();
    for (const r of resources) {
        const siblings = children.get(r.parent ?? "") ?? [];
        siblings.push(r);
        children.set(r.parent ?? "", siblings);
    }
    const lines = [
        "digraph stack {",
        `  graph [rankdir=LR, fontname="Helvetica", fontsize=20, labelloc=t, label=${quote(title)}, nodesep=0.15, ranksep=0.9, compound=true];`,
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, color="#64748b"];',
        '  edge [color="#94a3b8", arrowsize=0.5];',
    ];
    const emit = (parentUrn: string, indent: string) => {
        for (const r of children.get(parentUrn) ?? []) {
            if (r.custom) {
                lines.push(`${indent}${ids.get(r.urn)} [label=${quote(`${r.name}\n${shortType(r.type)}`)}, fillcolor=${quote(colourOf(r.type))}];`);
            } else if (r.type === "pulumi:pulumi:Stack") {
                emit(r.urn, indent);
            } else {
                lines.push(`${indent}subgraph cluster_${ids.get(r.urn)} {`);
                lines.push(`${indent}  label=${quote(`${r.name} (${shortType(r.type)})`)}; style="rounded"; color="#475569"; fontsize=14;`);
                emit(r.urn, `${indent}  `);
                lines.push(`${indent}}`);
            }
        }
    };
    emit("", "  ");
    const custom = new Set(resources.filter((r) => r.custom).map((r) => r.urn));
    const edges = new Set<string>();
    for (const r of resources.filter((x) => x.custom)) {
        const targets = new Set([...r.dependencies, ...Object.values(r.propertyDependencies).flat()]);
        for (const target of targets) {
            if (custom.has(target) && target !== r.urn) edges.add(`  ${ids.get(r.urn)} -> ${ids.get(target)};`);
        }
    }
    lines.push(...[...edges].sort(), "}");
    return lines.join("\n");
}

function shortType(type: string): string {
    const [, module = "", name = type] = type.split(":");
    return `${module.split("/")[0]}/${name}`;
}

function colourOf(type: string): string {
    const [provider, module = ""] = type.split(":");
    return SERVICE_COLOURS[provider === "kubernetes" ? "kubernetes" : module.split("/")[0]] ?? "#f1f5f9";
}

function quote(text: string): string {
    return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}
