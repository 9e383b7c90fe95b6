import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CodermError } from "@coderm/core";
import { defaultCacheDir, isGzipFile, openDecompressed } from "@coderm/core/node";
import { type Dataset, type DatasetFile, getDataset } from "./datasets.js";

/** Where dataset files come from. */
export interface DatasetOptions {
  /**
   * A directory laid out like the data README (`humaneval/HumanEval.jsonl.gz`, ...), where each
   * file may be plain or gzipped. Default: `CODERM_DATA_DIR`. When set, nothing is downloaded.
   */
  dataDir?: string;
  /**
   * Where downloaded files are kept. Default: `$CODERM_CACHE_DIR/datasets`, else
   * `$XDG_CACHE_HOME/coderm/datasets`, else `~/.cache/coderm/datasets`.
   */
  cacheDir?: string;
  /** Base URL of a mirror laid out like a data directory, used instead of the upstream addresses. */
  mirror?: string;
  /** The `fetch` used for downloads (default: the global one). */
  fetch?: typeof globalThis.fetch;
  /** Download files missing from the cache (true by default); false reports them as not found. */
  download?: boolean;
  /** Called as a download advances. */
  onProgress?: (progress: DownloadProgress) => void;
}

/** How far the download of one file has come. */
export interface DownloadProgress {
  dataset: string;
  /** The file's path inside a data directory. */
  path: string;
  url: string;
  receivedBytes: number;
  /** The size the server announced, if it did. */
  totalBytes: number | undefined;
}

/** A dataset file found locally, its content verified against the registry's sha256. */
export interface ResolvedDatasetFile {
  dataset: string;
  file: DatasetFile;
  /** Absolute path of the local copy (plain or gzipped). */
  localPath: string;
}

/** Finds, or downloads, and verifies every file of a dataset. */
export async function resolveDataset(
  name: string,
  options: DatasetOptions = {},
): Promise<ResolvedDatasetFile[]> {
  const dataset = getDataset(name);
  return Promise.all(dataset.files.map((file) => resolveFile(dataset, file, options)));
}

/** Finds, or downloads, and verifies one file of a dataset, named by its data-directory path. */
export async function resolveDatasetFile(
  name: string,
  path: string,
  options: DatasetOptions = {},
): Promise<ResolvedDatasetFile> {
  const dataset = getDataset(name);
  const file = dataset.files.find((candidate) => candidate.path === path);
  if (file === undefined) {
    const known = dataset.files.map((candidate) => candidate.path).join(", ");
    throw new CodermError(
      "not-found",
      `dataset "${name}" has no file ${path} (its files: ${known})`,
    );
  }
  return resolveFile(dataset, file, options);
}

async function resolveFile(
  dataset: Dataset,
  file: DatasetFile,
  options: DatasetOptions,
): Promise<ResolvedDatasetFile> {
  const dataDir = options.dataDir ?? environment("CODERM_DATA_DIR");
  if (dataDir !== undefined) {
    const paths = variants(file.path).map((variant) => resolve(dataDir, variant));
    const localPath = await firstExisting(paths);
    if (localPath === undefined) {
      throw new CodermError(
        "not-found",
        `dataset "${dataset.name}": ${file.path} is not in the data directory ${dataDir} ` +
          `(looked at ${paths.join(" and ")}); copy it there from ${file.url}, point ` +
          "CODERM_DATA_DIR at a directory that has it, or unset CODERM_DATA_DIR to download it",
        { details: { dataset: dataset.name, path: file.path, lookedAt: paths } },
      );
    }
    await verify(dataset, file, localPath);
    return { dataset: dataset.name, file, localPath };
  }
  const cacheDir = resolve(options.cacheDir ?? join(defaultCacheDir(), "datasets"));
  const cached = await firstExisting(variants(file.path).map((variant) => join(cacheDir, variant)));
  if (cached === undefined) {
    if (options.download === false) {
      throw new CodermError(
        "not-found",
        `dataset "${dataset.name}": ${file.path} is not in the cache ${cacheDir}; ` +
          `run \`coderm datasets fetch ${dataset.name}\` or set CODERM_DATA_DIR`,
        { details: { dataset: dataset.name, path: file.path } },
      );
    }
    return {
      dataset: dataset.name,
      file,
      localPath: await download(dataset, file, cacheDir, options),
    };
  }
  await verify(dataset, file, cached, "delete it to download it again");
  return { dataset: dataset.name, file, localPath: cached };
}

/** Downloads into a temporary file, verifies it, then moves it into the cache. */
async function download(
  dataset: Dataset,
  file: DatasetFile,
  cacheDir: string,
  options: DatasetOptions,
): Promise<string> {
  const mirror = options.mirror?.replace(/\/?$/, "/");
  const url = mirror === undefined ? file.url : new URL(file.path, mirror).href;
  const target = join(cacheDir, file.path);
  const temporary = `${target}.${randomUUID()}.part`;
  await mkdir(dirname(target), { recursive: true });
  try {
    try {
      await fetchToFile(url, temporary, options.fetch ?? fetch, (receivedBytes, totalBytes) =>
        options.onProgress?.({
          dataset: dataset.name,
          path: file.path,
          url,
          receivedBytes,
          totalBytes,
        }),
      );
    } catch (cause) {
      throw new CodermError(
        "download-failed",
        `dataset "${dataset.name}": cannot download ${url} (${(cause as Error).message}); ` +
          "on a machine without internet, set CODERM_DATA_DIR to a directory holding the files",
        { cause, details: { dataset: dataset.name, path: file.path, url } },
      );
    }
    const digest = await verify(dataset, file, temporary, `downloaded from ${url}`);
    const gzipped = await isGzipFile(temporary);
    const localPath = join(
      cacheDir,
      variants(file.path).find((path) => path.endsWith(".gz") === gzipped)!,
    );
    // an unpinned file: its first download's digest is kept, and later reads are held to it
    if (file.sha256 === undefined) await writeFile(recordedDigestPath(localPath), `${digest}\n`);
    await rename(temporary, localPath);
    return localPath;
  } finally {
    await rm(temporary, { force: true });
  }
}

async function fetchToFile(
  url: string,
  path: string,
  fetchFunction: typeof globalThis.fetch,
  onProgress: (receivedBytes: number, totalBytes: number | undefined) => void,
): Promise<void> {
  const response = await fetchFunction(url);
  if (!response.ok || response.body === null) {
    throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
  }
  const announced = Number(response.headers.get("content-length"));
  const totalBytes = announced > 0 ? announced : undefined;
  let receivedBytes = 0;
  await pipeline(
    Readable.fromWeb(response.body),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        receivedBytes += chunk.length;
        onProgress(receivedBytes, totalBytes);
        yield chunk;
      }
    },
    createWriteStream(path),
  );
}

const digests = new Map<string, Promise<string>>();

/**
 * Checks the sha256 of the file's decompressed content against the registry's, or for an
 * unpinned file against the digest recorded at its first download (none for a file of a data
 * directory), and returns it. A file already hashed in this process (same inode, size and
 * modification time, so also after a rename) is not read again.
 */
async function verify(
  dataset: Dataset,
  file: DatasetFile,
  localPath: string,
  hint?: string,
): Promise<string> {
  const { dev, ino, size, mtimeMs } = await stat(localPath);
  const key = `${dev}:${ino}:${size}:${mtimeMs}`;
  let digest = digests.get(key);
  if (digest === undefined) {
    digest = hashContent(localPath);
    digests.set(key, digest);
    digest.catch(() => digests.delete(key));
  }
  const actual = await digest;
  const expected = file.sha256 ?? (await recordedDigest(localPath));
  if (expected !== undefined && actual !== expected) {
    throw new CodermError(
      "checksum-mismatch",
      `dataset "${dataset.name}": ${file.path} has sha256 ${actual}, expected ${expected}` +
        (file.sha256 === undefined ? " (recorded when it was first downloaded)" : "") +
        (hint === undefined ? "" : ` (${hint})`),
      {
        file: localPath,
        details: { dataset: dataset.name, path: file.path, expected, actual },
      },
    );
  }
  return actual;
}

/** Where the digest of an unpinned file's first download is kept: beside the file. */
function recordedDigestPath(localPath: string): string {
  return `${localPath}.sha256`;
}

async function recordedDigest(localPath: string): Promise<string | undefined> {
  try {
    const text = (await readFile(recordedDigestPath(localPath), "utf8")).trim();
    return /^[0-9a-f]{64}$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

async function hashContent(path: string): Promise<string> {
  const hash = createHash("sha256");
  try {
    for await (const chunk of await openDecompressed(path)) hash.update(chunk as Buffer);
  } catch (cause) {
    if (CodermError.isInstance(cause)) throw cause;
    throw new CodermError("io-error", `cannot read (${(cause as Error).message})`, {
      file: path,
      cause,
    });
  }
  return hash.digest("hex");
}

/** The plain and the gzipped name of a file, the registry's own first. */
function variants(path: string): [string, string] {
  return path.endsWith(".gz") ? [path, path.slice(0, -3)] : [path, `${path}.gz`];
}

async function firstExisting(paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) {
    const found = await stat(path).then(
      (stats) => stats.isFile(),
      () => false,
    );
    if (found) return path;
  }
  return undefined;
}

function environment(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : value;
}
