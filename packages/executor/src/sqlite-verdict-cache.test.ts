import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { createSqliteVerdictCache } from "./sqlite-verdict-cache.js";

const context = "a".repeat(64);
const candidate = "b".repeat(64);

async function cacheFile(): Promise<{ directory: string; path: string }> {
  const directory = await mkdtemp(join(tmpdir(), "coderm-verdicts-"));
  return { directory, path: join(directory, "verdicts.sqlite") };
}

/** A cache file holding `count` candidates with one verdict each, then closed. */
function filled(path: string, count: number, reports: string[] = []): void {
  const cache = createSqliteVerdictCache({ path, report: (message) => reports.push(message) });
  for (let index = 0; index < count; index++) {
    const status = index % 2 === 0 ? "pass" : "fail";
    cache.put(context, index.toString(16).padStart(64, "0"), "t", { status, wallMs: 1, cpuMs: 1 });
  }
  cache.close();
}

describe("createSqliteVerdictCache", () => {
  it("keeps verdicts across opens", async () => {
    const { path } = await cacheFile();
    const cache = createSqliteVerdictCache({ path });
    cache.put(context, candidate, "t1", { status: "timeout", wallMs: 100, cpuMs: 99 });
    cache.close();
    const again = createSqliteVerdictCache({ path });
    expect(again.lookup(context, candidate).get("t1")).toEqual({
      status: "timeout",
      wallMs: 100,
      cpuMs: 99,
    });
    again.close();
  });

  it("finds a row whose status byte was flipped on disk, reports it once with the path, and drops it", async () => {
    const { path } = await cacheFile();
    const cache = createSqliteVerdictCache({ path });
    cache.put(context, candidate, "t1", { status: "fail", wallMs: 1, cpuMs: 1 });
    cache.put(context, "c".repeat(64), "t1", { status: "fail", wallMs: 1, cpuMs: 1 });
    cache.close();
    // status 1 (fail) becomes 0 (pass) in both rows, as a bit flip on disk would do
    const database = new DatabaseSync(path);
    const changed = database
      .prepare("UPDATE verdict_chunks SET verdicts = replace(verdicts, ',1,', ',0,')")
      .run();
    expect(changed.changes).toBe(2);
    database.close();

    const reports: string[] = [];
    const reopened = createSqliteVerdictCache({ path, report: (message) => reports.push(message) });
    expect(reopened.lookup(context, candidate).size).toBe(0);
    expect(reopened.lookup(context, "c".repeat(64)).size).toBe(0);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain(path);
    expect(reports[0]).toMatch(/fail their check/);
    // the bad rows are gone; a fresh verdict is stored and read back
    reopened.put(context, candidate, "t1", { status: "fail", wallMs: 1, cpuMs: 1 });
    reopened.close();
    const rows = new DatabaseSync(path);
    expect(rows.prepare("SELECT count(*) AS n FROM verdict_chunks").get()).toEqual({ n: 1 });
    rows.close();
    const last = createSqliteVerdictCache({ path });
    expect(last.lookup(context, candidate).get("t1")?.status).toBe("fail");
    last.close();
  });

  it("sets aside a file that is not a database, names it, and starts an empty one", async () => {
    const { directory, path } = await cacheFile();
    writeFileSync(path, Buffer.alloc(8192, 7));
    const reports: string[] = [];
    const cache = createSqliteVerdictCache({ path, report: (message) => reports.push(message) });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain(path);
    expect(reports[0]).toMatch(/set it aside as .*\.corrupt-/);
    const aside = readdirSync(directory).filter((name) => name.includes(".corrupt-"));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(directory, aside[0]!))).toEqual(Buffer.alloc(8192, 7));
    cache.put(context, candidate, "t", { status: "pass", wallMs: 1, cpuMs: 1 });
    cache.flush();
    expect(cache.lookup(context, candidate).get("t")?.status).toBe("pass");
    cache.close();
  });

  it("sets aside a file with random bytes in the middle, found while reading, and goes on", async () => {
    const { directory, path } = await cacheFile();
    filled(path, 4000);
    const bytes = readFileSync(path);
    const middle = Math.floor(bytes.length / 2 / 4096) * 4096;
    for (let offset = middle; offset < middle + 3 * 4096; offset++)
      bytes[offset] = (offset * 7919) & 0xff;
    writeFileSync(path, bytes);

    const reports: string[] = [];
    const cache = createSqliteVerdictCache({ path, report: (message) => reports.push(message) });
    // reading every candidate walks the damaged pages: no exception escapes, and once the file
    // is set aside every lookup answers from the new, empty store
    let found = 0;
    for (let index = 0; index < 4000; index++)
      found += cache.lookup(context, index.toString(16).padStart(64, "0")).size;
    expect(found).toBeLessThan(4000);
    expect(reports.length).toBeGreaterThanOrEqual(1);
    expect(reports.join("\n")).toContain(path);
    expect(readdirSync(directory).some((name) => name.includes(".corrupt-"))).toBe(true);
    cache.put(context, candidate, "t", { status: "pass", wallMs: 1, cpuMs: 1 });
    cache.close();
    const fresh = createSqliteVerdictCache({ path });
    expect(fresh.lookup(context, candidate).get("t")?.status).toBe("pass");
    fresh.close();
  });

  it("rebuilds a store of an older layout version empty", async () => {
    const { path } = await cacheFile();
    const old = new DatabaseSync(path);
    old.exec(
      "CREATE TABLE verdict_chunks (context BLOB, candidate BLOB, verdicts TEXT, exact INTEGER); PRAGMA user_version = 2;",
    );
    old
      .prepare("INSERT INTO verdict_chunks VALUES (?, ?, ?, 0)")
      .run(
        Buffer.from(context.slice(0, 32), "hex"),
        Buffer.from(candidate.slice(0, 32), "hex"),
        '[["t",0,1,1]]',
      );
    old.close();
    const cache = createSqliteVerdictCache({ path });
    expect(cache.lookup(context, candidate).size).toBe(0);
    cache.close();
    const check = new DatabaseSync(path);
    expect(check.prepare("PRAGMA user_version").get()).toEqual({ user_version: 3 });
    check.close();
  });

  it("shares one file between connections that write while another holds a read snapshot", async () => {
    const { path } = await cacheFile();
    const first = createSqliteVerdictCache({ path, memoryVerdicts: 0 });
    const second = createSqliteVerdictCache({ path, memoryVerdicts: 0 });
    const reader = new DatabaseSync(path);
    reader.exec("BEGIN");
    reader.prepare("SELECT count(*) FROM verdict_chunks").get();
    for (let round = 0; round < 20; round++) {
      first.put(context, candidate, `first-${round}`, { status: "pass", wallMs: 1, cpuMs: 1 });
      first.flush();
      second.put(context, candidate, `second-${round}`, { status: "fail", wallMs: 1, cpuMs: 1 });
      second.flush();
    }
    reader.exec("COMMIT");
    reader.close();
    expect(first.lookup(context, candidate).size).toBe(40);
    expect(second.lookup(context, candidate).get("first-19")?.status).toBe("pass");
    first.close();
    second.close();
  });
});
