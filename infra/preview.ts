/**
 * npm run preview -- --stack <dev|staging|production> [--json] [--config-file FILE] [--first-deployment]
 *                    [--diff OLD.json] [--graph FILE.svg|FILE.dot] [--protocol]
 *
 * The policy pack runs in this process through its own analyzer handlers; --protocol runs it in its
 * own process over the analyzer protocol instead, started as `pulumi preview --policy-pack
 * "$PWD/policies/analyzer.js"` starts it.
 *
 * Exit codes: 0 clean; 1 mandatory policy violations or a failed deploy check; 2 invalid config or usage;
 * 3 the program failed.
 */
import { readFileSync, writeFileSync } from "fs";
import { ENVIRONMENTS, StackConfigError } from "../stacks";
import { StackFileError } from "../stacks/stack-file";
import { EXIT, parseStackCommand } from "./cli";
import { DiffInputError, asPreviewDocument, diffPreviews, formatDiff } from "./offline/diff";
import { PreviewDocument, runOfflinePreview } from "./offline/preview";
import { GraphTargetError, graphFormat, renderGraph } from "./graph";
import { humanReport, reasonsForExit } from "./report";

export { EXIT } from "./cli";

const USAGE = `usage: npm run preview -- --stack <${[...ENVIRONMENTS, "staging-dr", "production-dr"].join("|")}> [--json] [--config-file FILE] [--first-deployment] [--diff OLD.json] [--graph FILE.svg|FILE.dot] [--protocol]`;

export async function main(argv: string[]): Promise<number> {
    const values = parseStackCommand(argv, USAGE, true);
    if (typeof values === "number") return values;

    try {
        // A picture that cannot be written is a usage error, found before the evaluation runs.
        const graph = values.graph ? graphFormat(values.graph) : undefined;
        const started = Date.now();
        const previous = values.diff ? readSavedPreview(values.diff, values.stack) : undefined;
        const result = await runOfflinePreview({
            stack: values.stack,
            configFile: values.configFile,
            firstDeployment: values.firstDeployment,
            analysis: values.protocol ? "protocol" : "in-process",
        });
        if (values.graph && graph) {
            writeFileSync(values.graph, await renderGraph(result.resources, `clinical-platform ${values.stack}`, graph));
        }
        const diff = previous && values.diff ? diffPreviews(previous, result.document) : undefined;
        if (values.json) {
            process.stdout.write(`${JSON.stringify(diff ?? result.document, null, 2)}\n`);
            // stdout stays one document; the reasons for a non-zero exit of a diff go to stderr.
            if (diff) for (const line of reasonsForExit(result.document)) console.error(line);
        } else if (diff && values.diff) {
            console.log(formatDiff(diff, values.diff));
            // The diff alone would leave a non-zero exit unexplained.
            const reasons = reasonsForExit(result.document);
            if (reasons.length > 0) console.log(["", ...reasons].join("\n"));
        } else {
            console.log(humanReport(result.document, result.resources, result.config));
            if (values.graph) console.log(`\nGraph written to ${values.graph}.`);
            console.log(`\nEvaluated offline in ${((Date.now() - started) / 1000).toFixed(1)} s${values.firstDeployment ? " as a first deployment" : ""}.`);
        }
        return exitCodeOf(result.document);
    } catch (error) {
        if (error instanceof StackConfigError || error instanceof StackFileError) {
            if (values.json) {
                const problems = error instanceof StackConfigError ? error.problems : [{ key: error.file, expected: "a readable stack file", received: error.message }];
                process.stdout.write(`${JSON.stringify({ stack: values.stack, error: error.message, problems }, null, 2)}\n`);
            }
            console.error(error.message);
            return EXIT.invalid;
        }
        if (error instanceof DiffInputError || error instanceof GraphTargetError) {
            console.error(error.message);
            return EXIT.invalid;
        }
        console.error(`The program failed: ${(error as Error).stack ?? String(error)}`);
        return EXIT.failed;
    }
}

/** 1 on a mandatory violation or a failed deploy check, else 0. */
export function exitCodeOf(document: PreviewDocument): number {
    const mandatory = document.policy.violations.some((v) => v.level === "mandatory");
    return mandatory || document.deployChecks.failures.length > 0 ? EXIT.violations : EXIT.clean;
}

function readSavedPreview(file: string, stack: string): PreviewDocument {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (error) {
        throw new DiffInputError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    try {
        return asPreviewDocument(JSON.parse(text), stack, file);
    } catch (error) {
        if (error instanceof DiffInputError) throw error;
        throw new DiffInputError(`${file} is not JSON: ${(error as Error).message}`);
    }
}

if (require.main === module) {
    // Exit once stdout has drained: a large --json document is written asynchronously to a pipe.
    main(process.argv.slice(2)).then((code) => process.stdout.write("", () => process.exit(code)));
}
