import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { Output } from "./output.js";
import { runCli } from "./program.js";

/** An {@link Output} that keeps what commands write, for tests. */
function createCapturedOutput(): Output & { text(): { stdout: string; stderr: string } } {
  let stdout = "";
  let stderr = "";
  const sink = (append: (chunk: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(String(chunk));
        done();
      },
    });
  return {
    stdout: sink((chunk) => {
      stdout += chunk;
    }),
    stderr: Object.assign(
      sink((chunk) => {
        stderr += chunk;
      }),
      { isTTY: false },
    ) as unknown as NodeJS.WriteStream,
    text: () => ({ stdout, stderr }),
  };
}

/** Runs the command line in-process and returns its exit code and what it wrote. */
export async function runCaptured(
  argv: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = createCapturedOutput();
  const code = await runCli(argv, output);
  return { code, ...output.text() };
}

/** The records of a JSONL file, for tests. */
export async function readRecords(file: string): Promise<Record<string, unknown>[]> {
  return (await readFile(file, "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

/** A fresh temporary directory whose `cache` subdirectory becomes `CODERM_CACHE_DIR`, for tests. */
export async function useTemporaryCache(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  process.env.CODERM_CACHE_DIR = join(dir, "cache");
  return dir;
}
