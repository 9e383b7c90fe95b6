import {
  AsyncQueue,
  CodermError,
  type ExecuteOptions,
  type ExecutionRequest,
  type Executor,
  type ExecutorCapabilities,
  type Language,
  sandboxLevels,
  unitTestKinds,
  type Verdict,
} from "@coderm/core";
import { checkExecutionRequest } from "./check-execution-request.js";
import { VerdictStream } from "./verdict-stream.js";

/**
 * The executors of a {@link createRoutingExecutor}: one per language (`{ python: local,
 * javascript: isolatedVm }`), or a list, where each language goes to the first executor whose
 * `capabilities.languages` has it.
 */
export type ExecutorRoutes = Partial<Record<Language, Executor>> | readonly Executor[];

/**
 * An executor that sends each request to the executor of its language (`request.language`,
 * python when absent) and merges their verdicts into one stream. A request for a language no
 * route runs ends the stream with a `CodermError` (`unsupported`) naming the language. Its
 * capabilities are the union of the routes', its fingerprint combines theirs, and closing it
 * closes them all. Verdict caches and deduplication wrap it like any executor; wrapping each route
 * instead keeps a route's cache entries independent of the others.
 */
export function createRoutingExecutor(routes: ExecutorRoutes): Executor {
  const table = new Map<Language, Executor>();
  if (Array.isArray(routes)) {
    for (const executor of routes as readonly Executor[])
      for (const language of executor.capabilities.languages)
        if (!table.has(language)) table.set(language, executor);
  } else {
    for (const [language, executor] of Object.entries(routes) as [Language, Executor][]) {
      if (executor === undefined) continue;
      if (!executor.capabilities.languages.includes(language)) {
        throw new CodermError(
          "invalid-input",
          `the ${language} route's executor (${executor.name}) does not run ${language} (it runs ${executor.capabilities.languages.join(", ") || "nothing"})`,
          { field: language },
        );
      }
      table.set(language, executor);
    }
  }
  if (table.size === 0)
    throw new CodermError("invalid-input", "a routing executor needs at least one route");
  const executors = [...new Set(table.values())];
  const union = <T>(
    order: readonly T[],
    pick: (capabilities: ExecutorCapabilities) => readonly T[],
  ) =>
    order.filter((value) =>
      executors.some((executor) => pick(executor.capabilities).includes(value)),
    );
  const capabilities: ExecutorCapabilities = {
    languages: [...table.keys()],
    testKinds: union(unitTestKinds, (capabilities) => capabilities.testKinds),
    sandboxLevels: union(sandboxLevels, (capabilities) => capabilities.sandboxLevels),
  };
  const routeOf = (language: Language, item?: string): Executor => {
    const executor = table.get(language);
    if (executor !== undefined) return executor;
    throw new CodermError(
      "unsupported",
      `no executor runs ${language} (this one routes ${capabilities.languages.join(", ")})`,
      { field: "language", ...(item === undefined ? {} : { item }), details: { language } },
    );
  };
  let closed = false;

  return {
    name: executors.map((executor) => executor.name).join("+"),
    capabilities,
    async fingerprint() {
      const prints = await Promise.all(executors.map((executor) => executor.fingerprint()));
      return JSON.stringify(
        [...table].map(([language, executor]) => [language, prints[executors.indexOf(executor)]]),
      );
    },
    execute(requests, options: ExecuteOptions = {}) {
      if (closed) throw new CodermError("unavailable", "the executor is closed");
      const streams = new Map<Executor, AsyncQueue<ExecutionRequest>>();
      let outstanding = 1;
      let stopped = false;
      const settle = () => {
        outstanding -= 1;
        if (outstanding === 0) stop();
      };
      const stop = (error?: unknown) => {
        stopped = true;
        options.signal?.removeEventListener("abort", abort);
        output.end(error);
        for (const queue of streams.values()) queue.end();
      };
      const output = new VerdictStream<Verdict>(() => stop());
      const abort = () => stop(new CodermError("cancelled", "execution was cancelled"));
      if (options.signal?.aborted) abort();
      else options.signal?.addEventListener("abort", abort, { once: true });
      const streamOf = (executor: Executor) => {
        let queue = streams.get(executor);
        if (queue === undefined) {
          const created = new AsyncQueue<ExecutionRequest>();
          streams.set(executor, created);
          outstanding += 1;
          const ended = (error?: unknown) => (error === undefined ? settle() : stop(error));
          try {
            const verdicts = executor.execute(created, options);
            if (verdicts instanceof VerdictStream)
              verdicts.subscribe((verdict: Verdict) => output.push(verdict), ended);
            else
              (async () => {
                for await (const verdict of verdicts) output.push(verdict);
              })().then(() => ended(), ended);
          } catch (error) {
            ended(error);
          }
          queue = created;
        }
        return queue;
      };
      (async () => {
        let index = 0;
        for await (const raw of requests) {
          if (stopped) return;
          const request = checkExecutionRequest(raw, index++);
          streamOf(routeOf(request.language ?? "python", request.candidate.id)).push(request);
        }
        for (const queue of streams.values()) queue.end();
        settle();
      })().catch(stop);
      return output;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(executors.map((executor) => executor.close()));
    },
  };
}
