import { resolvePython, runPython } from "@coderm/core";

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
