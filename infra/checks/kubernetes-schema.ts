/**
 * Every Kubernetes object the plan registers validates strictly (no unknown field at any depth,
 * required fields present, types, enums, bounds) against the API schema of the cluster's Kubernetes
 * minor, and every custom resource against the CRD the pinned chart installs. A kind with no schema
 * fails: the API server would answer "no matches for kind".
 *
 * Data (regenerated with infra/checks/data/extract-schemas.ts; read 2026-12-01):
 * - infra/checks/data/kubernetes/<minor>.json: the OpenAPI v3 documents of Kubernetes 1.32 to 1.35 as
 *   kubernetes-sigs/kubectl-validate records them (pkg/openapiclient/builtins, commit a97ccfac,
 *   2026-01-05), reduced to the kinds listed in the script and what they reference. Those are the
 *   minors EKS serves on 2026-12-01 (1.31 left extended support on 2026-11-26) for which the
 *   project publishes a schema; 1.36 is on EKS too, but no offline copy of its schema was available.
 *   The built-in documents carry no enum lists (the API server checks those in code); CRDs do.
 * - infra/checks/data/crds.json: each CRD version with the chart and chart version it came from
 *   (see CRD_CHART_VERSIONS) and, for EKS Auto Mode's NodeClass, the documentation it was written from.
 */
import { readFileSync } from "fs";
import * as path from "path";
import type { RecordedResource } from "../offline/types";
import { plain } from "../offline/wire";
import { Schema, SchemaCompiler, SchemaIssue, Validator } from "./strict-schema";
import type { DeployCheck, DeployCheckContext, DeployCheckFailure } from "./types";

const NAME = "kubernetes-schema";
const DATA = path.join(__dirname, "data");
const OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

/** Kubernetes minors with a recorded API schema. */
export const KUBERNETES_SCHEMA_VERSIONS = ["1.32", "1.33", "1.34", "1.35"] as const;

/**
 * Chart → the chart version the recorded CRDs came from. A Helm release of one of these charts
 * must pin exactly this version (the check fails otherwise), so custom resources are judged by the
 * definitions the cluster will really have. Checked against each chart repository's index
 * (gh-pages index.yaml) on 2026-12-01:
 * - aws-load-balancer-controller 3.5.0 (github.com/aws/eks-charts, newest published, 2026-08-03):
 *   TargetGroupBinding elbv2.k8s.aws/v1beta1.
 * - secrets-store-csi-driver-provider-aws 3.1.1 (github.com/aws/secrets-store-csi-driver-provider-aws,
 *   newest published, 2026-06-02): its Chart.lock pins the secrets-store-csi-driver chart 1.6.0,
 *   whose CRDs define SecretProviderClass secrets-store.csi.x-k8s.io/v1.
 * - karpenter 1.14.1 (github.com/aws/karpenter-provider-aws, 2026-08-21): NodePool karpenter.sh/v1,
 *   the kind EKS Auto Mode serves as well.
 */
export const CRD_CHART_VERSIONS: Readonly<Record<string, string>> = Object.freeze({
    "aws-load-balancer-controller": "3.5.0",
    "secrets-store-csi-driver-provider-aws": "3.1.1",
    "karpenter": "1.14.1",
});

interface KubernetesVersionData {
    minor: string;
    /** Where and when the schemas were taken from. */
    source: string;
    /** "group/version/Kind" (core: "v1/Kind") → schema name, for the kinds recorded. */
    kinds: Record<string, string>;
    /** Every kind this minor serves, recorded or not. */
    builtin: string[];
    schemas: Record<string, Schema>;
}

interface CrdData {
    chart: string | null;
    chartVersion: string | null;
    source: string;
    scope: "Namespaced" | "Cluster";
    schema: Schema;
}

/** A minor's schemas and compiled validators, loaded on first use. */
class KubernetesVersion {
    private readonly full: SchemaCompiler;
    private readonly patch: SchemaCompiler;
    private readonly crdValidators = new Map<string, Validator>();
    private crdCompiler: SchemaCompiler | undefined;

    constructor(readonly data: KubernetesVersionData) {
        this.full = new SchemaCompiler({ schemas: data.schemas, emptyObjectsAreClosed: false });
        this.patch = new SchemaCompiler({ schemas: data.schemas, emptyObjectsAreClosed: false, ignoreRequired: true });
    }

    builtin(gvk: string, patch: boolean): Validator | undefined {
        const name = this.data.kinds[gvk];
        if (!name) return undefined;
        return (patch ? this.patch : this.full).ref(name);
    }

    crd(gvk: string, crd: CrdData): Validator {
        let validator = this.crdValidators.get(gvk);
        if (!validator) {
            this.crdCompiler ??= new SchemaCompiler({
                schemas: {},
                emptyObjectsAreClosed: true,
                external: (name) => (name === OBJECT_META ? this.full.ref(OBJECT_META) : undefined),
            });
            // The API server validates a custom resource's metadata as ObjectMeta, whatever the CRD says.
            const properties = { ...(crd.schema.properties as Record<string, Schema>), metadata: { $ref: OBJECT_META } };
            validator = this.crdCompiler.compile({ ...crd.schema, properties });
            this.crdValidators.set(gvk, validator);
        }
        return validator;
    }
}

const versions = new Map<string, KubernetesVersion>();
let crds: Record<string, CrdData> | undefined;

function kubernetesVersion(minor: string): KubernetesVersion | undefined {
    if (!(KUBERNETES_SCHEMA_VERSIONS as readonly string[]).includes(minor)) return undefined;
    let version = versions.get(minor);
    if (!version) {
        version = new KubernetesVersion(JSON.parse(readFileSync(path.join(DATA, "kubernetes", `${minor}.json`), "utf8")) as KubernetesVersionData);
        versions.set(minor, version);
    }
    return version;
}

function crdData(): Record<string, CrdData> {
    crds ??= JSON.parse(readFileSync(path.join(DATA, "crds.json"), "utf8")) as Record<string, CrdData>;
    return crds;
}

/** "kubernetes:apps/v1:DeploymentPatch" → group "apps", version "v1", kind "Deployment", patch. */
function parseType(type: string): { apiVersion: string; gvk: string; kind: string; patch: boolean } | undefined {
    const match = /^kubernetes:([^:]+)\/([^/:]+):([A-Za-z0-9]+)$/.exec(type);
    if (!match) return undefined;
    const [, group, version, rawKind] = match;
    const patch = rawKind.endsWith("Patch");
    const kind = patch ? rawKind.slice(0, -"Patch".length) : rawKind;
    const apiVersion = group === "core" ? version : `${group}/${version}`;
    return { apiVersion, gvk: `${apiVersion}/${kind}`, kind, patch };
}

/** The cluster's minor from config (`1.34`, or `1.34.2` → `1.34`). */
function minorOf(config: unknown): string | undefined {
    const version = (config as { cluster?: { version?: unknown } } | undefined)?.cluster?.version;
    if (typeof version !== "string" && typeof version !== "number") return undefined;
    const match = /^(\d+)\.(\d+)/.exec(String(version));
    return match ? `${match[1]}.${match[2]}` : undefined;
}

function isKubernetesObject(resource: RecordedResource): boolean {
    return resource.custom !== false && resource.type.startsWith("kubernetes:") && resource.type !== HELM_RELEASE;
}

function validateObject(resource: RecordedResource, version: KubernetesVersion | undefined, minor: string): SchemaIssue[] | string {
    const parsed = parseType(resource.type);
    if (!parsed) return `resource type ${resource.type} is not a Kubernetes apiVersion and kind`;
    const issues: SchemaIssue[] = [];
    for (const [field, expected] of [["apiVersion", parsed.apiVersion], ["kind", parsed.kind]] as const) {
        const { known, value } = plain(resource.inputs[field]);
        if (known && value !== undefined && value !== expected) issues.push({ path: field, message: `expected ${JSON.stringify(expected)}, got ${JSON.stringify(value)}` });
    }
    const crd = crdData()[parsed.gvk];
    if (crd) {
        if (!version) return issues;
        version.crd(parsed.gvk, crd)(resource.inputs, "", issues);
        return issues;
    }
    if (!version) return issues;
    const validator = version.builtin(parsed.gvk, parsed.patch);
    if (validator) {
        validator(resource.inputs, "", issues);
        return issues;
    }
    if (version.data.builtin.includes(parsed.gvk)) {
        return `Kubernetes ${minor} serves ${parsed.apiVersion} ${parsed.kind}, but its schema is not recorded: add the kind to infra/checks/data/extract-schemas.ts and regenerate`;
    }
    const custom = Object.keys(crdData()).sort().join(", ");
    return `no Kubernetes ${minor} built-in kind and no recorded CustomResourceDefinition defines ${parsed.apiVersion} ${parsed.kind} (custom kinds recorded: ${custom}); the API server would answer "no matches for kind"`;
}

function checkReleasePins(resources: RecordedResource[]): DeployCheckFailure[] {
    const failures: DeployCheckFailure[] = [];
    for (const release of resources.filter((r) => r.type === HELM_RELEASE)) {
        const chart = plain(release.inputs.chart);
        const version = plain(release.inputs.version);
        if (!chart.known || !version.known || typeof chart.value !== "string") continue;
        const recorded = CRD_CHART_VERSIONS[chart.value];
        if (recorded !== undefined && version.value !== recorded) {
            failures.push({
                check: NAME,
                urn: release.urn,
                message: `${release.type} "${release.name}": version: installs chart ${chart.value} ${String(version.value)}, but its custom resources are checked against the CRDs of ${chart.value} ${recorded}; expected version ${JSON.stringify(recorded)} (or re-extract the CRDs of the new version with infra/checks/data/extract-schemas.ts)`,
            });
        }
    }
    return failures;
}

export const kubernetesSchemaCheck: DeployCheck = {
    name: NAME,
    description: "Every Kubernetes object validates strictly (no unknown fields) against the API schema of the cluster's version, every custom resource against the CRD of the pinned chart version, and no object is of an unknown kind.",
    source: `Kubernetes ${KUBERNETES_SCHEMA_VERSIONS.join(", ")} OpenAPI v3 from kubernetes-sigs/kubectl-validate a97ccfac (infra/checks/data/kubernetes, 2026-12-01); CRDs of ${Object.entries(CRD_CHART_VERSIONS).map(([chart, version]) => `${chart} ${version}`).join(", ")} and the documented EKS Auto Mode NodeClass (infra/checks/data/crds.json, 2026-12-01)`,
    run(context: DeployCheckContext): DeployCheckFailure[] {
        const { plan } = context;
        const objects = plan.resources.filter(isKubernetesObject);
        const failures: DeployCheckFailure[] = checkReleasePins(plan.resources);
        if (objects.length === 0) return failures;
        const minor = minorOf(plan.config);
        const version = minor ? kubernetesVersion(minor) : undefined;
        if (!version) {
            const configured = (plan.config as { cluster?: { version?: unknown } } | undefined)?.cluster?.version;
            failures.push({
                check: NAME,
                urn: "",
                message: `cluster.version: no Kubernetes API schema is recorded for ${JSON.stringify(configured)}; expected one of ${KUBERNETES_SCHEMA_VERSIONS.join(", ")} (add the minor with infra/checks/data/extract-schemas.ts), so ${objects.length} Kubernetes objects could not be checked`,
            });
            return failures;
        }
        for (const resource of objects) {
            let result: SchemaIssue[] | string;
            try {
                result = validateObject(resource, version, version.data.minor);
            } catch (error) {
                result = `could not be checked: ${(error as Error).message}`;
            }
            if (typeof result === "string") {
                failures.push({ check: NAME, urn: resource.urn, message: `${resource.type} "${resource.name}": ${result}` });
                continue;
            }
            const crd = crdData()[parseType(resource.type)?.gvk ?? ""];
            const schema = crd ? `CRD from ${crd.chart ?? "EKS"}${crd.chartVersion ? ` ${crd.chartVersion}` : ""}` : `Kubernetes ${version.data.minor} schema`;
            for (const issue of result) {
                failures.push({
                    check: NAME,
                    urn: resource.urn,
                    message: `${resource.type} "${resource.name}": ${issue.path || "(object)"}: ${issue.message} (${schema})`,
                });
            }
        }
        return failures;
    },
};

