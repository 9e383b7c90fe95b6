// @ts-check
import { defineConfig } from "vitest/config";

/**
 * The vitest settings every coderm package uses: node environment, tests beside the code
 * (`src/**\/*.test.ts`), generous timeouts because integration tests start real processes.
 */
export default defineConfig({
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default"],
  },
});
