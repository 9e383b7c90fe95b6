import type { Judgement } from "./judgement.js";
import type { Primordials } from "./primordials.js";

/** The timer globals of a context and the host's handle to fire them. */
interface Timers {
  /** `setTimeout`, `setInterval`, `setImmediate`, their `clear*` and `queueMicrotask`. */
  globals: Record<string, (...args: unknown[]) => unknown>;
  /** Fires the earliest pending timer; false when none is left. */
  fireNext(): boolean;
  /** Whether a timer is pending. */
  pending(): boolean;
}

/**
 * Timers on a virtual clock: nothing waits. After a test's synchronous part, the host fires the
 * pending callbacks one call at a time in order of due time (so promise jobs run between them),
 * while the test's time limit lasts: a `setInterval` that is never cleared ends in a timeout, as
 * a process that never exits would. A callback that throws is the test's uncaught error. Runs
 * INSIDE the isolate (see `primordials.ts`).
 */
export function createTimers(p: Primordials, judgement: Judgement): Timers {
  interface Timer {
    id: number;
    due: number;
    callback: (...args: unknown[]) => unknown;
    args: unknown[];
    repeat: number | undefined;
  }
  let now = 0;
  let nextId = 1;
  const pending: Timer[] = [];

  const delayOf = (value: unknown) => {
    const delay = typeof value === "number" ? value : p.number(value);
    return delay >= 1 && delay <= 2_147_483_647 ? p.mathTrunc(delay) : 1;
  };
  const schedule = (callback: unknown, delay: unknown, args: unknown[], repeat: boolean) => {
    if (typeof callback !== "function")
      throw new p.TypeError('The "callback" argument must be of type function');
    const wait = delayOf(delay);
    const timer: Timer = {
      id: nextId++,
      due: now + wait,
      callback: callback as Timer["callback"],
      args,
      repeat: repeat ? wait : undefined,
    };
    p.arrayPush(pending, timer);
    return timer.id;
  };
  const clear = (id: unknown) => {
    for (let index = 0; index < pending.length; index++)
      if (pending[index]!.id === id) {
        for (let after = index; after < pending.length - 1; after++)
          pending[after] = pending[after + 1]!;
        pending.length -= 1;
        return;
      }
  };

  return {
    globals: {
      setTimeout: (callback: unknown, delay?: unknown, ...args: unknown[]) =>
        schedule(callback, delay, args, false),
      setInterval: (callback: unknown, delay?: unknown, ...args: unknown[]) =>
        schedule(callback, delay, args, true),
      setImmediate: (callback: unknown, ...args: unknown[]) => schedule(callback, 0, args, false),
      clearTimeout: clear,
      clearInterval: clear,
      clearImmediate: clear,
      queueMicrotask: (callback: unknown) => {
        if (typeof callback !== "function")
          throw new p.TypeError('The "callback" argument must be of type function');
        p.promiseThen(
          p.promiseResolve(undefined),
          () => {
            try {
              (callback as () => unknown)();
            } catch (error) {
              judgement.threw(error);
            }
          },
          () => undefined,
        );
      },
    },
    pending: () => pending.length > 0,
    fireNext() {
      if (pending.length === 0) return false;
      let earliest = 0;
      for (let index = 1; index < pending.length; index++) {
        const timer = pending[index]!;
        const best = pending[earliest]!;
        if (timer.due < best.due || (timer.due === best.due && timer.id < best.id))
          earliest = index;
      }
      const timer = pending[earliest]!;
      now = timer.due;
      if (timer.repeat === undefined) clear(timer.id);
      else timer.due = now + timer.repeat;
      try {
        p.apply(timer.callback, undefined, timer.args);
      } catch (error) {
        judgement.threw(error);
      }
      return pending.length > 0;
    },
  };
}
