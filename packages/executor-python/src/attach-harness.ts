import { CodermError, stringifyJson } from "@coderm/core";
import { encodeFrame, FrameDecoder } from "./framing.js";
import type {
  HarnessExit,
  HarnessFrame,
  HarnessProcess,
  HarnessReady,
} from "./harness-protocol.js";

/** The streams of a started harness, however it runs (a local process, a container). */
export interface HarnessTransport {
  /** The harness's frames (fd 4 of a local process; a container's demultiplexed stdout). */
  responses: NodeJS.ReadableStream;
  /** The harness's stderr, if any: its last 8 KiB go into start errors and exit reports. */
  stderr?: NodeJS.ReadableStream | null;
  /** Where request frames go (fd 3 of a local process; a container's stdin). */
  requests: NodeJS.WritableStream;
  /** Kills the harness and everything it started. */
  kill(): void;
  /** Cleans up after a harness that never became ready; `kill` by default. */
  abandon?(): void;
}

/** Settings of {@link attachHarness}. */
export interface HarnessAttachSettings {
  /** Milliseconds to wait for the ready frame. */
  startTimeoutMs: number;
  /** What start errors say could not start: `cannot start <what>: <reason>`. */
  what: string;
}

/** The handshake with one harness: the transport reports how the harness ends. */
export interface HarnessAttachment {
  /**
   * The harness once it sent its ready frame; rejects with a `CodermError` (`unavailable`) naming
   * what could not start, the reason and the end of its stderr, when it fails, exits, sends
   * something else or stays silent past the start timeout first.
   */
  readonly ready: Promise<HarnessProcess>;
  /**
   * The harness ended (its frame stream is over): `exit` is its status, or a promise of it.
   * Frames still on their way are delivered before `onExit`.
   */
  ended(exit: ExitStatus | Promise<ExitStatus>): void;
  /** The harness could not be started at all. */
  failed(reason: string): void;
}

type ExitStatus = Pick<HarnessExit, "code" | "signal">;

const stderrTail = 8192;

/**
 * The one handshake every harness transport shares: waits for the ready frame within the start
 * timeout, keeps the last 8 KiB of stderr, decodes frames, sends requests, and reports the end
 * of the harness after any frames still in the pipe.
 */
export function attachHarness(
  transport: HarnessTransport,
  settings: HarnessAttachSettings,
): HarnessAttachment {
  let stderr = "";
  transport.stderr?.setEncoding("utf8");
  transport.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-stderrTail);
  });
  transport.requests.on("error", () => {});
  let harness: AttachedHarness | undefined;
  let settled = false;
  let resolveReady!: (harness: HarnessProcess) => void;
  let rejectReady!: (error: Error) => void;
  const ready = new Promise<HarnessProcess>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  const fail = (reason: string) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    (transport.abandon ?? transport.kill).call(transport);
    rejectReady(
      new CodermError(
        "unavailable",
        `cannot start ${settings.what}: ${reason}${stderr ? `\n${stderr.trim()}` : ""}`,
      ),
    );
  };
  const timer = setTimeout(
    () => fail(`no ready frame within ${settings.startTimeoutMs} ms`),
    settings.startTimeoutMs,
  );
  const decoder = new FrameDecoder();
  transport.responses.on("data", (chunk: Buffer) => {
    let frames: string[];
    try {
      frames = decoder.push(chunk);
    } catch (error) {
      if (harness === undefined) fail((error as Error).message);
      else harness.kill();
      return;
    }
    for (const text of frames) {
      const frame = JSON.parse(text) as HarnessFrame;
      if (harness !== undefined) {
        harness.onFrame(frame);
        continue;
      }
      if (settled) return;
      if (frame.event !== "ready") {
        fail(`expected a ready frame, got ${text.slice(0, 200)}`);
        return;
      }
      settled = true;
      clearTimeout(timer);
      harness = new AttachedHarness(transport, frame);
      resolveReady(harness);
    }
  });
  return {
    ready,
    ended(exit) {
      const ended = harness;
      if (ended === undefined) {
        void Promise.resolve(exit).then(({ code, signal }) =>
          fail(`it exited (${signal ?? code})`),
        );
        return;
      }
      ended.markExited();
      // Let any frames still in the pipe arrive before the exit is reported.
      void Promise.resolve(exit).then(({ code, signal }) =>
        setImmediate(() => ended.onExit({ code, signal, stderr })),
      );
    },
    failed: fail,
  };
}

/** A harness past its handshake. */
class AttachedHarness implements HarnessProcess {
  readonly version: string;
  readonly pythonVersion: string;
  readonly confinement: readonly string[];
  onFrame: (frame: HarnessFrame) => void = () => {};
  onExit: (exit: HarnessExit) => void = () => {};
  readonly #transport: HarnessTransport;
  #exited = false;

  constructor(transport: HarnessTransport, ready: HarnessReady) {
    this.#transport = transport;
    this.version = ready.version;
    this.pythonVersion = ready.python;
    this.confinement = ready.confinement ?? [];
  }

  get exited(): boolean {
    return this.#exited;
  }

  markExited(): void {
    this.#exited = true;
  }

  send(request: unknown): void {
    this.#transport.requests.write(encodeFrame(stringifyJson(request)));
  }

  kill(): void {
    if (this.#exited) return;
    this.#transport.kill();
  }
}
