/** A resource as the program registered it, in the terms the engine hands to analyzers. */
export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    /** Inputs; values unknown until the update are the sentinel "04da6b54-80e4-46f7-96ec-b56ff0331ba9". */
    inputs: Record<string, unknown>;
    /** Every resource option the program set; protect and retainOnDelete always, the rest only when set. */
    options: {
        protect: boolean;
        retainOnDelete: boolean;
        ignoreChanges?: string[];
        replaceOnChanges?: string[];
        deleteBeforeReplace?: boolean;
        /**
         * URNs the resource depends on that no input refers to: the program's explicit `dependsOn`
         * (a component expanded to its children). An explicit entry an input also refers to is not
         * distinguishable in the register request and shows only in `dependencies`.
         */
        dependsOn?: string[];
        /** Provider reference, "<provider urn>::<provider id>". */
        provider?: string;
        customTimeouts?: { create?: string; update?: string; delete?: string; read?: string };
        /** Alias URNs (structured aliases resolved to URNs as the engine does). */
        aliases?: string[];
        additionalSecretOutputs?: string[];
        /** Provider plugin version and download URL. */
        version?: string;
        pluginDownloadURL?: string;
        /** URN of the resource whose deletion deletes this one. */
        deletedWith?: string;
        /** URNs whose replacement replaces this resource. */
        replaceWith?: string[];
        /** Id of an existing cloud resource to adopt. */
        import?: string;
        hideDiffs?: string[];
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
    /** Free-form strings the pack attaches to the policy; what they encode is the pack's business. */
    tags: string[];
    kind: "resource" | "stack";
    configSchema: { properties: Record<string, unknown>; required: string[] } | undefined;
}

/**
 * How the CLI starts a Node policy pack:
 *  - `executable`: `--policy-pack <pack>/analyzer.js`, an executable file the CLI (3.255.0 and later)
 *    runs directly with the engine's address, from the project's `main` directory;
 *  - `directory`: `--policy-pack <pack>`, which the Node language host runs as
 *    `node <@pulumi/pulumi>/cmd/run-policy-pack <engine> <pack>`.
 */
export type PackLaunch = "executable" | "directory";

export interface PolicyPackStartOptions {
    packDir: string;
    /** How the pack's process is started (protocol path only); `executable` unless given. */
    launch?: PackLaunch;
    /**
     * The `--policy-pack` value of the executable launch, as given to the CLI; `<packDir>/analyzer.js`
     * unless given. The CLI checks it from its own working directory and runs it from `programDir`.
     */
    policyPack?: string;
    /** The directory the CLI runs plugins in, the project's `main` directory; the working directory unless given. */
    programDir?: string;
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
    /**
     * The pack lists, per resource, every policy that did not apply, each with a reason. Entries
     * whose reason starts with this prefix are kept (the session's `notApplicable()`); all others,
     * and all of them when it is not given, are skipped without being decoded.
     */
    notApplicablePrefix?: string;
}

/** A policy that declared itself not applicable to a resource (AnalyzeResponse.not_applicable). */
export interface NotApplicableEntry {
    policy: string;
    /** The resource analyzed; empty for AnalyzeStack. */
    urn: string;
    reason: string;
}
