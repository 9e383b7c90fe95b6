import { Readable } from "node:stream";
import { CodermError } from "@coderm/core";
import Docker from "dockerode";
import { describe, expect, it } from "vitest";
import {
  buildSandboxImage,
  checkSandboxImage,
  defaultSandboxImage,
  harnessDigest,
  imageHarnessPath,
  imagePythonPath,
  sandboxImageLabel,
} from "./image.js";
import { tarArchive } from "./tar-archive.js";
import { testEngine } from "./testing/engine.js";

const engine = testEngine();
const docker = new Docker({ socketPath: engine.socketPath });
const endpoint = `unix://${engine.socketPath}`;

/** Runs a command in a locked-down container from `image` and returns its exit code and output. */
async function runLockedDown(image: string, command: string[]) {
  const container = await docker.createContainer({
    Image: image,
    Cmd: command,
    User: "65534:65534",
    HostConfig: {
      NetworkMode: "none",
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Tmpfs: { "/tmp": "rw,nosuid,nodev,size=64m" },
    },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = await container.logs({ stdout: true, stderr: true, follow: false });
    return { code: StatusCode, ...demultiplex(logs) };
  } finally {
    await container.remove({ force: true });
  }
}

/** Splits Docker's multiplexed log stream (8-byte frame headers) into stdout and stderr bytes. */
function demultiplex(logs: Buffer): { stdout: Buffer; stderr: Buffer } {
  const parts: { 1: Buffer[]; 2: Buffer[] } = { 1: [], 2: [] };
  for (let offset = 0; offset + 8 <= logs.length; ) {
    const size = logs.readUInt32BE(offset + 4);
    const kind = logs[offset] === 2 ? 2 : 1;
    parts[kind].push(logs.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(parts[1]), stderr: Buffer.concat(parts[2]) };
}

/** Imports a one-file image, optionally labelled, to stand for a foreign or outdated image. */
async function importTinyImage(name: string, label?: string): Promise<void> {
  const [repo, tag] = name.split(":");
  const response = await docker.importImage(
    Readable.from([tarArchive([{ name: "hello", data: Buffer.from("x") }])]),
    {
      repo,
      tag,
      changes: label === undefined ? [] : [`LABEL ${sandboxImageLabel}=${label}`],
    },
  );
  for await (const _ of response) {
    // read the import's answer to its end
  }
}

async function rejection(promise: Promise<unknown>): Promise<CodermError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!CodermError.isInstance(error))
    throw new Error(`expected a CodermError, got ${String(error)}`);
  return error;
}

describe("sandbox image", () => {
  it("is named after the harness digest and carries it in its label", async () => {
    const digest = await harnessDigest();
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(engine.image).toBe(await defaultSandboxImage());
    expect(engine.image).toBe(`coderm-sandbox:${digest.slice(0, 12)}`);
    const info = await docker.getImage(engine.image).inspect();
    expect(info.Config.Labels?.[sandboxImageLabel]).toBe(digest);
    await expect(checkSandboxImage(docker, engine.image, endpoint)).resolves.toBeUndefined();
  });

  it("runs the standard library in a locked-down container", async () => {
    const result = await runLockedDown(engine.image, [
      imagePythonPath,
      "-S",
      "-c",
      "import json, unittest, decimal; print(1)",
    ]);
    expect(result.stderr.toString()).toBe("");
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout.toString()).toBe("1\n");
  });

  it("starts the shipped harness, which reports ready with seccomp confinement", async () => {
    const result = await runLockedDown(engine.image, [
      "/bin/sh",
      "-c",
      `exec ${imagePythonPath} -S -u ${imageHarnessPath} 3</dev/null 4>&1 >/dev/null`,
    ]);
    const length = result.stdout.readUInt32BE(0);
    const ready = JSON.parse(result.stdout.subarray(4, 4 + length).toString()) as {
      event: string;
      python: string;
      confinement: string[];
    };
    expect(ready).toMatchObject({ event: "ready", python: expect.stringMatching(/^3\.11\./) });
    expect(ready.confinement).toContain("seccomp");
  });

  it("names the endpoint, the image and the fix when the image is missing", async () => {
    const error = await rejection(checkSandboxImage(docker, "coderm-sandbox:missing", endpoint));
    expect(error.code).toBe("not-found");
    expect(error.message).toContain(
      `the Docker daemon at ${endpoint} has no sandbox image coderm-sandbox:missing`,
    );
    expect(error.message).toContain(
      "build it with buildSandboxImage on that daemon with tag coderm-sandbox:missing",
    );
    expect(error.details).toMatchObject({ fix: "buildSandboxImage" });
  });

  it("names both digests when the image carries another harness", async () => {
    await importTinyImage("coderm-test-outdated:1", "0".repeat(64));
    const error = await rejection(checkSandboxImage(docker, "coderm-test-outdated:1", endpoint));
    expect(error.code).toBe("checksum-mismatch");
    expect(error.message).toContain(
      `carries harness ${"0".repeat(64)}, but this coderm runs harness ${await harnessDigest()}`,
    );
    expect(error.message).toContain("rebuild it with buildSandboxImage");
    expect(error.details).toMatchObject({
      endpoint,
      image: "coderm-test-outdated:1",
      actual: "0".repeat(64),
    });
  });

  it("says so when the image has no harness label at all", async () => {
    await importTinyImage("coderm-test-foreign:1");
    const error = await rejection(checkSandboxImage(docker, "coderm-test-foreign:1", endpoint));
    expect(error.code).toBe("checksum-mismatch");
    expect(error.message).toContain(`has no ${sandboxImageLabel} label`);
  });

  it("builds online from a Dockerfile on a base image the daemon has", async () => {
    const lines: string[] = [];
    const built = await buildSandboxImage(docker, {
      mode: "online",
      tag: "coderm-test-online:1",
      baseImage: engine.image,
      onProgress: (line) => lines.push(line),
    });
    expect(built).toEqual({ tag: "coderm-test-online:1", digest: await harnessDigest() });
    expect(lines.join("\n")).toContain(`COPY harness.py ${imageHarnessPath}`);
    await expect(
      checkSandboxImage(docker, "coderm-test-online:1", endpoint),
    ).resolves.toBeUndefined();
    const result = await runLockedDown("coderm-test-online:1", [
      imagePythonPath,
      "-S",
      "-c",
      `import hashlib; print(hashlib.sha256(open("${imageHarnessPath}", "rb").read()).hexdigest())`,
    ]);
    expect(result.stdout.toString().trim()).toBe(await harnessDigest());
  });
});
