import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { CodermError } from "../errors.js";
import { parseJson } from "../json.js";
import { createJsonlWriter, readJsonl, writeJsonl } from "./jsonl.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "coderm-jsonl-"));
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe("readJsonl", () => {
  it("streams plain and gzipped files with line numbers, skipping blank lines", async () => {
    const text = '{"a":1}\n\n{"a":2}\r\n{"a":3}';
    await writeFile(join(dir, "plain.jsonl"), text);
    await writeFile(join(dir, "packed.jsonl.gz"), gzipSync(text));
    await writeFile(join(dir, "misnamed.jsonl"), gzipSync(text));
    for (const name of ["plain.jsonl", "packed.jsonl.gz", "misnamed.jsonl"]) {
      const records = await collect(readJsonl(join(dir, name)));
      expect(records).toEqual([
        { value: { a: 1 }, line: 1 },
        { value: { a: 2 }, line: 3 },
        { value: { a: 3 }, line: 4 },
      ]);
    }
  });

  it("names the file and line of a malformed line", async () => {
    const path = join(dir, "bad.jsonl");
    await writeFile(path, '{"a":1}\n{"a":\n');
    const error = await collect(readJsonl(path)).catch((caught: unknown) => caught);
    expect(CodermError.isInstance(error)).toBe(true);
    expect((error as CodermError).code).toBe("parse-error");
    expect((error as CodermError).message).toMatch(new RegExp(`^${path}:2: not valid JSON`));
  });

  it("names the field of a record that fails its schema, or skips it with onError", async () => {
    const path = join(dir, "typed.jsonl");
    await writeFile(path, '{"id":"a","n":1}\n{"id":"b","n":"two"}\n{"id":"c","n":3}\n');
    const schema = z.object({ id: z.string(), n: z.number() });
    await expect(collect(readJsonl(path, { schema }))).rejects.toThrow(`${path}:2, field "n"`);
    const errors: CodermError[] = [];
    const records = await collect(
      readJsonl(path, { schema, onError: (error) => errors.push(error) }),
    );
    expect(records.map((record) => record.value.id)).toEqual(["a", "c"]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.line).toBe(2);
  });

  it("reports a missing file as not-found", async () => {
    const error = await collect(readJsonl(join(dir, "missing.jsonl"))).catch(
      (caught: unknown) => caught,
    );
    expect((error as CodermError).code).toBe("not-found");
    expect((error as CodermError).message).toContain("missing.jsonl");
  });

  it("refuses a directory and a FIFO with no writer, naming them, without blocking", async () => {
    const folder = join(dir, "folder.jsonl");
    await mkdir(folder);
    const fifo = join(dir, "pipe.jsonl");
    execFileSync("mkfifo", [fifo]);
    for (const [path, kind] of [
      [folder, "a directory"],
      [fifo, "a named pipe"],
    ] as const) {
      const error = await collect(readJsonl(path)).catch((caught: unknown) => caught);
      expect((error as CodermError).code).toBe("invalid-input");
      expect((error as CodermError).message).toBe(`${path}: not a regular file (${kind})`);
    }
  });

  it("drops a byte-order mark at the start and names one elsewhere", async () => {
    const path = join(dir, "bom.jsonl");
    await writeFile(path, '\uFEFF{"a":1}\n\uFEFF{"a":2}\n');
    const errors: CodermError[] = [];
    const records = await collect(readJsonl(path, { onError: (error) => errors.push(error) }));
    expect(records).toEqual([{ value: { a: 1 }, line: 1 }]);
    expect(errors.map((error) => error.message)).toEqual([
      `${path}:2: not valid JSON: a byte-order mark (U+FEFF) at column 1`,
    ]);
  });

  it("refuses bytes that are not UTF-8 with the line and column, plain or gzipped", async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"a":"é"}\n{"a":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}\n{"a":"ok"}\n'),
    ]);
    for (const [name, content] of [
      ["latin.jsonl", bytes],
      ["latin.jsonl.gz", gzipSync(bytes)],
    ] as const) {
      const path = join(dir, name);
      await writeFile(path, content);
      await expect(collect(readJsonl(path))).rejects.toThrow(
        `${path}:2: not valid UTF-8 (byte 0xc3 at column 7)`,
      );
      const errors: CodermError[] = [];
      const records = await collect(readJsonl(path, { onError: (error) => errors.push(error) }));
      expect(records.map((record) => record.value)).toEqual([{ a: "é" }, { a: "ok" }]);
      expect(errors.map((error) => error.line)).toEqual([2]);
    }
  });

  it("reads exact numbers on request", async () => {
    const path = join(dir, "big.jsonl");
    await writeFile(path, '{"x": 123456789012345678901, "y": NaN}\n');
    const [record] = await collect(readJsonl<{ x: bigint; y: number }>(path, { parse: parseJson }));
    expect(record!.value.x).toBe(123456789012345678901n);
    expect(record!.value.y).toBeNaN();
  });

  it("streams large files in bounded memory", async () => {
    const path = join(dir, "large.jsonl.gz");
    const lines = 200_000;
    await writeJsonl(
      path,
      (function* () {
        for (let index = 0; index < lines; index++) yield { index, padding: "x".repeat(200) };
      })(),
    );
    const before = process.memoryUsage().heapUsed;
    let count = 0;
    let peak = 0;
    let inOrder = true;
    for await (const record of readJsonl<{ index: number }>(path)) {
      inOrder &&= record.value.index === count;
      count += 1;
      if (count % 20_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    }
    expect(count).toBe(lines);
    expect(inOrder).toBe(true);
    expect(peak).toBeLessThan(40 * 1024 * 1024);
  });
});

describe("createJsonlWriter", () => {
  it("writes, appends and reads back exact values", async () => {
    const path = join(dir, "out.jsonl");
    const writer = createJsonlWriter(path);
    await writer.write({ a: 1n << 70n, b: Number.POSITIVE_INFINITY });
    await writer.close();
    const appender = createJsonlWriter(path, { append: true });
    await appender.write({ a: 2 });
    await appender.close();
    expect(await readFile(path, "utf8")).toBe(
      '{"a":1180591620717411303424,"b":Infinity}\n{"a":2}\n',
    );
  });

  it("refuses to append to gzip and reports unwritable paths", async () => {
    expect(() => createJsonlWriter(join(dir, "x.jsonl.gz"), { append: true })).toThrow(CodermError);
    const writer = createJsonlWriter(join(dir, "no-such-dir", "x.jsonl"));
    await expect(writer.write({}).then(() => writer.close())).rejects.toThrow(/no-such-dir/);
  });
});
