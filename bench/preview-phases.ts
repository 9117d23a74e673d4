/**
 * Where one production preview's time goes, phase by phase, in the order the preview runs them
 * (part of `npm run bench:preview`; run with `node --require ./infra/offline/register.js`). Prints
 * one JSON object: phase name to seconds. The SDK is loaded on its own first, so that its share is
 * measured apart from the commands' own modules.
 */
import { performance } from "perf_hooks";

const phases: Record<string, number> = {};
let last = 0;
function mark(name: string): void {
    const now = performance.now() / 1000;
    phases[name] = now - last;
    last = now;
}

async function main(): Promise<void> {
    // performance.now() counts from the process's start: Node and register.js.
    mark("node start, register.js");
    /* eslint-disable @typescript-eslint/no-require-imports */
    require("@pulumi/pulumi");
    mark("load @pulumi/pulumi");
    const { runOfflinePreview } = require("../infra/offline/preview") as typeof import("../infra/offline/preview");
    const { humanReport } = require("../infra/report") as typeof import("../infra/report");
    require("../infra/preview");
    /* eslint-enable @typescript-eslint/no-require-imports */
    mark("preview command's modules (config schema, yaml, analyzer, SDK adapter)");
    const result = await runOfflinePreview({
        stack: "production",
        onPhase: (phase) => {
            const names: Record<string, string> = {
                "config read": "read and validate the stack's config",
                "pack started": "load the compiled pack in-process",
                "program loaded": "load @pulumi/aws, @pulumi/kubernetes, components",
                evaluated: "evaluate production under the mocks",
                "neighbours evaluated": "evaluate staging (shares the account) for the deploy checks",
                "pack ready": "wait for the pack",
                analyzed: "Configure, Analyze per resource, AnalyzeStack",
                "deploy checks": "deploy checks",
            };
            mark(names[phase] ?? phase);
        },
    });
    humanReport(result.document, result.resources, result.config);
    mark("report");
    process.stdout.write(`${JSON.stringify({ resources: result.resources.length, phases })}\n`);
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
