/**
 * Renders policies/COMPLIANCE.md from the policies' own metadata and the per-stack pack
 * config. Run `npx tsx policies/scripts/compliance-matrix.ts` to rewrite it, or add
 * `--check` to fail when the committed file is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ANCHOR_CONTROLS, type AnchorName, distinctControls } from "../anchors";
import { ENVIRONMENTS } from "../../stacks/profiles";
import { HIPAA_SECURITY_RULE } from "../lib/citations";
import { policiesByService, policyMetadata } from "../rules";

const PACK_DIR = join(__dirname, "..");
export const MATRIX_FILE = join(PACK_DIR, "COMPLIANCE.md");
/** The environments whose pack config the matrix shows (the DR stacks follow theirs, tests/policies/dr-pack-config.spec.ts). */
const STACKS = ENVIRONMENTS;

type StackConfig = Record<string, string | Record<string, unknown>>;

function readStackConfigs(): Record<string, StackConfig> {
    return Object.fromEntries(
        STACKS.map((stack) => [stack, JSON.parse(readFileSync(join(PACK_DIR, "config", `${stack}.json`), "utf8")) as StackConfig]),
    );
}

function levelIn(config: StackConfig, policy: string, fallback: string): string {
    const entry = config[policy];
    if (typeof entry === "string") {
        return entry;
    }
    return typeof entry?.["enforcementLevel"] === "string" ? entry["enforcementLevel"] : fallback;
}

function settingsIn(config: StackConfig, policy: string): string {
    const entry = config[policy];
    if (entry === undefined || typeof entry === "string") {
        return "";
    }
    return Object.entries(entry)
        .filter(([key]) => key !== "enforcementLevel")
        .map(([key, value]) => `${key} ${Array.isArray(value) ? value.map(settingItem).join(", ") : String(value)}`)
        .join("; ");
}

/** A list item of a setting: an exemption by the resource it names (and its expiry), anything else as text. */
function settingItem(item: unknown): string {
    if (item !== null && typeof item === "object" && "resource" in item) {
        const { resource, expires } = item as { resource: string; expires?: string };
        return expires === undefined ? resource : `${resource} (until ${expires})`;
    }
    return String(item);
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Orders 164.308(a)(7)(ii)(A) after 164.308(a)(3)(i) by comparing each level numerically. */
function compareCitations(a: string, b: string): number {
    const parts = (citation: string) => citation.split(/[().]+/).filter(Boolean);
    const [left, right] = [parts(a), parts(b)];
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
        const [x, y] = [left[i] ?? "", right[i] ?? ""];
        const order = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
        if (order !== 0) {
            return order;
        }
    }
    return 0;
}

function index(key: "hipaa" | "soc2", compare: (a: string, b: string) => number): string[] {
    const byCitation = new Map<string, string[]>();
    for (const metadata of Object.values(policyMetadata)) {
        for (const citation of metadata[key]) {
            byCitation.set(citation, [...(byCitation.get(citation) ?? []), metadata.name]);
        }
    }
    const named = (citation: string) => (key === "hipaa" ? `${citation} ${HIPAA_SECURITY_RULE[citation] ?? ""}`.trim() : citation);
    return [...byCitation.keys()].sort(compare).map((citation) => `| ${named(citation)} | ${byCitation.get(citation)?.map((n) => `\`${n}\``).join(", ")} |`);
}

const ANCHOR_LABELS: Record<AnchorName, string> = {
    awsConfig: "AWS Config conformance pack \"Operational Best Practices for HIPAA Security\"",
    cdkNag: "cdk-nag HIPAA.Security",
};

function anchorCell(anchors: { awsConfig?: readonly string[]; cdkNag?: readonly string[] } | undefined): string {
    const config = (anchors?.awsConfig ?? []).map((id) => `Config ${id}`);
    const nag = (anchors?.cdkNag ?? []).map((id) => `cdk-nag ${id}`);
    return [...config, ...nag].join(", ") || "—";
}

/** Anchor control to the policies that name it, for one anchor. */
export function implementers(anchor: AnchorName): Map<string, string[]> {
    const byControl = new Map<string, string[]>(ANCHOR_CONTROLS[anchor].map((control) => [control.id, []]));
    for (const metadata of Object.values(policyMetadata)) {
        for (const id of metadata.anchors?.[anchor] ?? []) {
            byControl.set(id, [...(byControl.get(id) ?? []), metadata.name]);
        }
    }
    return byControl;
}

function anchorCoverage(): string[] {
    const byAnchor = { awsConfig: implementers("awsConfig"), cdkNag: implementers("cdkNag") };
    const covered = (anchor: AnchorName, id: string) => (byAnchor[anchor].get(id) ?? []).length > 0;
    const distinct = distinctControls();
    const distinctCovered = distinct.filter((control) => covered(control.anchor, control.id)).length;
    const lines = [
        "## HIPAA anchor coverage",
        "",
        "Pre-deployment controls (class A: one resource; B: the whole stack) of the two public HIPAA rule sets, listed in `policies/anchors.ts`,",
        "and the policies that name them in their `anchors` metadata. Run-time controls (class C) are out of scope.",
        "",
        "| Anchor | Covered | Not covered |",
        "| --- | --- | --- |",
    ];
    for (const anchor of ["awsConfig", "cdkNag"] as const) {
        const controls = ANCHOR_CONTROLS[anchor];
        const missing = controls.filter((control) => !covered(anchor, control.id)).map((control) => `${control.id} (${control.class})`);
        lines.push(`| ${ANCHOR_LABELS[anchor]} | ${controls.length - missing.length} of ${controls.length} | ${missing.join(", ") || "none"} |`);
    }
    lines.push(
        `| Both, each control counted once | ${distinctCovered} of ${distinct.length} | ${distinct.length - distinctCovered} |`,
        "",
        "| Anchor control | Class | Service | Policies |",
        "| --- | --- | --- | --- |",
    );
    for (const anchor of ["awsConfig", "cdkNag"] as const) {
        for (const control of ANCHOR_CONTROLS[anchor]) {
            const policies = byAnchor[anchor].get(control.id) ?? [];
            const label = anchor === "awsConfig" ? `Config ${control.id}` : `cdk-nag ${control.id}`;
            lines.push(`| ${label} | ${control.class} | ${control.service} | ${policies.map((name) => `\`${name}\``).join(", ") || "**not covered**"} |`);
        }
    }
    return lines;
}

export function renderComplianceMatrix(): string {
    const configs = readStackConfigs();
    const total = Object.keys(policyMetadata).length;
    const lines: string[] = [
        "# Compliance matrix — clinical-platform-hipaa-soc2",
        "",
        "<!-- Generated by `npx tsx policies/scripts/compliance-matrix.ts` from the policies' metadata and policies/config/*.json. Do not edit by hand. -->",
        "",
        `${total} policies. Each maps to HIPAA Security Rule citations (45 CFR 164.3xx) and SOC 2 trust services criteria (TSC 2017).`,
        "Enforcement is the level in each stack's pack config (`policies/config/<stack>.json`): mandatory findings fail the preview.",
        "",
    ];
    for (const [service, policies] of Object.entries(policiesByService)) {
        lines.push(
            `## ${service}`,
            "",
            "| Policy | Severity | dev / staging / production | HIPAA | SOC 2 | Anchor controls | Requirement | Remediation |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        );
        for (const policy of policies) {
            const metadata = policyMetadata[policy.name];
            const fallback = policy.enforcementLevel ?? "advisory";
            const levels = STACKS.map((stack) => levelIn(configs[stack], policy.name, fallback)).join(" / ");
            lines.push(
                `| \`${policy.name}\` | ${metadata.severity} | ${levels} | ${metadata.hipaa.join(", ")} | ${metadata.soc2.join(", ")} | ${anchorCell(metadata.anchors)} | ${cell(metadata.description)} | ${cell(metadata.remediation)} |`,
            );
        }
        lines.push("");
    }
    const configured = Object.keys(policyMetadata).filter((name) => STACKS.some((stack) => settingsIn(configs[stack], name) !== ""));
    lines.push("## Settings by environment", "", "| Policy | dev | staging | production |", "| --- | --- | --- | --- |");
    for (const name of configured) {
        lines.push(`| \`${name}\` | ${STACKS.map((stack) => cell(settingsIn(configs[stack], name)) || "default").join(" | ")} |`);
    }
    lines.push("", ...anchorCoverage());
    lines.push("", "## HIPAA citations", "", "| Citation | Policies |", "| --- | --- |", ...index("hipaa", compareCitations));
    lines.push("", "## SOC 2 criteria", "", "| Criterion | Policies |", "| --- | --- |", ...index("soc2", compareCitations), "");
    return lines.join("\n");
}

if (require.main === module) {
    const rendered = renderComplianceMatrix();
    if (process.argv.includes("--check")) {
        const current = readFileSync(MATRIX_FILE, "utf8");
        if (current !== rendered) {
            console.error(`${MATRIX_FILE} is stale; run npx tsx policies/scripts/compliance-matrix.ts`);
            process.exit(1);
        }
    } else {
        writeFileSync(MATRIX_FILE, rendered);
        console.log(`wrote ${MATRIX_FILE}`);
    }
}
