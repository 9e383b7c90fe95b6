import { createReadStream } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { CodermError } from "@coderm/core";
import { defaultCacheDir } from "@coderm/core/node";
import { type HarnessArchive, harnessArchive } from "@coderm/executor-python/internal";
import type Docker from "dockerode";
import { cachedDebianRootfs, defaultDebianMirror } from "./debian-rootfs.js";
import { tarArchive, tarContentLength, tarEntry, tarTrailer } from "./tar-archive.js";

/** The image label holding the sha256 (hex) of the harness (harness.pyz) the image carries. */
export const sandboxImageLabel = "org.coderm.harness";

/** Where the harness lives inside the sandbox image. */
export const imageHarnessPath = "/opt/coderm/harness.pyz";

/** The Python interpreter of the sandbox image (3.11, with the full standard library). */
export const imagePythonPath = "/usr/bin/python3";

/** The repository of the default sandbox image name. */
const sandboxImageRepository = "coderm-sandbox";

/**
 * The base of the online build: the official Python 3.11 image on Debian bookworm, pinned by the
 * digest recorded for its `3.11.10-slim-bookworm` tag (the digest wins over the tag). Update both
 * together, after checking the digest with `docker buildx imagetools inspect`.
 */
const onlineBaseImage =
  "python:3.11.10-slim-bookworm@sha256:5148c0e4bbb64271bca1d3322360ebf4bfb7564507ae32dd639322e4952a6b16";

/** Options of {@link buildSandboxImage}. */
export interface SandboxImageBuildOptions {
  /**
   * `offline`: a debootstrapped Debian root filesystem (built once, as root, then cached) plus the
   * harness, imported with `docker import`; needs no registry. `online`: a Dockerfile build on
   * {@link onlineBaseImage}, which the daemon pulls from its registry.
   */
  mode: "offline" | "online";
  /** Image name; default {@link defaultSandboxImage}. */
  tag?: string;
  /** Where the offline build keeps its root filesystem tarball; default `<coderm cache>/sandbox`. */
  cacheDir?: string;
  /** Debian mirror of the offline build; default `CODERM_DEBIAN_MIRROR`, else Debian's own. */
  mirror?: string;
  /** Base image of the online build; default {@link onlineBaseImage}. */
  baseImage?: string;
  /** Receives progress lines (debootstrap output, build steps, import status). */
  onProgress?: (line: string) => void;
}

/** The image {@link buildSandboxImage} made. */
export interface SandboxImage {
  /** Its name, `repository:tag`. */
  tag: string;
  /** The sha256 of the harness it carries (the value of its {@link sandboxImageLabel} label). */
  digest: string;
}

let harness: Promise<HarnessArchive> | undefined;

/** The harness (one file, harness.pyz) that @coderm/executor-python ships, read once. */
function shippedHarness(): Promise<HarnessArchive> {
  harness ??= harnessArchive().catch((error: unknown) => {
    harness = undefined;
    throw new CodermError(
      "not-found",
      `cannot read the harness of @coderm/executor-python (${(error as Error).message}): build @coderm/executor-python first`,
      { cause: error },
    );
  });
  return harness;
}

/** The sha256 (hex) of the harness.pyz that @coderm/executor-python ships: the version an image must carry. */
export async function harnessDigest(): Promise<string> {
  return (await shippedHarness()).digest;
}

/** The default sandbox image name: `coderm-sandbox:<first 12 hex digits of the harness digest>`. */
export async function defaultSandboxImage(): Promise<string> {
  return `${sandboxImageRepository}:${(await harnessDigest()).slice(0, 12)}`;
}

/**
 * Builds the sandbox image on a Docker daemon: Python 3.11 at {@link imagePythonPath}, `/bin/sh`,
 * the shipped harness at {@link imageHarnessPath}, and the label {@link sandboxImageLabel} set to
 * the harness digest. Offline, the first build runs debootstrap (about a minute) and caches the
 * root filesystem; later builds (a new harness version, another daemon) only import it.
 */
export async function buildSandboxImage(
  docker: Docker,
  options: SandboxImageBuildOptions,
): Promise<SandboxImage> {
  const { data, digest } = await shippedHarness();
  const tag = options.tag ?? (await defaultSandboxImage());
  const { repository, version } = splitImageName(tag);
  const progress = options.onProgress ?? (() => undefined);
  // Ask the daemon first, so an unreachable one fails fast, not after a minute of debootstrap.
  await docker.ping().catch((error: unknown) => {
    throw new CodermError(
      "unavailable",
      `cannot reach the Docker daemon at ${daemonAddress(docker)}: ${(error as Error).message}. Start dockerd there, or build on a running daemon (DOCKER_HOST)`,
      { cause: error },
    );
  });
  if (options.mode === "offline") {
    const rootfs = await cachedDebianRootfs({
      cacheDir: options.cacheDir ?? join(defaultCacheDir(), "sandbox"),
      mirror: options.mirror ?? (process.env.CODERM_DEBIAN_MIRROR || defaultDebianMirror),
      onProgress: progress,
    });
    const length = await tarContentLength(rootfs);
    if (length === 0) {
      throw new CodermError(
        "parse-error",
        "the cached root filesystem holds no files: delete it and build again",
        {
          file: rootfs,
        },
      );
    }
    progress(`importing ${tag}`);
    const archive = Readable.from(
      (async function* () {
        yield* createReadStream(rootfs, { end: length - 1 });
        yield tarEntry({ name: "./opt/coderm/" });
        yield tarEntry({ name: `.${imageHarnessPath}`, data });
        yield tarTrailer();
      })(),
    );
    const response = await docker.importImage(archive, {
      repo: repository,
      tag: version,
      changes: [
        `LABEL ${sandboxImageLabel}=${digest}`,
        "ENV LANG=C.UTF-8",
        "WORKDIR /tmp",
        `CMD ["${imagePythonPath}"]`,
      ],
    });
    await followDockerStream(response, progress, `docker import of ${tag}`);
  } else {
    const dockerfile = [
      `FROM ${options.baseImage ?? onlineBaseImage}`,
      // The official image keeps Python in /usr/local; the executor starts /usr/bin/python3. The
      // root filesystem is read-only at run time, so compile the standard library now.
      `RUN [ -e ${imagePythonPath} ] || ln -s /usr/local/bin/python3 ${imagePythonPath}; \\`,
      `    ${imagePythonPath} -c "import compileall, sysconfig; compileall.compile_dir(sysconfig.get_path('stdlib'), quiet=1, workers=0)" >/dev/null || true`,
      `COPY harness.py ${imageHarnessPath}`,
      `LABEL ${sandboxImageLabel}="${digest}"`,
      "ENV LANG=C.UTF-8",
      "WORKDIR /tmp",
      `CMD ["${imagePythonPath}"]`,
      "",
    ].join("\n");
    const context = tarArchive([
      { name: "Dockerfile", data: Buffer.from(dockerfile) },
      { name: "harness.py", data },
    ]);
    progress(`building ${tag} on ${options.baseImage ?? onlineBaseImage}`);
    const response = await docker.buildImage(Readable.from([context]), {
      t: tag,
      rm: true,
      forcerm: true,
    });
    await followDockerStream(response, progress, `docker build of ${tag}`);
  }
  return { tag, digest };
}

/**
 * Checks that a daemon has the sandbox image and that it carries the harness this coderm ships.
 * Throws a {@link CodermError} naming the endpoint, the image and the fix ({@link buildSandboxImage}
 * on that daemon, `details.fix`):
 * `not-found` when the image is missing, `checksum-mismatch` when its {@link sandboxImageLabel}
 * label is absent or holds another digest, `unavailable` when the daemon cannot be asked.
 */
export async function checkSandboxImage(
  docker: Docker,
  tag: string,
  endpointLabel: string,
): Promise<void> {
  const expected = await harnessDigest();
  const fix = `buildSandboxImage on that daemon${tag === (await defaultSandboxImage()) ? "" : ` with tag ${tag}`}`;
  const details = { endpoint: endpointLabel, image: tag, expected, fix: "buildSandboxImage" };
  let labels: Record<string, string> | undefined;
  try {
    labels = (await docker.getImage(tag).inspect()).Config?.Labels ?? undefined;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) {
      throw new CodermError(
        "not-found",
        `the Docker daemon at ${endpointLabel} has no sandbox image ${tag}: build it with ${fix}`,
        { details, cause: error },
      );
    }
    throw new CodermError(
      "unavailable",
      `cannot inspect the sandbox image ${tag} on the Docker daemon at ${endpointLabel}: ${(error as Error).message}`,
      { details, cause: error },
    );
  }
  const actual = labels?.[sandboxImageLabel];
  if (actual === expected) return;
  throw new CodermError(
    "checksum-mismatch",
    actual === undefined
      ? `the sandbox image ${tag} on the Docker daemon at ${endpointLabel} has no ${sandboxImageLabel} label (it was not built by buildSandboxImage), expected harness ${expected}: rebuild it with ${fix}`
      : `the sandbox image ${tag} on the Docker daemon at ${endpointLabel} carries harness ${actual}, but this coderm runs harness ${expected}: rebuild it with ${fix}`,
    { details: { ...details, actual: actual ?? null } },
  );
}

/** How errors name the daemon a client talks to: `unix:///path` or `protocol://host:port`. */
function daemonAddress(docker: Docker): string {
  const modem = docker.modem as {
    socketPath?: unknown;
    protocol?: string;
    host?: string;
    port?: number;
  };
  if (typeof modem.socketPath === "string") return `unix://${modem.socketPath}`;
  return `${modem.protocol ?? "http"}://${modem.host ?? "localhost"}${modem.port === undefined ? "" : `:${modem.port}`}`;
}

/** `repository[:tag]` split at the tag's colon (a registry port's colon comes before a slash). */
function splitImageName(name: string): { repository: string; version: string } {
  if (name.includes("@")) {
    throw new CodermError("invalid-input", `an image to build needs a tag, not a digest: ${name}`, {
      field: "tag",
    });
  }
  const colon = name.lastIndexOf(":");
  if (colon > name.lastIndexOf("/"))
    return { repository: name.slice(0, colon), version: name.slice(colon + 1) };
  return { repository: name, version: "latest" };
}

/**
 * Reads a daemon's JSON-lines answer to a build or import to its end, passing step and status
 * lines on (not the byte counters of downloads); an error event becomes a {@link CodermError}.
 */
async function followDockerStream(
  stream: NodeJS.ReadableStream,
  onProgress: (line: string) => void,
  action: string,
): Promise<void> {
  let pending = "";
  const handle = (line: string) => {
    if (line.trim() === "") return;
    const event = JSON.parse(line) as {
      stream?: string;
      status?: string;
      id?: string;
      progress?: string;
      error?: string;
      errorDetail?: { message?: string };
    };
    if (event.error !== undefined || event.errorDetail !== undefined) {
      throw new CodermError(
        "io-error",
        `${action} failed: ${event.errorDetail?.message ?? event.error}`,
      );
    }
    if (event.stream !== undefined) {
      for (const text of event.stream.split("\n"))
        if (text.trim() !== "") onProgress(text.trimEnd());
    } else if (event.status !== undefined && event.progress === undefined) {
      onProgress(event.id === undefined ? event.status : `${event.id}: ${event.status}`);
    }
  };
  for await (const chunk of stream) {
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) handle(line);
  }
  handle(pending);
}
