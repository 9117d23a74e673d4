/**
 * Writes a pack config that runs only a subset of the pack, for a team that adopts part of it:
 *
 *   npm run policies:select -- [--framework hipaa|soc2|hipaa:<citation prefix>|soc2:<criterion prefix>]...
 *                              [--service <service>]... [--min-severity low|medium|high|critical]
 *                              [--base policies/config/production.json] [--out FILE]
 *
 * It uses the CLI's own mechanism: every policy outside the subset gets the enforcement level
 * "disabled" in the `--policy-pack-config` file, which the policy server honours by not running the
 * policy at all (node_modules/@pulumi/policy/server.js, 1.21.0, checked 2026-12-01). Selected
 * policies keep what the base config says of them (levels, thresholds, exemptions), or their defaults.
 *
 * Filters of different kinds must all hold; values of one kind are alternatives. A service is a
 * policy-name prefix (`s3`, `rds`, `k8s`…) or a section of the compliance matrix ("Secrets Manager").
 * Exit 2 on a usage error, with the valid values listed.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { policiesByService, policyMetadata } from "../rules";
import type { ComplianceMetadata, Severity } from "../lib/metadata";

const SEVERITIES: readonly Severity[] = ["low", "medium", "high", "critical"];

export interface Selection {
    /** "hipaa", "soc2", or one of them with a prefix of a citation / criterion: "hipaa:164.312(a)", "soc2:CC6". */
    frameworks?: readonly string[];
    services?: readonly string[];
    minSeverity?: Severity;
}

export class SelectionError extends Error {}

type PackConfig = Record<string, unknown>;

/** Policy name to the services it answers to: its name prefix and its matrix section, lower-cased. */
function servicesOf(): Map<string, Set<string>> {
    const services = new Map<string, Set<string>>();
    for (const [section, policies] of Object.entries(policiesByService)) {
        for (const policy of policies) {
            services.set(policy.name, new Set([policy.name.split("-")[0], section.toLowerCase()]));
        }
    }
    return services;
}

function matchesFramework(metadata: ComplianceMetadata, framework: string): boolean {
    const [name, prefix = ""] = framework.split(/:(.*)/s, 2);
    const citations = name === "hipaa" ? metadata.hipaa : name === "soc2" ? metadata.soc2 : undefined;
    if (citations === undefined) {
        throw new SelectionError(`unknown framework "${framework}": use hipaa or soc2, optionally with a prefix (hipaa:164.312, soc2:CC6)`);
    }
    return citations.some((citation) => citation.startsWith(prefix));
}

/** The names of the policies in the subset, in pack order. */
export function selectedPolicies(selection: Selection): string[] {
    const services = servicesOf();
    const known = new Set([...services.values()].flatMap((names) => [...names]));
    const wanted = (selection.services ?? []).map((service) => service.toLowerCase());
    const unknown = wanted.filter((service) => !known.has(service));
    if (unknown.length > 0) {
        throw new SelectionError(`unknown service ${unknown.join(", ")}: use one of ${[...known].sort().join(", ")}`);
    }
    if (selection.minSeverity !== undefined && !SEVERITIES.includes(selection.minSeverity)) {
        throw new SelectionError(`unknown severity "${selection.minSeverity}": use one of ${SEVERITIES.join(", ")}`);
    }
    const floor = SEVERITIES.indexOf(selection.minSeverity ?? "low");
    const frameworks = selection.frameworks ?? [];
    return Object.values(policyMetadata)
        .filter((metadata) => frameworks.length === 0 || frameworks.some((framework) => matchesFramework(metadata, framework)))
        .filter((metadata) => wanted.length === 0 || wanted.some((service) => services.get(metadata.name)?.has(service)))
        .filter((metadata) => SEVERITIES.indexOf(metadata.severity) >= floor)
        .map((metadata) => metadata.name);
}

/**
 * The pack config of the subset: the base's entries for the selected policies, "disabled" for every
 * other policy. Refuses a subset that is empty, which would run nothing and pass everything.
 */
export function selectionConfig(selection: Selection, base: PackConfig = {}): PackConfig {
    const selected = new Set(selectedPolicies(selection));
    if (selected.size === 0) {
        throw new SelectionError("no policy matches the selection, so the pack would check nothing");
    }
    if ("all" in base) {
        throw new SelectionError('the base config sets "all", which would override the selection: set levels per policy');
    }
    const config: PackConfig = {};
    for (const name of Object.keys(policyMetadata)) {
        if (!selected.has(name)) {
            config[name] = "disabled";
        } else if (base[name] !== undefined) {
            config[name] = base[name];
        }
    }
    return config;
}

function main(argv: string[]): number {
    let values;
    try {
        ({ values } = parseArgs({
            args: argv,
            options: {
                framework: { type: "string", multiple: true },
                service: { type: "string", multiple: true },
                "min-severity": { type: "string" },
                base: { type: "string" },
                out: { type: "string" },
            },
            strict: true,
        }));
    } catch (error) {
        console.error((error as Error).message);
        return 2;
    }
    try {
        const base = values.base === undefined ? {} : (JSON.parse(readFileSync(values.base, "utf8")) as PackConfig);
        const config = selectionConfig(
            { frameworks: values.framework, services: values.service, minSeverity: values["min-severity"] as Severity | undefined },
            base,
        );
        const text = `${JSON.stringify(config, null, 4)}\n`;
        const kept = Object.values(config).filter((entry) => entry !== "disabled").length;
        if (values.out === undefined) {
            process.stdout.write(text);
        } else {
            writeFileSync(values.out, text);
        }
        const running = Object.keys(policyMetadata).length - Object.values(config).filter((entry) => entry === "disabled").length;
        console.error(`${running} of ${Object.keys(policyMetadata).length} policies run (${kept} with settings from the base config).`);
        return 0;
    } catch (error) {
        if (error instanceof SelectionError) {
            console.error(error.message);
            return 2;
        }
        throw error;
    }
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
