/**
 * npm run bootstrap:preview -- --stack <account stack> [--json] [--config-file FILE] [--first-deployment]
 *
 * Exit codes as the platform's preview: 0 clean; 1 a failed deploy check; 2 invalid config or usage;
 * 3 the program failed.
 */
import { existsSync, readdirSync } from "fs";
import { StackConfigError } from "../stacks/problems";
import { StackFileError } from "../stacks/stack-file";
import { EXIT, parseStackCommand } from "../infra/cli";
import { deployChecksSection } from "../infra/report";
import { BOOTSTRAP_DIR, BootstrapPreview, bootstrapStackFile, runBootstrapPreview } from "./offline";

function committedStacks(): string[] {
    return readdirSync(BOOTSTRAP_DIR).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => s !== undefined);
}

const usage = () => `usage: npm run bootstrap:preview -- --stack <${committedStacks().join("|")}> [--json] [--config-file FILE] [--first-deployment]`;

export async function main(argv: string[]): Promise<number> {
    const values = parseStackCommand(argv, usage());
    if (typeof values === "number") return values;
    if (!values.configFile && !existsSync(bootstrapStackFile(values.stack))) {
        console.error(`no bootstrap stack ${values.stack}: ${bootstrapStackFile(values.stack)} does not exist\n${usage()}`);
        return EXIT.invalid;
    }
    try {
        const result = await runBootstrapPreview({ stack: values.stack, configFile: values.configFile, firstDeployment: values.firstDeployment });
        if (values.json) {
            const document = { stack: values.stack, resources: result.resources.map(({ custom: _custom, ...r }) => r), outputs: result.outputs, deployChecks: result.deployChecks };
            process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
        } else {
            console.log(report(values.stack, result));
        }
        return result.deployChecks.failures.length > 0 ? EXIT.violations : EXIT.clean;
    } catch (error) {
        if (error instanceof StackConfigError || error instanceof StackFileError) {
            console.error(error.message);
            return EXIT.invalid;
        }
        console.error(`The program failed: ${(error as Error).stack ?? String(error)}`);
        return EXIT.failed;
    }
}

function report(stack: string, result: BootstrapPreview): string {
    const lines = [`Bootstrap stack ${stack}: account ${result.config.accountId}, ${result.config.region}, repository ${result.config.repository}`, ""];
    const counts = new Map<string, number>();
    for (const r of result.resources) if (r.custom) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    for (const [type, count] of [...counts].sort()) lines.push(`  ${String(count).padStart(3)}  ${type}`);
    lines.push("", ...deployChecksSection(result.deployChecks));
    lines.push("", "Outputs (known after `pulumi up`; these are the mocked cloud's):", JSON.stringify(result.outputs, null, 2));
    return lines.join("\n");
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.stdout.write("", () => process.exit(code)));
}
