import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { CodermError } from "@coderm/core";
import { findExecutable, systemPath } from "./find-executable.js";
import { removeTree } from "./remove-tree.js";

/** The Debian mirror debootstrap downloads from unless `CODERM_DEBIAN_MIRROR` or an option says otherwise. */
export const defaultDebianMirror = "http://deb.debian.org/debian";

/** Debian release of the offline image (its python3 is 3.11, the harness's version). */
const suite = "bookworm";

/**
 * Version of the recipe below (suite, packages, trimming). Bump it when the recipe changes, so
 * caches made by the old recipe are not reused.
 */
const recipeVersion = 2;

/**
 * Debian's python3 leaves parts of the standard library to separate packages: with them the
 * image's library matches a full CPython install (tkinter, for one, is imported by some candidates
 * only for its constants, and must not fail in the container when it works on the host).
 */
const packages = ["python3", "python3-tk", "python3-distutils", "python3-lib2to3", "python3-gdbm"];

/** Directories whose content the image does not need: documentation, locales, package caches. */
const trimmed = [
  "usr/share/doc",
  "usr/share/man",
  "usr/share/info",
  "usr/share/locale",
  "usr/share/lintian",
  "var/cache/apt",
  "var/cache/debconf",
  "var/lib/apt/lists",
  "var/log",
];

/** Options of {@link cachedDebianRootfs}. */
export interface DebianRootfsOptions {
  /** Directory holding the cached tarball. */
  cacheDir: string;
  /** Debian mirror URL. */
  mirror: string;
  /** Receives one line per step and every line debootstrap prints. */
  onProgress?: (line: string) => void;
}

/**
 * The path of a tarball of a minimal Debian root filesystem with python3 (debootstrap minbase,
 * documentation, locales and package caches removed; /dev, /proc and /sys empty). It is built once
 * (about a minute, as root, with network access to the mirror) and kept in `cacheDir`; later calls
 * return the cached file at once.
 */
export async function cachedDebianRootfs(options: DebianRootfsOptions): Promise<string> {
  const progress = options.onProgress ?? (() => undefined);
  const target = join(
    options.cacheDir,
    `debian-${suite}-python3-${debianArchitecture()}-v${recipeVersion}.tar`,
  );
  if (await isFile(target)) {
    progress(`using the cached root filesystem ${target}`);
    return target;
  }
  if (process.getuid?.() !== 0) {
    throw new CodermError(
      "unsupported",
      `building the offline sandbox image runs debootstrap, which needs root: run it as root once (it caches ${target}), or build with mode "online"`,
    );
  }
  const debootstrap = await findExecutable("debootstrap");
  if (debootstrap === undefined) {
    throw new CodermError(
      "unavailable",
      "debootstrap is not installed: run scripts/setup.sh, or apt-get install debootstrap",
    );
  }
  await mkdir(options.cacheDir, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), "coderm-rootfs-"));
  const root = join(work, "root");
  try {
    progress(`debootstrap ${suite} (minbase + ${packages.join(", ")}) from ${options.mirror}`);
    await runLogged(
      debootstrap,
      ["--variant=minbase", `--include=${packages.join(",")}`, suite, root, options.mirror],
      progress,
      "debootstrap",
    ).catch(async (error: unknown) => {
      const log = await readFile(join(root, "debootstrap", "debootstrap.log"), "utf8").catch(
        () => "",
      );
      if (log === "" || !CodermError.isInstance(error)) throw error;
      throw new CodermError(
        error.code,
        `${error.message}\nend of debootstrap.log:\n${log.trimEnd().split("\n").slice(-20).join("\n")}`,
        { cause: error },
      );
    });
    progress("removing documentation, locales and package caches");
    for (const directory of trimmed) await emptyDirectory(join(root, directory));
    const partial = `${target}.${process.pid}.partial`;
    progress(`writing ${target}`);
    await runLogged(
      "tar",
      [
        "--numeric-owner",
        "--exclude=./dev/*",
        "--exclude=./proc/*",
        "--exclude=./sys/*",
        "-C",
        root,
        "-cf",
        partial,
        ".",
      ],
      progress,
      "tar",
    ).catch(async (error: unknown) => {
      await rm(partial, { force: true });
      throw error;
    });
    await rename(partial, target);
    return target;
  } finally {
    await removeTree(work);
  }
}

/** The Debian name of this machine's architecture (debootstrap builds for the host). */
function debianArchitecture(): string {
  const names: Record<string, string> = {
    x64: "amd64",
    arm64: "arm64",
    ppc64: "ppc64el",
    s390x: "s390x",
  };
  return names[process.arch] ?? process.arch;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function emptyDirectory(directory: string): Promise<void> {
  const entries = await readdir(directory).catch(() => []);
  await Promise.all(
    entries.map((entry) => rm(join(directory, entry), { recursive: true, force: true })),
  );
}

/**
 * Runs a command, passing each line it prints to `onLine`; a failure becomes a typed error that
 * ends with its last lines.
 */
async function runLogged(
  command: string,
  args: readonly string[],
  onLine: (line: string) => void,
  name: string,
): Promise<void> {
  const child = spawn(command, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PATH: systemPath(), DEBIAN_FRONTEND: "noninteractive", LC_ALL: "C" },
  });
  const tail: string[] = [];
  const collect = (line: string) => {
    tail.push(line);
    if (tail.length > 30) tail.shift();
    onLine(line);
  };
  createInterface({ input: child.stdout }).on("line", collect);
  createInterface({ input: child.stderr }).on("line", collect);
  const exit = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once("error", (error) => resolve({ code: null, error }));
    child.once("close", (code) => resolve({ code }));
  });
  if (exit.code === 0) return;
  const reason = exit.error?.message ?? `exit code ${exit.code}`;
  throw new CodermError("io-error", `${name} failed (${reason}):\n${tail.join("\n")}`, {
    ...(exit.error === undefined ? {} : { cause: exit.error }),
  });
}
