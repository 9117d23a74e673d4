/**
 * Regenerates the schema data the `kubernetes-schema` deploy check reads. Not part of the program:
 * run by hand when a supported Kubernetes minor or a pinned chart changes.
 *
 *   npx tsx infra/checks/data/extract-schemas.ts kubernetes <kubectl-validate checkout> <source note> <minor>...
 *   npx tsx infra/checks/data/extract-schemas.ts crd <group/version/Kind> <chart> <chart version> <source> <crd.yaml>
 *
 * Kubernetes schemas come from kubernetes-sigs/kubectl-validate (pkg/openapiclient/builtins/<minor>),
 * which holds the OpenAPI v3 documents the API server of each minor publishes. Only the kinds below
 * and what they reference are kept, without descriptions, so the committed data stays small.
 */
import { readdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";

type Schema = Record<string, unknown>;

/** Kinds a program like this one registers; extend when a component starts using another kind. */
const KINDS: Record<string, string[]> = {
    "api/v1": ["Namespace", "ServiceAccount", "Service", "ConfigMap", "Secret", "Pod", "PersistentVolumeClaim", "LimitRange", "ResourceQuota"],
    "apis/apps/v1": ["Deployment", "StatefulSet", "DaemonSet"],
    "apis/batch/v1": ["Job", "CronJob"],
    "apis/autoscaling/v2": ["HorizontalPodAutoscaler"],
    "apis/policy/v1": ["PodDisruptionBudget"],
    "apis/networking.k8s.io/v1": ["NetworkPolicy", "Ingress", "IngressClass"],
    "apis/storage.k8s.io/v1": ["StorageClass"],
    "apis/rbac.authorization.k8s.io/v1": ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"],
    "apis/scheduling.k8s.io/v1": ["PriorityClass"],
};

/** Keywords the check evaluates; everything else (descriptions, patch strategies, defaults) is dropped. */
const KEPT = new Set([
    "type", "format", "properties", "required", "items", "additionalProperties", "allOf", "anyOf", "oneOf",
    "$ref", "enum", "nullable", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
    "x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string", "x-kubernetes-embedded-resource",
]);

function prune(node: unknown, refs: Set<string>): unknown {
    if (Array.isArray(node)) return node.map((child) => prune(child, refs));
    if (typeof node !== "object" || node === null) return node;
    const out: Schema = {};
    for (const [key, value] of Object.entries(node as Schema)) {
        if (!KEPT.has(key)) continue;
        if (key === "$ref") {
            const name = String(value).replace("#/components/schemas/", "");
            refs.add(name);
            out.$ref = name;
        } else if (key === "properties") {
            out.properties = Object.fromEntries(Object.entries(value as Schema).map(([name, child]) => [name, prune(child, refs)]));
        } else if (key === "enum" || key === "required") {
            out[key] = value;
        } else {
            out[key] = prune(value, refs);
        }
    }
    return out;
}

function kubernetes(checkout: string, source: string, minors: string[]): void {
    for (const minor of minors) {
        const schemas: Record<string, unknown> = {};
        const kinds: Record<string, string> = {};
        for (const [document, wanted] of Object.entries(KINDS)) {
            const file = path.join(checkout, "pkg/openapiclient/builtins", minor, `${document}.json`);
            const all = (JSON.parse(readFileSync(file, "utf8")) as { components: { schemas: Record<string, Schema> } }).components.schemas;
            const queue: string[] = [];
            for (const [name, schema] of Object.entries(all)) {
                const gvks = (schema["x-kubernetes-group-version-kind"] ?? []) as Array<{ group: string; version: string; kind: string }>;
                for (const gvk of gvks) {
                    if (!wanted.includes(gvk.kind)) continue;
                    kinds[`${gvk.group ? `${gvk.group}/` : ""}${gvk.version}/${gvk.kind}`] = name;
                    queue.push(name);
                }
            }
            const kindSchemas = new Set(queue);
            while (queue.length > 0) {
                const name = queue.pop() as string;
                if (name in schemas) continue;
                const refs = new Set<string>();
                let source = all[name];
                // The API server ignores status on create and update; its schema would only add bulk.
                if (kindSchemas.has(name) && (source.properties as Schema | undefined)?.status) {
                    source = { ...source, properties: { ...(source.properties as Schema), status: { "x-kubernetes-preserve-unknown-fields": true } } };
                }
                schemas[name] = prune(source, refs);
                for (const ref of refs) if (!(ref in schemas)) queue.push(ref);
            }
        }
        const out = path.join(__dirname, "kubernetes", `${minor}.json`);
        const builtin = allKinds(path.join(checkout, "pkg/openapiclient/builtins", minor));
        writeFileSync(out, `${JSON.stringify({ minor, source, kinds: sortKeys(kinds), builtin, schemas: sortKeys(schemas) })}\n`);
        console.log(`${out}: ${Object.keys(kinds).length} kinds, ${Object.keys(schemas).length} schemas`);
    }
}

/** Every kind the minor serves, so a built-in kind without recorded schema is told from an unknown one. */
function allKinds(directory: string): string[] {
    const found = new Set<string>();
    for (const entry of readdirSync(directory, { recursive: true, encoding: "utf8" })) {
        if (!entry.endsWith(".json")) continue;
        const document = JSON.parse(readFileSync(path.join(directory, entry), "utf8")) as { components?: { schemas?: Record<string, Schema> } };
        for (const schema of Object.values(document.components?.schemas ?? {})) {
            for (const gvk of (schema["x-kubernetes-group-version-kind"] ?? []) as Array<{ group: string; version: string; kind: string }>) {
                if (!gvk.kind.endsWith("List") && gvk.kind !== "WatchEvent" && gvk.kind !== "DeleteOptions" && gvk.kind !== "Status") {
                    found.add(`${gvk.group ? `${gvk.group}/` : ""}${gvk.version}/${gvk.kind}`);
                }
            }
        }
    }
    return [...found].sort();
}

function crd(gvk: string, chart: string, chartVersion: string, source: string, file: string): void {
    const [group, version, kind] = gvk.split("/");
    const documents = parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJSON() as Schema);
    const definition = documents.find((d) => d?.kind === "CustomResourceDefinition"
        && (d.spec as Schema).group === group && ((d.spec as Schema).names as Schema).kind === kind);
    if (!definition) throw new Error(`${file} has no CustomResourceDefinition for ${gvk}`);
    const served = ((definition.spec as Schema).versions as Schema[]).find((v) => v.name === version);
    if (!served) throw new Error(`${file}: ${gvk} has no version ${version}`);
    const target = path.join(__dirname, "crds.json");
    const existing = JSON.parse(readFileSync(target, "utf8")) as Record<string, unknown>;
    existing[gvk] = {
        chart, chartVersion, source,
        scope: (definition.spec as Schema).scope,
        schema: prune((served.schema as Schema).openAPIV3Schema, new Set()),
    };
    writeFileSync(target, `${JSON.stringify(sortKeys(existing), null, 1)}\n`);
    console.log(`${target}: ${gvk} from ${chart} ${chartVersion}`);
}

function sortKeys<T extends Record<string, unknown>>(record: T): T {
    return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b))) as T;
}

const [mode, ...args] = process.argv.slice(2);
if (mode === "kubernetes" && args.length >= 3) kubernetes(args[0], args[1], args.slice(2));
else if (mode === "crd" && args.length === 5) crd(args[0], args[1], args[2], args[3], args[4]);
else {
    console.error("usage: extract-schemas.ts kubernetes <kubectl-validate checkout> <source note> <minor>... | crd <group/version/Kind> <chart> <chart version> <source> <crd.yaml>");
    process.exit(2);
}
