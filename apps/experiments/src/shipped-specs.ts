import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const directory = fileURLToPath(new URL("../specs/", import.meta.url));

/** The specs this package ships (`specs/*.yaml`), by name. */
export function shippedSpecs(): string[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith(".yaml"))
    .map((file) => file.slice(0, -".yaml".length))
    .sort();
}

/** The file of a shipped spec, or undefined for a name that is not one. */
export function shippedSpecPath(name: string): string | undefined {
  return shippedSpecs().includes(name) ? `${directory}${name}.yaml` : undefined;
}
