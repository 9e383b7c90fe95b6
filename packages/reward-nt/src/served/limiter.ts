/** Runs tasks with at most a fixed number in flight, first come first served. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** A limiter of `concurrency` tasks in flight (shared by every call that uses it). */
export function createLimiter(concurrency: number): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    active -= 1;
    const next = waiting.shift();
    if (next !== undefined) {
      active += 1;
      next();
    }
  };
  return {
    async run(task) {
      if (active < concurrency) active += 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
