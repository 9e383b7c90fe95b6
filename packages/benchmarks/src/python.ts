import { spawn } from "node:child_process";
import { CodermError } from "@coderm/core";

let resolved: Promise<string> | undefined;

/**
 * The Python interpreter to run: `CODERM_PYTHON` when set, else the real executable behind
 * `python3` (asked once a process, since `python3` may be a slow shim).
 */
export function resolvePython(): Promise<string> {
  const configured = process.env.CODERM_PYTHON;
  if (configured !== undefined && configured !== "") return Promise.resolve(configured);
  if (resolved === undefined) {
    resolved = runPython("python3", "import sys; print(sys.executable)", "").then((out) =>
      out.trim(),
    );
    resolved.catch(() => {
      resolved = undefined;
    });
  }
  return resolved;
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
  const output = await runPython(
    python ?? (await resolvePython()),
    compileScript,
    JSON.stringify(sources),
  );
  return JSON.parse(output) as boolean[];
}

function runPython(python: string, script: string, input: string): Promise<string> {
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
      const message = `cannot start Python (${python}): ${cause.message}`;
      reject(
        new CodermError("unavailable", `${message}; set CODERM_PYTHON to a Python 3 interpreter`, {
          cause,
        }),
      );
    });
    child.on("close", (code) => {
      if (code === 0) {
        resolve(stdout);
        return;
      }
      const message = `Python (${python}) exited with ${code}: ${stderr.trim()}`;
      reject(new CodermError("unavailable", message));
    });
    child.stdin.end(input);
  });
}
