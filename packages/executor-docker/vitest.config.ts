import shared from "@coderm/vitest-config";
import { defineConfig, mergeConfig } from "vitest/config";

export default mergeConfig(
  shared,
  defineConfig({ test: { globalSetup: ["./vitest.global-setup.ts"] } }),
);
