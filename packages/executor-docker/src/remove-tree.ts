import { execFile } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { resolve, sep } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Removes a directory tree that a root filesystem build or a Docker daemon worked in: first
 * detaches whatever is still mounted below it (proc and sys of a failed debootstrap, overlay
 * layers of a killed daemon), deepest first, so the removal never reaches into a mounted
 * filesystem, then deletes the tree.
 */
export async function removeTree(directory: string): Promise<void> {
  const root = resolve(directory);
  const mountInfo = await readFile("/proc/self/mountinfo", "utf8").catch(() => "");
  const mounted = mountInfo
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((point): point is string => point !== undefined)
    .map((point) =>
      point.replace(/\\([0-7]{3})/g, (_, code: string) =>
        String.fromCharCode(Number.parseInt(code, 8)),
      ),
    )
    .filter((point) => point.startsWith(root + sep))
    .sort((a, b) => b.length - a.length);
  for (const point of mounted) await run("umount", ["--lazy", point]).catch(() => undefined);
  await rm(root, { recursive: true, force: true, maxRetries: 3 });
}
