// @ts-check
import { defineConfig } from "tsup";

/**
 * Builds `src/index.ts` (and any extra entries) to ESM in `dist/` with declarations.
 *
 * @param {{ entry?: string[] | Record<string, string> }} [options]
 */
export function defineLibraryConfig(options = {}) {
  return defineConfig({
    entry: options.entry ?? ["src/index.ts"],
    format: ["esm"],
    target: "node24",
    platform: "node",
    // Declarations resolve workspace dependencies through their published `types` (dist), never
    // through the `@coderm/source` condition that base.json sets for typechecking: source would
    // pull their files into this package's program and could inline their types into dist.
    dts: { compilerOptions: { customConditions: [] } },
    sourcemap: true,
    clean: true,
    splitting: false,
    treeshake: true,
    // Keep `node:` prefixes: some builtins (node:sqlite) exist only under the prefixed name.
    removeNodeProtocol: false,
  });
}

export default defineLibraryConfig();
