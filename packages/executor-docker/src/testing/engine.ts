import { spawn } from "node:child_process";
import { mkdtemp, open, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CodermError } from "@coderm/core";
import Docker from "dockerode";
import { inject } from "vitest";
import { findExecutable, systemPath } from "../find-executable.js";
import { buildSandboxImage } from "../image.js";
import { removeTree } from "../remove-tree.js";

/** Where tests reach the engine: the daemon's socket and the sandbox image built on it. */
export interface TestEngineAddress {
  /** Path of the daemon's unix socket. */
  socketPath: string;
  /** Name of the sandbox image on that daemon (the default name for the shipped harness). */
  image: string;
}

/** A private Docker daemon for tests, with the sandbox image. */
export interface TestEngine extends TestEngineAddress {
  /** Stops the daemon (and its containers) and removes its directories. */
  stop(): Promise<void>;
}

/** Options of {@link startTestEngine}. */
export interface TestEngineOptions {
  /** Receives the image build's progress lines. */
  onProgress?: (line: string) => void;
  /** Milliseconds to wait for the daemon to answer (30 s). */
  startTimeoutMs?: number;
}

declare module "vitest" {
  export interface ProvidedContext {
    /** The test engine of the package's global setup. */
    dockerTestEngine: TestEngineAddress;
  }
}

/**
 * Starts a Docker daemon of its own (as root): its own data and exec roots, socket, pidfile and
 * empty config file in a fresh temporary directory, no iptables rules, no bridge network, a
 * containerd namespace of its own, log in `dockerd.log` there. It never talks to a system daemon.
 * Once the daemon answers `/_ping` it builds the sandbox image offline (from the cached root
 * filesystem: only the very first run pays for debootstrap). Errors name the cause and end with
 * the daemon's last log lines.
 */
export async function startTestEngine(options: TestEngineOptions = {}): Promise<TestEngine> {
  if (process.getuid?.() !== 0) {
    throw new CodermError(
      "unsupported",
      "the test engine starts its own dockerd, which needs root",
    );
  }
  const dockerd = await findExecutable("dockerd");
  if (dockerd === undefined) {
    throw new CodermError(
      "unavailable",
      "dockerd is not installed: run scripts/setup.sh (it installs docker.io), or apt-get install docker.io",
    );
  }
  const directory = await mkdtemp(join(tmpdir(), "coderm-engine-"));
  const socketPath = join(directory, "docker.sock");
  const logPath = join(directory, "dockerd.log");
  const configPath = join(directory, "daemon.json");
  await writeFile(configPath, "{}\n");
  const log = await open(logPath, "w");
  const daemon = spawn(
    dockerd,
    [
      `--config-file=${configPath}`,
      "--iptables=false",
      "--ip-masq=false",
      "--bridge=none",
      "--storage-driver=overlay2",
      `--data-root=${join(directory, "data")}`,
      `--exec-root=${join(directory, "exec")}`,
      `--host=unix://${socketPath}`,
      `--pidfile=${join(directory, "docker.pid")}`,
      `--containerd-namespace=coderm-test-${daemonName(directory)}`,
      `--containerd-plugins-namespace=coderm-test-${daemonName(directory)}-plugins`,
      "--shutdown-timeout=1",
    ],
    { stdio: ["ignore", log.fd, log.fd], env: { ...process.env, PATH: systemPath() } },
  );
  await log.close();
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) => {
    daemon.once("error", (error) => {
      exit = error.message;
      resolve();
    });
    daemon.once("exit", (code, signal) => {
      exit = signal === null ? `exit code ${code}` : `signal ${signal}`;
      resolve();
    });
  });
  const logTail = async () =>
    (await readFile(logPath, "utf8").catch(() => "")).trimEnd().split("\n").slice(-20).join("\n");

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (exit === undefined) {
        daemon.kill("SIGTERM");
        const patience = new AbortController();
        const timeout = sleep(20_000, "timeout" as const, { signal: patience.signal }).catch(
          () => undefined,
        );
        const outcome = await Promise.race([exited, timeout]);
        patience.abort();
        if (outcome === "timeout") {
          daemon.kill("SIGKILL");
          await exited;
          await killPidFile(join(directory, "exec", "containerd", "containerd.pid"));
        }
      }
      await removeTree(directory);
    })();
    return stopped;
  };

  const docker = new Docker({ socketPath });
  try {
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    for (;;) {
      if (exit !== undefined) {
        throw new CodermError(
          "unavailable",
          `dockerd stopped before answering (${exit}); end of its log:\n${await logTail()}`,
        );
      }
      if (
        await docker.ping().then(
          () => true,
          () => false,
        )
      )
        break;
      if (Date.now() > deadline) {
        throw new CodermError(
          "timeout",
          `dockerd did not answer on ${socketPath} in time; end of its log:\n${await logTail()}`,
        );
      }
      await sleep(50);
    }
    const { tag } = await buildSandboxImage(docker, {
      mode: "offline",
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    return { socketPath, image: tag, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The engine that the package's global setup (vitest.global-setup.ts) started for this test run.
 * Throws when the tests run without that setup.
 */
export function testEngine(): TestEngineAddress {
  const engine = inject("dockerTestEngine");
  if (engine === undefined) {
    throw new CodermError(
      "unavailable",
      "no test engine: run these tests with the package's vitest config (its global setup starts dockerd)",
    );
  }
  return engine;
}

/** The random part of the engine's directory name, to keep its containerd namespace apart. */
function daemonName(directory: string): string {
  return directory.slice(directory.lastIndexOf("-") + 1).toLowerCase();
}

async function killPidFile(path: string): Promise<void> {
  const pid = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
