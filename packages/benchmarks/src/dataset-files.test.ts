import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { requireDataDir } from "@coderm/vitest-config/data";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type DownloadProgress, resolveDataset, resolveDatasetFile } from "./dataset-files.js";
import { getDataset } from "./datasets.js";

const dataDir = requireDataDir();
const humanEval = getDataset("humaneval").files[0]!;

async function temporaryDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "coderm-benchmarks-"));
}

async function put(dir: string, path: string, content: Uint8Array | string): Promise<string> {
  const target = join(dir, path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, content);
  return target;
}

describe("resolveDatasetFile in a data directory", () => {
  const gzipped = () => readFileSync(join(dataDir!, humanEval.path));

  it("finds the gzipped file and verifies its decompressed content", async () => {
    const resolved = await resolveDatasetFile("humaneval", humanEval.path, { dataDir });
    expect(resolved).toEqual({
      dataset: "humaneval",
      file: humanEval,
      localPath: join(dataDir!, humanEval.path),
    });
  });

  it("accepts the plain variant, which has the same hash", async () => {
    const dir = await temporaryDir();
    const plain = gunzipSync(gzipped());
    expect(createHash("sha256").update(plain).digest("hex")).toBe(humanEval.sha256);
    const path = await put(dir, "humaneval/HumanEval.jsonl", plain);
    const [resolved] = await resolveDataset("humaneval", { dataDir: dir });
    expect(resolved!.localPath).toBe(path);
  });

  it("takes the directory from CODERM_DATA_DIR", async () => {
    const dir = await temporaryDir();
    await put(dir, humanEval.path, gzipped());
    vi.stubEnv("CODERM_DATA_DIR", dir);
    try {
      const [resolved] = await resolveDataset("humaneval");
      expect(resolved!.localPath).toBe(join(dir, humanEval.path));
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("reports a modified copy as a checksum mismatch with both hashes", async () => {
    const dir = await temporaryDir();
    const content = gunzipSync(gzipped())
      .toString("utf8")
      .replace("has_close_elements", "has_near_elements");
    const path = await put(dir, "humaneval/HumanEval.jsonl", content);
    const actual = createHash("sha256").update(content).digest("hex");
    const error = await resolveDataset("humaneval", { dataDir: dir }).catch((caught) => caught);
    expect(error).toMatchObject({
      code: "checksum-mismatch",
      file: path,
      details: { dataset: "humaneval", path: humanEval.path, expected: humanEval.sha256, actual },
    });
    expect(error.message).toContain(
      `humaneval/HumanEval.jsonl.gz has sha256 ${actual}, expected ${humanEval.sha256}`,
    );
  });
});

describe("resolveDatasetFile", () => {
  it("names the paths it looked at when a file is missing from the data directory", async () => {
    const dir = await temporaryDir();
    const error = await resolveDataset("mbpp", { dataDir: dir }).catch((caught) => caught);
    const paths = [join(dir, "mbpp/sanitized-mbpp.json"), join(dir, "mbpp/sanitized-mbpp.json.gz")];
    expect(error).toMatchObject({ code: "not-found", details: { lookedAt: paths } });
    expect(error.message).toContain(`looked at ${paths[0]} and ${paths[1]}`);
    expect(error.message).toContain("CODERM_DATA_DIR");
  });

  it("names a dataset's files when asked for one it does not have", async () => {
    await expect(resolveDatasetFile("humaneval", "humaneval/missing.jsonl")).rejects.toMatchObject({
      code: "not-found",
      message: expect.stringContaining("its files: humaneval/HumanEval.jsonl.gz"),
    });
  });
});

describe("resolveDatasetFile downloading", () => {
  const served = new Map<string, Buffer>();
  const requests: string[] = [];
  let server: Server;
  let mirror: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      requests.push(request.url!);
      const body = served.get(request.url!);
      response.writeHead(body === undefined ? 404 : 200, { "content-length": body?.length ?? 0 });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data`;
    vi.stubEnv("CODERM_DATA_DIR", "");
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await new Promise((resolve) => server.close(resolve));
  });

  it("downloads into the cache, reports progress, then reads the cache", async () => {
    const body = readFileSync(join(dataDir!, humanEval.path));
    served.set(`/data/${humanEval.path}`, body);
    const cacheDir = await temporaryDir();
    const progress: DownloadProgress[] = [];
    const resolved = await resolveDatasetFile("humaneval", humanEval.path, {
      cacheDir,
      mirror,
      onProgress: (update) => progress.push(update),
    });
    expect(resolved.localPath).toBe(join(cacheDir, humanEval.path));
    expect(progress.at(-1)).toEqual({
      dataset: "humaneval",
      path: humanEval.path,
      url: `${mirror}/${humanEval.path}`,
      receivedBytes: body.length,
      totalBytes: body.length,
    });
    const count = requests.length;
    await resolveDatasetFile("humaneval", humanEval.path, { cacheDir, mirror });
    expect(requests.length).toBe(count);
  });

  it("keeps an uncompressed download under the plain name", async () => {
    const file = getDataset("codet-humaneval-codegen16b").files[0]!;
    served.set(`/data/${file.path}`, gunzipSync(readFileSync(join(dataDir!, file.path))));
    vi.stubEnv("CODERM_CACHE_DIR", await temporaryDir());
    try {
      const resolved = await resolveDatasetFile("codet-humaneval-codegen16b", file.path, {
        mirror,
      });
      expect(resolved.localPath).toBe(
        join(process.env.CODERM_CACHE_DIR!, "datasets", file.path.replace(/\.gz$/, "")),
      );
    } finally {
      vi.stubEnv("CODERM_CACHE_DIR", "");
    }
  });

  it("refuses a download whose content does not match, leaving nothing behind", async () => {
    served.set("/data/mbpp/sanitized-mbpp.json", Buffer.from("[]"));
    const cacheDir = await temporaryDir();
    await expect(resolveDataset("mbpp", { cacheDir, mirror })).rejects.toMatchObject({
      code: "checksum-mismatch",
      message: expect.stringContaining(`downloaded from ${mirror}/mbpp/sanitized-mbpp.json`),
    });
    expect(await readdir(join(cacheDir, "mbpp"))).toEqual([]);
  });

  it("holds an unpinned file (LiveCodeBench's) to the digest of its first download", async () => {
    const path = "livecodebench/test5.jsonl";
    served.set(`/data/${path}`, Buffer.from('{"question_id": "a"}\n'));
    const cacheDir = await temporaryDir();
    const resolved = await resolveDatasetFile("livecodebench", path, { cacheDir, mirror });
    const recorded = readFileSync(`${resolved.localPath}.sha256`, "utf8").trim();
    expect(recorded).toBe(createHash("sha256").update('{"question_id": "a"}\n').digest("hex"));
    await resolveDatasetFile("livecodebench", path, { cacheDir, mirror });
    // the cached copy changed since: refused, naming the recorded digest
    writeFileSync(resolved.localPath, '{"question_id": "b"}\n');
    await expect(
      resolveDatasetFile("livecodebench", path, { cacheDir, mirror }),
    ).rejects.toMatchObject({
      code: "checksum-mismatch",
      message: expect.stringContaining(
        `expected ${recorded} (recorded when it was first downloaded)`,
      ),
    });
  });

  it("names the address and the offline remedy when a download fails", async () => {
    const cacheDir = await temporaryDir();
    const error = await resolveDataset("mbpp+", { cacheDir, mirror }).catch((caught) => caught);
    expect(error).toMatchObject({
      code: "download-failed",
      details: { url: `${mirror}/evalplus/MbppPlus-v0.2.0.jsonl.gz` },
    });
    expect(error.message).toContain("HTTP 404");
    expect(error.message).toContain("set CODERM_DATA_DIR");
  });

  it("uses the fetch it is given, and the upstream address without a mirror", async () => {
    const urls: string[] = [];
    const fetch = async (url: string | URL | Request) => {
      urls.push(String(url));
      return new Response(null, { status: 503, statusText: "Service Unavailable" });
    };
    await expect(
      resolveDataset("humaneval", {
        cacheDir: await temporaryDir(),
        fetch: fetch as typeof globalThis.fetch,
      }),
    ).rejects.toMatchObject({
      code: "download-failed",
      message: expect.stringContaining("HTTP 503"),
    });
    expect(urls).toEqual([humanEval.url]);
  });
});
