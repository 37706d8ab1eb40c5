// ESLint: typescript-eslint's strict type-checked rules over src/ and bench/ (`npm run lint`).
// Tests are not linted: they lean on non-null assertions and loose fixtures on purpose, and tsc
// (tsconfig.test.json, through ts-jest) already type-checks them.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "test/**", "*.js", "*.mjs", "*.cjs"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    files: ["src/**/*.ts", "bench/**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-non-null-assertion": "error",
      // Numbers and booleans in messages and XML text are intended; objects and unknowns still fail.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      // tsconfig has no noUncheckedIndexedAccess, so indexed reads look defined and the rule flags real guards.
      "@typescript-eslint/no-unnecessary-condition": "off",
      // `() => void call()`-style arrow shorthands returning a void call are the code's idiom.
      "@typescript-eslint/no-confusing-void-expression": "off",
      // A leading underscore marks a value left unused on purpose; rest siblings drop fields from a copy.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true }],
      // Check digits are built as string + digit.
      "@typescript-eslint/restrict-plus-operands": ["error", { allowNumberAndString: true }],
      // The SQLite adapter implements the async storage port with a synchronous driver.
      "@typescript-eslint/require-await": "off",
      // Spreading a string splits it by code point: what the length limits and character checks mean.
      "@typescript-eslint/no-misused-spread": "off",
      // Driver rows and winston's info are typed loosely; String() there reads scalar values.
      "@typescript-eslint/no-base-to-string": "off",
      // Dropping absent fields and masking secrets in winston's (mutable) info delete known keys.
      "@typescript-eslint/no-dynamic-delete": "off",
      // node-forge's and libxml2-wasm's typings declare enums the code meets as plain ASN.1/option numbers.
      "@typescript-eslint/no-unsafe-enum-comparison": "off",
      "@typescript-eslint/no-unsafe-enum-assignment": "off",
      // winston's transports are typed against another copy of winston-transport than the logger's.
      "@typescript-eslint/no-unsafe-class-instance-assignment": "off",
    },
  },
);
