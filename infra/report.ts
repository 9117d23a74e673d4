/** The human report of an offline preview: what would be created, where the data lives, how traffic splits. */
import { StackConfig } from "../stacks";
import type { DeployChecksReport } from "./checks";
import { PreviewDocument } from "./offline/preview";
import { RecordedResource } from "./offline/types";

export function humanReport(document: PreviewDocument, resources: RecordedResource[], config: StackConfig): string {
    const lines: string[] = [];
    const custom = resources.filter((r) => r.custom);
    const components = byComponent(resources);
    // The count is of the groups listed below: top-level components, and the stack's own resources.
    lines.push(`Stack ${document.stack} (${config.region}): ${custom.length} resources in ${components.size} groups`, "");

    // The verdict first: it is what decides whether the change may go ahead.
    lines.push(...policySection(document));
    lines.push("", ...deployChecksSection(document.deployChecks));

    lines.push("", "Traffic", `  stable slot: ${document.traffic.stableSlot}`);
    for (const [slot, { image, weight }] of Object.entries(document.traffic.slots)) {
        const bar = "█".repeat(Math.round(weight / 5)).padEnd(20, "·");
        lines.push(`  ${slot.padEnd(6)} ${bar} ${String(weight).padStart(3)} %  ${image ?? "(no image staged)"}`);
    }
    lines.push("", "Data", ...stateful(resources, document));

    // One line per group; --json lists every resource with its inputs.
    lines.push("", "Resources by component (every resource: --json)");
    for (const [component, types] of components) {
        const total = [...types.values()].reduce((sum, n) => sum + n, 0);
        lines.push(`  ${component} — ${total}`);
    }
    return lines.join("\n");
}

/** Component (top-level ancestor below the stack) to counts per resource type. */
function byComponent(resources: RecordedResource[]): Map<string, Map<string, number>> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const topLevel = (resource: RecordedResource): RecordedResource => {
        let current = resource;
        for (let parent = byUrn.get(current.parent ?? ""); parent && parent.type !== "pulumi:pulumi:Stack"; parent = byUrn.get(parent.parent ?? "")) {
            current = parent;
        }
        return current;
    };
    const groups = new Map<string, Map<string, number>>();
    for (const resource of resources.filter((r) => r.custom)) {
        const root = topLevel(resource);
        const label = root === resource ? "(stack)" : `${root.name} (${root.type.split(":").pop()})`;
        const types = groups.get(label) ?? new Map<string, number>();
        types.set(resource.type, (types.get(resource.type) ?? 0) + 1);
        groups.set(label, types);
    }
    return groups;
}

function stateful(resources: RecordedResource[], document: PreviewDocument): string[] {
    const lines: string[] = [];
    const protection = (r: RecordedResource) => (r.options.protect ? "protected" : "unprotected") + (r.options.retainOnDelete ? ", retained on delete" : "");
    const displayed = new Map(document.resources.map((r) => [r.urn, r.inputs]));
    const inputsOf = (r: RecordedResource) => displayed.get(r.urn) ?? {};
    for (const db of resources.filter((r) => r.type === "aws:rds/instance:Instance")) {
        const i = inputsOf(db);
        lines.push(`  database ${i.identifier}: ${i.engine} ${i.engineVersion} on ${i.instanceClass}, ${i.multiAz ? "Multi-AZ" : "single-AZ"}`);
        lines.push(`      storage ${i.allocatedStorage}–${i.maxAllocatedStorage} GiB ${i.storageType}, encrypted: ${i.storageEncrypted}, key ${shortKey(i.kmsKeyId)}`);
        lines.push(`      backups ${days(Number(i.backupRetentionPeriod))}, deletion protection ${i.deletionProtection ? "on" : "off"}, final snapshot ${i.skipFinalSnapshot ? "skipped" : "taken"}, ${protection(db)}`);
    }
    // What the report says of a bucket comes from the bucket's own companion resources, found by the
    // bucket they name, never from what the platform usually sets.
    const companion = (bucket: RecordedResource, kind: string) => resources.find((r) =>
        r.type.split(":")[1]?.split("/")[1]?.startsWith(kind) && (r.propertyDependencies.bucket ?? []).includes(bucket.urn));
    for (const bucket of resources.filter((r) => r.type === "aws:s3/bucket:Bucket")) {
        const encryption = companion(bucket, "bucketServerSideEncryptionConfiguration");
        const rules = (encryption ? inputsOf(encryption).rules as Array<{ applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }> | undefined : undefined) ?? [];
        const versioning = companion(bucket, "bucketVersioning");
        const versioned = (versioning ? (inputsOf(versioning).versioningConfiguration as { status?: string } | undefined)?.status : undefined) === "Enabled";
        const block = companion(bucket, "bucketPublicAccessBlock");
        const blocks = block ? inputsOf(block) : {};
        const blocked = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every((setting) => blocks[setting] === true);
        lines.push(`  bucket ${bucket.name}: ${rules[0]?.applyServerSideEncryptionByDefault?.sseAlgorithm ?? "no default encryption"}, `
            + `${versioned ? "versioned" : "not versioned"}, ${blocked ? "public access blocked" : block ? "public access partly blocked" : "no public access block"}, ${protection(bucket)}`);
    }
    for (const key of resources.filter((r) => r.type === "aws:kms/key:Key")) {
        const i = inputsOf(key);
        lines.push(`  key ${key.name}: rotation ${i.enableKeyRotation ? `every ${days(Number(i.rotationPeriodInDays))}` : "off"}, ${protection(key)}`);
    }
    for (const secret of resources.filter((r) => r.type === "aws:secretsmanager/secret:Secret")) {
        lines.push(`  secret ${inputsOf(secret).name}: ${protection(secret)}`);
    }
    return lines;
}

function days(count: number): string {
    return count === 1 ? "1 day" : `${count} days`;
}

function shortKey(value: unknown): string {
    return typeof value === "string" && value.includes("key/") ? `key/${value.split("key/")[1].slice(0, 8)}…` : String(value);
}

const SEVERITIES = ["critical", "high", "medium", "low"];

function policySection(document: PreviewDocument): string[] {
    const { pack, version, evaluated, violations } = document.policy;
    if (!evaluated) return [`Policy: pack ${pack}@${version} was not run.`];
    if (violations.length === 0) return [`Policy: ${pack}@${version} — no violations.`, ...exemptedSection(document)];
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    const lines = [`Policy: ${pack}@${version} — ${violations.length} violation(s), ${mandatory} mandatory`];
    const rank = (severity: string) => (SEVERITIES.includes(severity) ? SEVERITIES.indexOf(severity) : SEVERITIES.length);
    const severities = [...new Set(violations.map((v) => v.severity))].sort((a, b) => rank(a) - rank(b));
    for (const severity of severities) {
        const group = violations.filter((v) => v.severity === severity);
        lines.push(`  ${severity || "unrated"} (${group.length})`);
        // One block per rule and level: a rule broken by ten resources is one finding to fix, listed once.
        const byRule = new Map<string, typeof group>();
        for (const v of group) byRule.set(`${v.policy}\u0000${v.level}`, [...(byRule.get(`${v.policy}\u0000${v.level}`) ?? []), v]);
        for (const same of byRule.values()) {
            const [v] = same;
            const names = same.map((each) => each.urn.split("::").pop() || "(the stack)");
            lines.push(`    ✗ [${v.level}] ${v.policy}  ${same.length === 1 ? names[0] : `${same.length} resources: ${names.join(", ")}`}`);
            const messages = [...new Set(same.map((each) => each.message))];
            lines.push(`        ${messages[0]}${messages.length > 1 ? ` (and ${messages.length - 1} more like it)` : ""}`);
            lines.push(`        HIPAA ${v.hipaa.join(", ") || "—"}; SOC 2 ${v.soc2.join(", ") || "—"}`);
            if (v.remediation) lines.push(`        fix: ${v.remediation}`);
        }
    }
    return [...lines, ...exemptedSection(document)];
}

/**
 * What the pack config's exemptions silence, each beside its reason: the findings the pack would
 * have reported, as it recorded them. An exemption that silences nothing can be removed.
 */
function exemptedSection(document: PreviewDocument): string[] {
    const exempted = document.policy.exempted ?? [];
    if (exempted.length === 0) return [];
    const lines = [`  exempted by the pack config (${exempted.length})`];
    for (const entry of exempted) {
        const until = entry.expires ? ` until ${entry.expires}` : "";
        lines.push(`    ~ ${entry.policy}  ${entry.urn.split("::").pop() || entry.resource}${until}: ${entry.reason}`);
        if (entry.silenced.length === 0) lines.push("        silences nothing: the resource complies, so the exemption can go");
        for (const message of entry.silenced) lines.push(`        silences: ${message}`);
    }
    return lines;
}

/**
 * Why the preview exits non-zero, for output that otherwise shows something else (`--diff`): the
 * mandatory violations, grouped as in the full report, and the failed deploy checks. Empty when clean.
 */
export function reasonsForExit(document: PreviewDocument): string[] {
    const mandatory = document.policy.violations.filter((v) => v.level === "mandatory");
    const failures = document.deployChecks.failures;
    if (mandatory.length === 0 && failures.length === 0) return [];
    const lines = ["Exit 1 because of:"];
    if (mandatory.length > 0) lines.push(...policySection({ ...document, policy: { ...document.policy, violations: mandatory } }));
    if (failures.length > 0) lines.push(...deployChecksSection(document.deployChecks));
    return lines;
}

/** The deploy checks as the report lists them: each check ✓ or ✗, each failure under its check. */
export function deployChecksSection(report: DeployChecksReport): string[] {
    const { evaluated, checks, failures } = report;
    if (!evaluated) return ["Deploy checks: not run."];
    const failed = checks.filter((c) => !c.passed).length;
    const lines = [`Deploy checks: ${checks.length - failed} of ${checks.length} passed`];
    for (const check of checks) {
        lines.push(`  ${check.passed ? "✓" : "✗"} ${check.name} — ${check.description}`);
        for (const failure of failures.filter((f) => f.check === check.name)) {
            lines.push(`      ✗ ${failure.urn ? `${failure.urn.split("::").pop()}: ` : ""}${failure.message}`);
        }
    }
    return lines;
}
