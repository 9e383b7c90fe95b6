import type { OpenedExecutor } from "@coderm/pipeline";

/**
 * How often a run through the queue reads its workers, in milliseconds: `CODERM_QUEUE_WATCH_MS`,
 * else 2000.
 */
function watchIntervalMs(): number {
  const value = Number(process.env.CODERM_QUEUE_WATCH_MS);
  return Number.isInteger(value) && value >= 100 ? value : 2000;
}

/**
 * While a run goes through the queue executor, reads the queue every two seconds (see
 * {@link watchIntervalMs}) and says on
 * `stderr` when its jobs wait with no live worker of the fleet's version to run them (the run does
 * not fail: it waits for a worker), when workers serve again, and when Redis stops answering.
 * Returns the function that stops watching; without the queue executor, it watches nothing.
 */
export function watchQueue(opened: OpenedExecutor, stderr: NodeJS.WriteStream): () => void {
  const read = opened.queueStatus;
  if (read === undefined) return () => {};
  // a line of its own, also when a progress bar is being redrawn on the terminal
  const say = (line: string) => stderr.write(`${stderr.isTTY ? "\r\x1b[2K" : ""}coderm: ${line}\n`);
  let state: "serving" | "no-worker" | "silent" = "serving";
  let reading = false;
  const timer = setInterval(() => {
    if (reading) return;
    reading = true;
    read()
      .then((status) => {
        const serving = status.workers.filter(
          (worker) => !worker.draining && worker.fingerprint === status.fleetFingerprint,
        ).length;
        const waiting = status.jobs.waiting + status.jobs.prioritized + status.jobs.delayed;
        if (serving === 0 && waiting > 0 && state !== "no-worker") {
          state = "no-worker";
          say(
            `warning: no live worker serves queue "${status.queue}" at ${status.redis}: ${waiting} job(s) wait until one starts (coderm worker --redis ...)`,
          );
        } else if (serving > 0 && state !== "serving") {
          state = "serving";
          say(`queue "${status.queue}": ${serving} worker(s) serving`);
        }
      })
      .catch((error: unknown) => {
        if (state === "silent") return;
        state = "silent";
        say(`warning: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        reading = false;
      });
  }, watchIntervalMs());
  timer.unref();
  return () => clearInterval(timer);
}
