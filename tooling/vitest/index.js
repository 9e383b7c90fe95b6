// @ts-check
import { defineConfig } from "vitest/config";

/**
 * The export condition every coderm package puts first in its `exports`, pointing at its
 * TypeScript source (`"@coderm/source": "./src/index.ts"`): tests resolve workspace packages to
 * their source, so an edit in one package is seen by its dependents' tests without a build.
 * tooling/tsconfig/base.json names the same condition in `customConditions`.
 */
const sourceCondition = "@coderm/source";

/**
 * The vitest settings every coderm package uses: node environment, tests beside the code
 * (`src/**\/*.test.ts`), generous timeouts because integration tests start real processes, and
 * workspace packages resolved to their source through {@link sourceCondition}.
 */
export default defineConfig({
  // Tests run in vite's SSR environment (`ssr.resolve`); vitest also hands these conditions to its
  // workers as `--conditions`, so Node's own resolver (createRequire, import.meta.resolve) sees
  // them too. Vitest appends its default conditions (node, import, ...) to both lists.
  resolve: { conditions: [sourceCondition] },
  ssr: { resolve: { conditions: [sourceCondition] } },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default"],
  },
});
