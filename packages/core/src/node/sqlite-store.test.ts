import { readdirSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileIdentity, openSqliteStore, setAsideSqliteFile } from "./sqlite-store.js";

const layout = (reports: string[] = []) => ({
  what: "test store",
  schemaVersion: 1,
  tables: ["items"],
  schema: "CREATE TABLE IF NOT EXISTS items (value TEXT);",
  report: (message: string) => reports.push(message),
});

async function storePath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "coderm-store-")), "store.sqlite");
}

describe("openSqliteStore", () => {
  it("lets two connections open a new file at once without dropping each other's rows", async () => {
    const path = await storePath();
    const first = openSqliteStore(path, layout());
    first.prepare("INSERT INTO items VALUES ('a')").run();
    const second = openSqliteStore(path, layout());
    second.prepare("INSERT INTO items VALUES ('b')").run();
    expect(first.prepare("SELECT count(*) AS n FROM items").get()).toEqual({ n: 2 });
    expect(first.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    first.close();
    second.close();
  });

  it("sets a file that is not a database aside, reports both paths, and starts empty", async () => {
    const path = await storePath();
    writeFileSync(path, "this is not a database, only text".repeat(200));
    const reports: string[] = [];
    const database = openSqliteStore(path, layout(reports));
    expect(database.prepare("SELECT count(*) AS n FROM items").get()).toEqual({ n: 0 });
    database.close();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain(`the test store ${path} is corrupt`);
    expect(readdirSync(join(path, "..")).filter((name) => name.includes(".corrupt-"))).toHaveLength(
      1,
    );
  });

  it("refuses with an io-error naming the file when it cannot open it at all", async () => {
    const path = join(await storePath(), "below-a-missing-file", "store.sqlite");
    writeFileSync(join(path, "..", ".."), "");
    expect(() => openSqliteStore(path, layout())).toThrow(
      expect.objectContaining({ code: "io-error", file: path }),
    );
  });
});

describe("setAsideSqliteFile", () => {
  it("moves nothing when another process already set the file it opened aside", async () => {
    const path = await storePath();
    writeFileSync(path, "one");
    const opened = fileIdentity(path)!;
    expect(setAsideSqliteFile(path, opened)).toMatch(/\.corrupt-/);
    writeFileSync(path, "the new store another process made");
    expect(setAsideSqliteFile(path, opened)).toBeUndefined();
    expect(readdirSync(join(path, "..")).filter((name) => name.includes(".corrupt-"))).toHaveLength(
      1,
    );
  });
});
