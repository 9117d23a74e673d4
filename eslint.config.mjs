import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", "out/**", "**/*.js", "**/*.mjs"] },
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
);
