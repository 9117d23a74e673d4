/** A resource as the program registered it, in the terms the engine hands to analyzers. */
export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    /** Inputs; values unknown until the update are the sentinel "04da6b54-80e4-46f7-96ec-b56ff0331ba9". */
    inputs: Record<string, unknown>;
    options: {
        protect: boolean;
        retainOnDelete: boolean;
        ignoreChanges?: string[];
        deleteBeforeReplace?: boolean;
        /** Input paths whose change replaces the resource. */
        replaceOnChanges?: string[];
        /** Provider reference, "<provider urn>::<provider id>". */
        provider?: string;
        aliases?: string[];
    };
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** false for ComponentResources. */
    custom: boolean;
}

export interface PolicyViolation {
    policy: string;
    level: "mandatory" | "advisory" | "remediate";
    /** The offending resource; empty for a finding about the stack as a whole. */
    urn: string;
    /** What is wrong, as the policy reported it. */
    message: string;
    hipaa: string[];
    soc2: string[];
    severity: string;
    description: string;
    remediation: string;
}

export interface PolicyReport {
    pack: string;
    version: string;
    policyCount: number;
    violations: PolicyViolation[];
}

/** One policy as the pack describes itself in GetAnalyzerInfo. */
export interface PackPolicyInfo {
    name: string;
    description: string;
    enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
    severity: string;
    remediation: string;
    tags: string[];
    hipaa: string[];
    soc2: string[];
    category: string | undefined;
    kind: "resource" | "stack";
    configSchema: { properties: Record<string, unknown>; required: string[] } | undefined;
}

export interface PolicyPackStartOptions {
    packDir: string;
    project: string;
    stack: string;
    organization?: string;
    dryRun: boolean;
    /** The stack's config, as `PULUMI_CONFIG` and ConfigureStack carry it. */
    stackConfig?: Record<string, string>;
    /** Stack tags for ConfigureStack (the CLI sends the backend's tags). */
    stackTags?: Record<string, string>;
    /**
     * Called once the pack's process exists. Work that blocks this process (loading and running
     * the program) can start then and overlap the pack's compilation.
     */
    onSpawned?: () => void;
}
