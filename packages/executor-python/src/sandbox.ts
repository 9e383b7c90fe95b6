import { spawnSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { dirname } from "node:path";
import { CodermError, type SandboxLevel } from "@coderm/core";
import type { PythonRuntime } from "@coderm/core/node";

/** Where the harness is mounted inside the `bwrap` sandbox. */
const sandboxHarnessDir = "/opt/coderm/harness";

/**
 * The command that wraps each harness process at a sandbox level, or none for `process`. `bwrap`
 * runs the process in new user, PID, network, IPC, UTS and cgroup namespaces, dying with its parent, with a
 * root that holds only read-only system directories, the interpreter and the harness, a private
 * `/tmp` (bound from `tmp.bind`, or a tmpfs of `tmp.bytes`; it holds the working directories), `/proc` and
 * a minimal `/dev`: no network, no project or user files. It refuses (a typed
 * error saying what to install) when bubblewrap is missing or cannot create namespaces here, so a
 * run never silently gets weaker isolation than it asked for.
 */
export function sandboxWrapper(
  level: SandboxLevel,
  runtime: PythonRuntime,
  harnessDir: string,
  bwrap = "bwrap",
  tmp?: { bind: string } | { bytes: number },
): { wrapper: string[]; harnessDir: string } | undefined {
  if (level === "process") return undefined;
  const binds = new Set<string>(["/usr"]);
  for (const path of ["/bin", "/lib", "/lib64", "/sbin"]) if (existsSync(path)) binds.add(path);
  binds.add(runtime.prefix);
  binds.add(dirname(realpathSync(runtime.executable)));
  const wrapper = [
    bwrap,
    "--unshare-all",
    "--die-with-parent",
    "--new-session",
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    ...(tmp === undefined
      ? ["--tmpfs", "/tmp"]
      : "bind" in tmp
        ? ["--bind", tmp.bind, "/tmp"]
        : ["--size", String(tmp.bytes), "--tmpfs", "/tmp"]),
  ];
  for (const path of binds) wrapper.push("--ro-bind", path, path);
  // The harness is mounted at a neutral path, so no path of the project shows inside.
  wrapper.push("--ro-bind", harnessDir, sandboxHarnessDir, "--chdir", "/tmp", "--");
  const probe = spawnSync(
    wrapper[0]!,
    [...wrapper.slice(1), runtime.executable, "-S", "-c", "pass"],
    { encoding: "utf8", timeout: 10_000 },
  );
  if (probe.error !== undefined || probe.status !== 0) {
    const reason = probe.error?.message ?? (probe.stderr.trim() || `exit ${probe.status}`);
    throw new CodermError(
      "unavailable",
      `sandbox level "bwrap" is unavailable (${reason}); install bubblewrap (apt-get install bubblewrap) and allow unprivileged user namespaces, or set sandbox to "process"`,
      { field: "sandbox" },
    );
  }
  return { wrapper, harnessDir: sandboxHarnessDir };
}
