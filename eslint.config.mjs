// Lint rules that hold the layout (see README → Architecture). Kept syntactic (no type-aware
// rules) so `npm run lint` stays fast; type errors are tsc's job.
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";
import nextPlugin from "@next/eslint-plugin-next";

const testSupport = ["@/testing/*", "**/testing/*", "@/sandbox/*", "**/sandbox/*", "@/e2e/*", "**/e2e/*"];

export default tseslint.config(
  {
    ignores: ["node_modules/**", ".next/**", ".data/**", "lib/db/generated/**", "next-env.d.ts", "test-results/**", "playwright-report/**"],
  },
  {
    files: ["**/*.{ts,tsx,mts,mjs}"],
    languageOptions: { parser: tseslint.parser, ecmaVersion: "latest", sourceType: "module" },
    plugins: { "@typescript-eslint": tseslint.plugin, "import-x": importX },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
      "import-x/no-duplicates": "error",
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: ["error", "smart"],
    },
  },
  // Product code: app/, components/, lib/, workers/.
  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "lib/**/*.{ts,tsx}", "workers/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: "Read configuration through lib/env.ts, the only reader of process.env.",
        },
        {
          selector: "Property[key.name='queryKey'] > ArrayExpression",
          message: "Query keys come from the factory in lib/client/query-keys.ts.",
        },
      ],
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: testSupport, message: "Shipped code never imports test support, the sandbox or e2e." }] },
      ],
    },
  },
  { files: ["lib/env.ts"], rules: { "no-restricted-syntax": "off" } },
  // The database is reached only through lib/.
  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "workers/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/lib/db", "@/lib/db/*", "**/lib/db", "**/lib/db/*"],
              message: "Only lib/ talks to the database: call a lib/<domain> function.",
            },
            { group: testSupport, message: "Shipped code never imports test support, the sandbox or e2e." },
          ],
        },
      ],
    },
  },
  // Browser code.
  {
    files: ["app/**/*.tsx", "components/**/*.tsx"],
    plugins: { "react-hooks": reactHooks, "@next/next": nextPlugin },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "warn", "@next/next/no-html-link-for-pages": "off" },
  },
);
