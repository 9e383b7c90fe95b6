import { PassThrough } from "node:stream";
import { attachHarness, type HarnessProcess } from "@coderm/executor-python/internal";
import type Docker from "dockerode";

/** How one harness container is made. */
export interface ContainerSpec {
  /** The sandbox image (carries the harness at `harnessPath`). */
  image: string;
  /** Path of the harness inside the image. */
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

/**
 * Starts the harness in a long-lived container on `docker` and resolves once it is ready. The
 * harness is attached over stdin/stdout (hijacked, demultiplexed), so a request costs a pipe round
 * trip, not a container start. The container has no network, a read-only root, a size-limited
 * tmpfs, memory and pids limits, no capabilities, no new privileges, a non-root user and no host
 * mounts; killing the process kills the container, and an ended container is removed.
 */
export async function startDockerHarnessProcess(
  docker: Docker,
  spec: ContainerSpec,
  where: string,
): Promise<HarnessProcess> {
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
      Tmpfs: {
        "/tmp": `rw,nosuid,nodev,size=${spec.tmpfsMb}m,nr_inodes=${spec.tmpfsMb * 64},mode=1777`,
      },
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
  const stderr = new PassThrough();
  container.modem.demuxStream(stream, stdout, stderr);
  stream.on("error", () => {});
  const attachment = attachHarness(
    {
      responses: stdout,
      stderr,
      requests: stream,
      kill: () => {
        container.kill().catch(() => {});
      },
      abandon: () => {
        container.remove({ force: true }).catch(() => {});
      },
    },
    {
      startTimeoutMs: spec.startTimeoutMs,
      what: `the harness in a container on ${where} (image ${spec.image})`,
    },
  );
  stream.on("end", () =>
    attachment.ended(
      container
        .wait()
        .catch(() => ({ StatusCode: null }))
        .then((result: { StatusCode: number | null }) => {
          container.remove({ force: true }).catch(() => {});
          return { code: result.StatusCode ?? null, signal: null };
        }),
    ),
  );
  await container.start();
  return attachment.ready;
}
