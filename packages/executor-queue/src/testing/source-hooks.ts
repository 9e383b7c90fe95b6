/**
 * Lets Node run this workspace's TypeScript sources directly (with `--conditions=@coderm/source`
 * and type stripping): a relative `.js` import from a `.ts` file resolves to the `.ts` file beside
 * it when there is one. Loaded with `--import` by the worker processes of the tests and by the
 * benchmark, so neither needs a build.
 */
import { existsSync } from "node:fs";
import { registerHooks } from "node:module";
import { fileURLToPath } from "node:url";

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (
      specifier.startsWith(".") &&
      specifier.endsWith(".js") &&
      context.parentURL?.startsWith("file:") &&
      context.parentURL.endsWith(".ts")
    ) {
      const source = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
      if (existsSync(fileURLToPath(source))) return nextResolve(source.href, context);
    }
    return nextResolve(specifier, context);
  },
});
