import { PassThrough } from "node:stream";
import { CodermError, stringifyJson } from "@coderm/core";
import {
  encodeFrame,
  FrameDecoder,
  type HarnessFrame,
  type HarnessWorker,
  type WorkerExit,
} from "@coderm/executor";
import type Docker from "dockerode";

/** How one worker container is made. */
export interface ContainerSpec {
  /** The sandbox image (carries the harness at `harnessPath`). */
  image: string;
  /** Path of harness.py inside the image. */
  harnessPath: string;
  /** Path of the interpreter inside the image. */
  pythonPath: string;
  /** Memory limit of the container, in MiB (the harness also limits each candidate). */
  memoryMb: number;
  /** Most processes and threads the container may hold. */
  pidsLimit: number;
  /** Size of the container's tmpfs `/tmp`, where the harness works, in MiB. */
  tmpfsMb: number;
  /** Milliseconds to wait for the harness's ready frame. */
  startTimeoutMs: number;
  /** A label on the container naming the executor that owns it. */
  owner: string;
}

const stderrTail = 8192;

/**
 * The harness in a long-lived container, attached over stdin/stdout (hijacked, demultiplexed):
 * a request costs a pipe round trip, not a container start. The container has no network, a
 * read-only root, a size-limited tmpfs, memory and pids limits, no capabilities, no new
 * privileges, a non-root user and no host mounts.
 */
export class DockerWorker implements HarnessWorker {
  readonly version: string;
  readonly pythonVersion: string;
  readonly confinement: readonly string[];
  onFrame: (frame: HarnessFrame) => void = () => {};
  onExit: (exit: WorkerExit) => void = () => {};
  readonly #container: Docker.Container;
  readonly #input: NodeJS.WritableStream;
  #exited = false;

  private constructor(
    container: Docker.Container,
    input: NodeJS.WritableStream,
    ready: { version: string; python: string; confinement?: string[] },
  ) {
    this.#container = container;
    this.#input = input;
    this.version = ready.version;
    this.pythonVersion = ready.python;
    this.confinement = ready.confinement ?? [];
  }

  /** The container's id. */
  get id(): string {
    return this.#container.id;
  }

  /** Creates and starts a worker container on `docker`; resolves once the harness is ready. */
  static async start(docker: Docker, spec: ContainerSpec, where: string): Promise<DockerWorker> {
    const container = await docker.createContainer({
      Image: spec.image,
      // The harness speaks on fds 3 and 4: here they are the container's stdin and stdout.
      Cmd: [
        "/bin/sh",
        "-c",
        `exec ${spec.pythonPath} -S -u ${spec.harnessPath} 3<&0 4>&1 >/dev/null`,
      ],
      Env: ["PATH=/usr/bin:/bin", "LANG=C.UTF-8", "PYTHONHASHSEED=0", "PYTHONDONTWRITEBYTECODE=1"],
      User: "65534:65534",
      WorkingDir: "/tmp",
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      OpenStdin: true,
      StdinOnce: false,
      Tty: false,
      Labels: { "org.coderm.owner": spec.owner },
      HostConfig: {
        NetworkMode: "none",
        ReadonlyRootfs: true,
        Tmpfs: { "/tmp": `rw,nosuid,nodev,size=${spec.tmpfsMb}m,mode=1777` },
        Memory: spec.memoryMb * 1024 * 1024,
        MemorySwap: spec.memoryMb * 1024 * 1024,
        PidsLimit: spec.pidsLimit,
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
        // docker-init as PID 1 reaps and forwards signals; the harness is its child
        Init: true,
      },
    });
    const stream = await container.attach({
      stream: true,
      stdin: true,
      stdout: true,
      stderr: true,
      hijack: true,
    });
    const stdout = new PassThrough();
    const stderrStream = new PassThrough();
    container.modem.demuxStream(stream, stdout, stderrStream);
    let stderr = "";
    stderrStream.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-stderrTail);
    });
    stream.on("error", () => {});
    await container.start();

    return new Promise((resolve, reject) => {
      let worker: DockerWorker | undefined;
      const decoder = new FrameDecoder();
      const fail = (reason: string) => {
        clearTimeout(timer);
        container.remove({ force: true }).catch(() => {});
        reject(
          new CodermError(
            "unavailable",
            `cannot start the harness in a container on ${where} (image ${spec.image}): ${reason}${stderr ? `\n${stderr.trim()}` : ""}`,
          ),
        );
      };
      const timer = setTimeout(
        () => fail(`no ready frame within ${spec.startTimeoutMs} ms`),
        spec.startTimeoutMs,
      );
      stdout.on("data", (chunk: Buffer) => {
        let frames: string[];
        try {
          frames = decoder.push(chunk);
        } catch (error) {
          if (worker === undefined) fail((error as Error).message);
          else worker.kill();
          return;
        }
        for (const text of frames) {
          const frame = JSON.parse(text) as HarnessFrame;
          if (worker !== undefined) {
            worker.onFrame(frame);
            continue;
          }
          if (frame.event !== "ready") {
            fail(`expected a ready frame, got ${text.slice(0, 200)}`);
            return;
          }
          clearTimeout(timer);
          worker = new DockerWorker(container, stream, frame);
          resolve(worker);
        }
      });
      stream.on("end", () => {
        if (worker === undefined) {
          fail("the container stopped");
          return;
        }
        const ended = worker;
        ended.#exited = true;
        container
          .wait()
          .catch(() => ({ StatusCode: null }))
          .then((result: { StatusCode: number | null }) => {
            container.remove({ force: true }).catch(() => {});
            // Frames still in the demultiplexer arrive before the exit is reported.
            setImmediate(() =>
              ended.onExit({ code: result.StatusCode ?? null, signal: null, stderr }),
            );
          });
      });
    });
  }

  get exited(): boolean {
    return this.#exited;
  }

  send(request: unknown): void {
    this.#input.write(encodeFrame(stringifyJson(request)));
  }

  /** Kills the container (and with it everything the harness started). */
  kill(): void {
    if (this.#exited) return;
    this.#container.kill().catch(() => {});
  }
}
