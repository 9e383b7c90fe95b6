import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { CodermError } from "@coderm/core";
import { resolvePython } from "@coderm/core/node";

/** The file name of the built harness: a zipapp that `python -S -u` runs. */
export const harnessArchiveName = "harness.pyz";

/**
 * Where the Python harness (`src/harness/coderm_harness`, see `src/harness/PROTOCOL.md`) is on
 * this machine: the built `harness.pyz` when it lies beside the built module (in `dist/`), else
 * the source directory `src/harness` (tests run against the sources).
 */
export interface HarnessLocation {
  /** `archive`: the built `harness.pyz`; `source`: the `src/harness` directory. */
  kind: "archive" | "source";
  /** What to start with `python -S -u <path>`: the archive file, or the source directory. */
  path: string;
  /** The directory to bind-mount (read-only) into a sandbox: it holds {@link path}. */
  mountDir: string;
  /** {@link path} relative to {@link mountDir} (`.` when they are the same directory). */
  pathInMount: string;
}

/** The harness as one file, as a Docker image carries it. */
export interface HarnessArchive {
  /** The bytes of `harness.pyz`. */
  data: Buffer;
  /** Their sha256, lowercase hex: the harness's identity (the sandbox image's label). */
  digest: string;
}

const moduleDir = dirname(fileURLToPath(import.meta.url));
let location: HarnessLocation | undefined;
const archives = new Map<string, Promise<HarnessArchive>>();

/**
 * Finds the harness (once): `harness.pyz` beside this module or one directory up (a bundle in a
 * subdirectory of `dist/`), else the source directory `harness/` with its `__main__.py`. Throws a
 * `not-found` {@link CodermError} when neither is there.
 */
export function harnessLocation(): HarnessLocation {
  if (location !== undefined) return location;
  for (const dir of [moduleDir, dirname(moduleDir)]) {
    const archive = join(dir, harnessArchiveName);
    if (existsSync(archive)) {
      location = { kind: "archive", path: archive, mountDir: dir, pathInMount: harnessArchiveName };
      return location;
    }
    const source = join(dir, "harness");
    if (existsSync(join(source, "__main__.py"))) {
      location = { kind: "source", path: source, mountDir: source, pathInMount: "." };
      return location;
    }
  }
  throw new CodermError(
    "not-found",
    `the Python harness is missing: neither ${join(moduleDir, harnessArchiveName)} nor ${join(moduleDir, "harness", "__main__.py")} exists; build @coderm/executor-python`,
  );
}

/**
 * The harness as one file's bytes and their sha256: the built `harness.pyz` as it is, or, from
 * the sources, the same deterministic archive built in memory by `src/harness/build_pyz.py` (so
 * the digest equals that of the `harness.pyz` a build makes from the same sources). `python` is
 * the interpreter that builds it from the sources (resolved as the executors resolve theirs by
 * default). Read or built once per process.
 */
export function harnessArchive(python?: string): Promise<HarnessArchive> {
  const where = harnessLocation();
  const key = `${where.path}\0${python ?? ""}`;
  let archive = archives.get(key);
  if (archive === undefined) {
    archive = readArchive(where, python);
    archives.set(key, archive);
    archive.catch(() => archives.delete(key));
  }
  return archive;
}

async function readArchive(where: HarnessLocation, python?: string): Promise<HarnessArchive> {
  let data: Buffer;
  if (where.kind === "archive") {
    data = await readFile(where.path);
  } else {
    const { executable } = await resolvePython(python);
    try {
      const { stdout } = await promisify(execFile)(
        executable,
        ["-S", join(where.path, "build_pyz.py"), "-"],
        { encoding: "buffer", maxBuffer: 64 * 1024 * 1024, env: { PYTHONDONTWRITEBYTECODE: "1" } },
      );
      data = stdout;
    } catch (error) {
      throw new CodermError(
        "io-error",
        `cannot build the harness archive from ${where.path}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return { data, digest: createHash("sha256").update(data).digest("hex") };
}
