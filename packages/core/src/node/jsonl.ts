import { isUtf8 } from "node:buffer";
import { once } from "node:events";
import {
  constants,
  createReadStream,
  createWriteStream,
  type Stats,
  type WriteStream,
} from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
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
    return await startsWithGzipMagic(handle);
  } finally {
    await handle.close();
  }
}

/**
 * A readable stream of the file's bytes, decompressed when it is gzipped (detected by content).
 * Anything but a regular file (a directory, a FIFO, a device) is refused with an error naming it,
 * before a byte is read, so a pipe with no writer cannot block the caller.
 */
export async function openDecompressed(path: string): Promise<Readable> {
  const handle = await openForRead(path);
  let gzipped: boolean;
  try {
    gzipped = await startsWithGzipMagic(handle);
  } catch (cause) {
    await handle.close();
    throw new CodermError("io-error", `cannot read (${(cause as Error).message})`, {
      file: path,
      cause,
    });
  }
  const raw = createReadStream(path, { fd: handle, start: 0 });
  if (!gzipped) return raw;
  const gunzip = createGunzip();
  raw.on("error", (error) => gunzip.destroy(error));
  gunzip.on("close", () => raw.destroy());
  return raw.pipe(gunzip);
}

/**
 * Streams the records of a JSONL file (plain or gzipped), one line at a time, so files of any size
 * read in constant memory. Blank lines are skipped; a UTF-8 byte-order mark at the start of the
 * file is dropped. Bytes that are not UTF-8 make the line bad (never replaced silently). Errors
 * name the file and line.
 */
export async function* readJsonl<T = unknown>(
  path: string,
  options: ReadJsonlOptions<T> = {},
): AsyncGenerator<JsonlRecord<T>> {
  const parse = options.parse ?? JSON.parse;
  const input = await openDecompressed(path);
  let line = 0;
  const bad = (error: CodermError) => {
    if (options.onError === undefined) throw error;
    options.onError(error);
  };
  try {
    for await (const bytes of splitLines(input)) {
      line += 1;
      const text = decodeLine(bytes, line === 1);
      if (typeof text !== "string") {
        bad(
          new CodermError(
            "parse-error",
            `not valid UTF-8 (byte 0x${text.byte.toString(16).padStart(2, "0")} at column ${text.column})`,
            { file: path, line },
          ),
        );
        continue;
      }
      if (text.trim() === "") continue;
      let value: unknown;
      try {
        value = parse(text);
      } catch (cause) {
        const mark = text.indexOf(byteOrderMark);
        bad(
          new CodermError(
            "parse-error",
            mark === -1
              ? `not valid JSON (${(cause as Error).message})`
              : `not valid JSON: a byte-order mark (U+FEFF) at column ${mark + 1}`,
            { file: path, line, cause },
          ),
        );
        continue;
      }
      if (options.schema !== undefined) {
        const parsed = options.schema.safeParse(value);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          bad(
            new CodermError("invalid-input", issue.message, {
              file: path,
              line,
              field: issue.path.length === 0 ? undefined : issue.path.join("."),
              cause: parsed.error,
            }),
          );
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
    input.destroy();
  }
}

const byteOrderMark = "\uFEFF";
const newline = 0x0a;
const carriageReturn = 0x0d;

/** The lines of a byte stream, split at `\n` (a `\r` before it dropped), as raw bytes. */
async function* splitLines(input: Readable): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  const line = (last: Buffer) => {
    const whole = pending.length === 0 ? last : Buffer.concat([...pending, last]);
    pending = [];
    return whole.at(-1) === carriageReturn ? whole.subarray(0, -1) : whole;
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(newline); end !== -1; end = chunk.indexOf(newline, start)) {
      yield line(chunk.subarray(start, end));
      start = end + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) yield line(Buffer.alloc(0));
}

/**
 * A line's text, or where its first byte that is not UTF-8 sits (1-based column in bytes). A
 * newline byte never occurs inside a UTF-8 sequence, so lines decode on their own.
 */
function decodeLine(bytes: Buffer, first: boolean): string | { byte: number; column: number } {
  if (!isUtf8(bytes)) {
    const offset = firstInvalidUtf8Byte(bytes);
    return { byte: bytes[offset]!, column: offset + 1 };
  }
  const text = bytes.toString("utf8");
  return first && text.startsWith(byteOrderMark) ? text.slice(1) : text;
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
function firstInvalidUtf8Byte(bytes: Buffer): number {
  let offset = 0;
  while (offset < bytes.length) {
    const lead = bytes[offset]!;
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead < 0xe0
          ? 2
          : lead >= 0xe0 && lead < 0xf0
            ? 3
            : lead >= 0xf0 && lead < 0xf5
              ? 4
              : 0;
    if (length === 0 || offset + length > bytes.length) return offset;
    if (!isUtf8(bytes.subarray(offset, offset + length))) return offset;
    offset += length;
  }
  return offset;
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

/**
 * Opens a file for reading, refusing anything but a regular file. The open does not block (a FIFO
 * with no writer would), and the type is checked on the opened descriptor.
 */
async function openForRead(path: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
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
  let stats: Stats;
  try {
    stats = await handle.stat();
  } catch (cause) {
    await handle.close();
    throw new CodermError("io-error", `cannot read (${(cause as Error).message})`, {
      file: path,
      cause,
    });
  }
  if (!stats.isFile()) {
    await handle.close();
    throw new CodermError("invalid-input", `not a regular file (${describeFileKind(stats)})`, {
      file: path,
    });
  }
  return handle;
}

/** What a file that is not a regular file is, in words (`a directory`, `a named pipe`, ...). */
export function describeFileKind(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a named pipe";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  return "not a file";
}

async function startsWithGzipMagic(handle: FileHandle): Promise<boolean> {
  const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
  return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
}
