import { spawn } from "node:child_process";
import { CodermError } from "../errors.js";

/** A Python interpreter: its real executable (not a shim) and version. */
export interface PythonRuntime {
  executable: string;
  /** `major.minor.micro`, such as `3.11.7`. */
  version: string;
  /** The installation's root (`sys.base_prefix`): what a sandbox must expose for it to run. */
  prefix: string;
}

const runtimes = new Map<string, Promise<PythonRuntime>>();

/**
 * Finds the Python interpreter to run, once a process: `command` when given, else `CODERM_PYTHON`,
 * else `python3` on PATH, resolved to the real executable behind it (`sys.executable`), since
 * `python3` may be a shim that costs 150 ms a start.
 */
export function resolvePython(command?: string): Promise<PythonRuntime> {
  const wanted = command ?? (process.env.CODERM_PYTHON || "python3");
  let runtime = runtimes.get(wanted);
  if (runtime === undefined) {
    runtime = runPython(
      wanted,
      "import sys, platform\nprint(sys.executable)\nprint(platform.python_version())\nprint(sys.base_prefix)\n",
      "",
    ).then((output) => {
      const [executable, version, prefix] = output.trim().split("\n");
      if (!executable || !version || !prefix) {
        throw new CodermError("unavailable", `Python (${wanted}) did not report its executable`);
      }
      return { executable, version, prefix };
    });
    runtime.catch(() => runtimes.delete(wanted));
    runtimes.set(wanted, runtime);
  }
  return runtime;
}

/**
 * Runs a short Python script with `input` on stdin and resolves to its stdout. The interpreter
 * runs isolated (`-I -S`); a non-zero exit is an `unavailable` error with its stderr.
 */
export function runPython(python: string, script: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ["-I", "-S", "-c", script], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    // A broken pipe shows up again as the exit status.
    child.stdin.on("error", () => {});
    child.on("error", (cause) => {
      reject(
        new CodermError(
          "unavailable",
          `cannot start Python (${python}): ${cause.message}; set CODERM_PYTHON to a Python 3 interpreter`,
          {
            cause,
          },
        ),
      );
    });
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new CodermError(
            "unavailable",
            `Python (${python}) exited with ${code}: ${stderr.trim()}`,
          ),
        );
    });
    child.stdin.end(input);
  });
}

const compileScript = `
import json, sys
def compiles(source):
    try:
        compile(source, "", "exec")
        return True
    except Exception:
        return False
json.dump([compiles(source) for source in json.load(sys.stdin.buffer)], sys.stdout)
`;

/** Whether each source compiles with Python's `compile(source, "", "exec")`, in one process. */
export async function compilesInPython(
  sources: readonly string[],
  python?: string,
): Promise<boolean[]> {
  if (sources.length === 0) return [];
  const { executable } = await resolvePython(python);
  return JSON.parse(
    await runPython(executable, compileScript, JSON.stringify(sources)),
  ) as boolean[];
}
