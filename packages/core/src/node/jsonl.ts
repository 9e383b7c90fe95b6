import { once } from "node:events";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { createGunzip, createGzip, type Gzip } from "node:zlib";
import type { z } from "zod";
import { CodermError } from "../errors.js";
import { stringifyJson } from "../json.js";

/** One parsed line of a JSONL file. */
export interface JsonlRecord<T> {
  value: T;
  /** 1-based line number in the (decompressed) file. */
  line: number;
}

/** Options of {@link readJsonl}. */
export interface ReadJsonlOptions<T> {
  /** Validates every record; a failure names the file, line and field. */
  schema?: z.ZodType<T>;
  /**
   * Called with the error of a bad line, which is then skipped. Without it the first bad line
   * ends the read with that error.
   */
  onError?: (error: CodermError) => void;
  /**
   * Parses one line; `JSON.parse` by default. Pass `parseJson` for exact big integers and
   * NaN/Infinity, or `parsePythonJson` for files written by Python's `json` module.
   */
  parse?: (text: string) => unknown;
}

/** True when the file starts with the gzip magic bytes. */
export async function isGzipFile(path: string): Promise<boolean> {
  const handle = await openForRead(path);
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** A readable stream of the file's bytes, decompressed when it is gzipped (detected by content). */
export async function openDecompressed(path: string): Promise<Readable> {
  const gzipped = await isGzipFile(path);
  const raw = createReadStream(path);
  if (!gzipped) return raw;
  const gunzip = createGunzip();
  raw.on("error", (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

/**
 * Streams the records of a JSONL file (plain or gzipped), one line at a time, so files of any size
 * read in constant memory. Blank lines are skipped. Errors name the file and line.
 */
export async function* readJsonl<T = unknown>(
  path: string,
  options: ReadJsonlOptions<T> = {},
): AsyncGenerator<JsonlRecord<T>> {
  const parse = options.parse ?? JSON.parse;
  const input = await openDecompressed(path);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      if (text.trim() === "") continue;
      let value: unknown;
      try {
        value = parse(text);
      } catch (cause) {
        const error = new CodermError(
          "parse-error",
          `not valid JSON (${(cause as Error).message})`,
          { file: path, line, cause },
        );
        if (options.onError === undefined) throw error;
        options.onError(error);
        continue;
      }
      if (options.schema !== undefined) {
        const parsed = options.schema.safeParse(value);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          const error = new CodermError("invalid-input", issue.message, {
            file: path,
            line,
            field: issue.path.length === 0 ? undefined : issue.path.join("."),
            cause: parsed.error,
          });
          if (options.onError === undefined) throw error;
          options.onError(error);
          continue;
        }
        value = parsed.data;
      }
      yield { value: value as T, line };
    }
  } catch (cause) {
    if (CodermError.isInstance(cause)) throw cause;
    throw new CodermError("io-error", `cannot read (${(cause as Error).message})`, {
      file: path,
      line: line || undefined,
      cause,
    });
  } finally {
    lines.close();
    input.destroy();
  }
}

/** Options of {@link createJsonlWriter}. */
export interface JsonlWriterOptions {
  /** Append to an existing file instead of replacing it (not with gzip). */
  append?: boolean;
  /** Gzip the output; by default true when the path ends in `.gz`. */
  gzip?: boolean;
}

/** Writes JSON values one a line, respecting back-pressure. */
export interface JsonlWriter {
  readonly path: string;
  /** Writes one value as a line; resolves once the stream accepts more. */
  write(value: unknown): Promise<void>;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

/**
 * Opens a JSONL file for writing (gzipped when the path ends in `.gz`). Values are written with
 * exact big integers and non-finite numbers as Python reads them.
 */
export function createJsonlWriter(path: string, options: JsonlWriterOptions = {}): JsonlWriter {
  const gzip = options.gzip ?? path.endsWith(".gz");
  if (gzip && options.append)
    throw new CodermError("unsupported", "cannot append to a gzipped JSONL file", { file: path });
  const file: WriteStream = createWriteStream(path, { flags: options.append ? "a" : "w" });
  let compressor: Gzip | undefined;
  let sink: Writable = file;
  if (gzip) {
    compressor = createGzip();
    compressor.pipe(file);
    sink = compressor;
  }
  let failure: Error | undefined;
  const remember = (error: Error) => {
    failure ??= error;
  };
  file.on("error", remember);
  compressor?.on("error", remember);
  const check = () => {
    if (failure !== undefined)
      throw new CodermError("io-error", `cannot write (${failure.message})`, {
        file: path,
        cause: failure,
      });
  };
  return {
    path,
    async write(value) {
      check();
      if (!sink.write(`${stringifyJson(value)}\n`)) await once(sink, "drain").catch(remember);
      check();
    },
    async close() {
      check();
      const finished = once(file, "close");
      sink.end();
      await finished.catch(remember);
      check();
    },
  };
}

/** Writes all values to a JSONL file (gzipped when the path ends in `.gz`). */
export async function writeJsonl(
  path: string,
  values: Iterable<unknown> | AsyncIterable<unknown>,
  options?: JsonlWriterOptions,
): Promise<number> {
  const writer = createJsonlWriter(path, options);
  let count = 0;
  try {
    for await (const value of values) {
      await writer.write(value);
      count += 1;
    }
  } finally {
    await writer.close();
  }
  return count;
}

async function openForRead(path: string) {
  try {
    return await open(path, "r");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new CodermError(
      code === "ENOENT" ? "not-found" : "io-error",
      code === "ENOENT" ? "no such file" : `cannot open (${(cause as Error).message})`,
      {
        file: path,
        cause,
      },
    );
  }
}
