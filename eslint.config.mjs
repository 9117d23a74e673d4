import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    // The Lambda functions are plain JavaScript that Lambda runs as is; they are linted like the rest.
    { ignores: ["node_modules/**", "out/**", "bench/cdk-peer/**", "**/*.js", "**/*.mjs", "!components/rotation/**/*.js", "!components/auto-rollback-function/**/*.js", "!components/snapshot-expiry/**/*.js", "!components/pagerduty/**/*.js", "!bench/**/*.js", "!policies/analyzer.js", "!policies/runtime/**/*.js"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            "@typescript-eslint/no-explicit-any": "error",
            "no-console": "off",
            eqeqeq: ["error", "always", { null: "ignore" }],
            "prefer-const": "error",
        },
    },
    {
        files: ["tests/**/*.ts"],
        rules: {
            "no-restricted-properties": [
                "error",
                { object: "it", property: "only", message: "Focused tests do not land." },
                { object: "describe", property: "only", message: "Focused tests do not land." },
                { object: "it", property: "skip", message: "Skipped tests do not land." },
                { object: "describe", property: "skip", message: "Skipped tests do not land." },
            ],
        },
    },
    {
        files: ["components/rotation/**/*.js", "components/auto-rollback-function/**/*.js", "components/snapshot-expiry/**/*.js", "components/pagerduty/**/*.js", "bench/**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: { require: "readonly", module: "writable", exports: "writable", process: "readonly", console: "readonly", fetch: "readonly", AbortSignal: "readonly", performance: "readonly", setTimeout: "readonly" },
        },
        // CommonJS is what the Lambda Node.js runtime loads for a .js handler without a package.json "type".
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        // Started by the Pulumi CLI with no loader: plain CommonJS on Node's own modules.
        files: ["policies/analyzer.js", "policies/runtime/**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: { require: "readonly", module: "writable", process: "readonly", __dirname: "readonly" },
        },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
