import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CodermError } from "@coderm/core";
import { encodeFrame, FrameDecoder } from "./framing.js";

const normalizerPath = fileURLToPath(new URL("./harness/normalize.py", import.meta.url));

/** Programs whose keys are remembered in memory, most recently asked first. */
const memoLimit = 200_000;

/**
 * Syntax-tree keys of Python programs from one long-lived `normalize.py` process: equal keys mean
 * equal syntax trees (formatting and comments aside), so such programs can share verdicts.
 * A program that does not parse gets `null`. Keys are remembered in memory, so a program asked
 * for again (by each wrapper of a stack, by every round of tests) costs no round trip.
 */
export class ProgramKeys {
  readonly #memo = new Map<string, string | null>();
  readonly #process: ChildProcessWithoutNullStreams;
  readonly #waiting: {
    resolve: (keys: (string | null)[]) => void;
    reject: (error: Error) => void;
  }[] = [];
  #failure: Error | undefined;

  constructor(python: string) {
    this.#process = spawn(python, ["-S", "-u", normalizerPath], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { LANG: "C.UTF-8" },
    });
    const decoder = new FrameDecoder();
    let stderr = "";
    this.#process.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    this.#process.stdout.on("data", (chunk: Buffer) => {
      for (const frame of decoder.push(chunk))
        this.#waiting.shift()?.resolve(JSON.parse(frame) as (string | null)[]);
    });
    this.#process.stdin.on("error", () => {});
    const fail = (reason: string) => {
      this.#failure ??= new CodermError(
        "unavailable",
        `the program normalizer stopped (${reason})${stderr ? `: ${stderr.trim()}` : ""}`,
      );
      for (const waiter of this.#waiting.splice(0)) waiter.reject(this.#failure);
    };
    this.#process.on("error", (error) => fail(error.message));
    this.#process.on("exit", (code, signal) => fail(`${signal ?? code}`));
  }

  /** The key of each program, in order. */
  async keys(programs: readonly string[]): Promise<(string | null)[]> {
    const keys: (string | null | undefined)[] = programs.map((program) => this.#memo.get(program));
    const unknown = [...new Set(programs.filter((_, position) => keys[position] === undefined))];
    if (unknown.length > 0) {
      const computed = await this.#ask(unknown);
      const found = new Map(unknown.map((program, index) => [program, computed[index] ?? null]));
      for (const [program, key] of found) this.#remember(program, key);
      programs.forEach((program, position) => {
        if (keys[position] === undefined) keys[position] = found.get(program) ?? null;
      });
    }
    return keys as (string | null)[];
  }

  #ask(programs: readonly string[]): Promise<(string | null)[]> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#process.stdin.write(encodeFrame(JSON.stringify(programs)));
    });
  }

  #remember(program: string, key: string | null): void {
    this.#memo.delete(program);
    this.#memo.set(program, key);
    if (this.#memo.size > memoLimit) this.#memo.delete(this.#memo.keys().next().value!);
  }

  /** Stops the normalizer. */
  close(): void {
    this.#process.stdin.end();
    this.#process.kill();
  }
}
