import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { FleetVersion } from "./worker-registry.js";

/**
 * The fleet versions a coordinator last read from Redis, one per queue (its Redis address without
 * credentials, prefix and name), kept in a small JSON file. With it, a run whose verdicts all come
 * from a verdict cache needs no Redis: when Redis cannot be reached, the cache is keyed by the
 * version the fleet had when it last answered, which is the version of the verdicts it stored.
 */
export interface FleetMemory {
  /** The version last seen for the queue, if any. */
  recall(queue: string): Promise<FleetVersion | undefined>;
  /** Keeps the version just read for the queue (a write that fails is ignored: it is a hint). */
  remember(queue: string, version: FleetVersion): Promise<void>;
}

/** A {@link FleetMemory} in a JSON file, written whole and renamed into place. */
export function createFleetMemory(file: string): FleetMemory {
  const read = async (): Promise<Record<string, FleetVersion>> => {
    try {
      const parsed = JSON.parse(await readFile(file, "utf8")) as unknown;
      return typeof parsed === "object" && parsed !== null
        ? (parsed as Record<string, FleetVersion>)
        : {};
    } catch {
      // missing or unreadable: nothing remembered
      return {};
    }
  };
  return {
    async recall(queue) {
      const version = (await read())[queue];
      return typeof version?.fingerprint === "string" && typeof version.protocol === "number"
        ? { protocol: version.protocol, fingerprint: version.fingerprint }
        : undefined;
    },
    async remember(queue, version) {
      const versions = await read();
      const known = versions[queue];
      if (known?.protocol === version.protocol && known.fingerprint === version.fingerprint) return;
      versions[queue] = { protocol: version.protocol, fingerprint: version.fingerprint };
      const temporary = `${file}.${randomBytes(4).toString("hex")}.tmp`;
      try {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(temporary, `${JSON.stringify(versions, null, 2)}\n`);
        await rename(temporary, file);
      } catch {
        // a hint only: the next run reads Redis again
      }
    },
  };
}
