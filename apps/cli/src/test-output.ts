import { Writable } from "node:stream";
import type { Output } from "./output.js";

/** An {@link Output} that keeps what commands write, for tests. */
export function createCapturedOutput(): Output & { text(): { stdout: string; stderr: string } } {
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
