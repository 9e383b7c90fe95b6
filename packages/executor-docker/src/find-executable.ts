import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, join } from "node:path";

/** System directories searched after PATH: debootstrap and dockerd live in sbin. */
const systemDirectories = [
  "/usr/local/sbin",
  "/usr/local/bin",
  "/usr/sbin",
  "/usr/bin",
  "/sbin",
  "/bin",
];

/** The path of an executable found on PATH or in the system's sbin/bin directories, or undefined. */
export async function findExecutable(name: string): Promise<string | undefined> {
  const directories = [...(process.env.PATH ?? "").split(delimiter), ...systemDirectories];
  for (const directory of directories) {
    if (directory === "") continue;
    const candidate = join(directory, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** PATH with the system's sbin/bin directories appended, for tools that call other tools. */
export function systemPath(): string {
  return [process.env.PATH ?? "", ...systemDirectories]
    .filter((part) => part !== "")
    .join(delimiter);
}
