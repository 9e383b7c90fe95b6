import { contentId, jsonContentId, type Verdict } from "@coderm/core";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { jsonSchemaOf, parseBody, type ServiceContext } from "../context.js";

const runCodeSchema = z
  .object({
    code: z.string(),
    language: z.string().default("python"),
    stdin: z.string().nullish(),
    run_timeout: z.number().positive().max(600).nullish(),
    compile_timeout: z.number().nullish(),
    memory_limit_MB: z.number().int().positive().nullish(),
    files: z.record(z.string(), z.string().nullable()).nullish(),
    fetch_files: z.array(z.string()).nullish(),
  })
  .passthrough();

const pythonNames = new Set(["python", "python3"]);

/** SandboxFusion's answer when it could not run the program at all. */
function sandboxError(message: string) {
  return {
    status: "SandboxError",
    message,
    compile_result: null,
    run_result: null,
    executor_pod_name: null,
    files: {},
  };
}

/**
 * Registers SandboxFusion's `POST /run_code`, so veRL's `sandbox_fusion` reward works with its
 * URL pointed here: the program runs in the harness as a whole script fed `stdin`, and the answer
 * has SandboxFusion's shape (`run_result.status` Finished, with the return code of a clean end, an
 * exception or `sys.exit`; TimeLimitExceeded; or Error when the sandbox stopped it otherwise). Python only; `files` and `fetch_files` are refused (the sandbox's directory is
 * private and empty).
 */
export function registerSandboxFusionRoutes(app: FastifyInstance, context: ServiceContext): void {
  app.post(
    "/run_code",
    {
      schema: {
        summary: "SandboxFusion's run_code, for veRL's sandbox_fusion reward",
        description:
          "Runs {code, stdin, run_timeout, memory_limit_MB} as a Python script and answers {status: Success | Failed | SandboxError, message, compile_result, run_result: {status: Finished | TimeLimitExceeded | Error, execution_time, return_code, stdout, stderr}}.",
        tags: ["trainers"],
        body: jsonSchemaOf(runCodeSchema),
      },
    },
    async (request) => {
      const body = parseBody(runCodeSchema, request.body);
      if (!pythonNames.has(body.language))
        return sandboxError(`language "${body.language}" is not served here (python only)`);
      if (Object.keys(body.files ?? {}).length > 0 || (body.fetch_files ?? []).length > 0)
        return sandboxError("files and fetch_files are not supported: the sandbox is private");
      const test = { kind: "stdio" as const, stdin: body.stdin ?? "" };
      const execution = context.batcher.submit({
        candidate: { id: contentId(body.code), problemId: "run_code", code: body.code },
        tests: [{ ...test, id: jsonContentId(test), problemId: "run_code" }],
        limits: {
          ...context.limits,
          timeMs: Math.round((body.run_timeout ?? context.limits.timeMs / 1000) * 1000),
          ...(body.memory_limit_MB == null ? {} : { memoryMb: body.memory_limit_MB }),
        },
      });
      let verdicts: ReadonlyMap<string, Verdict>;
      try {
        verdicts = await execution.done;
      } catch (error) {
        return sandboxError(`the executor failed: ${String(error)}`);
      }
      const verdict = [...verdicts.values()][0]!;
      const passed = verdict.status === "pass";
      const timedOut = verdict.status === "timeout";
      // the process ran to its end: cleanly, by an exception, or by sys.exit with a code
      const exited = passed || verdict.status === "error";
      const exitCode =
        verdict.errorType === "SystemExit" && /^-?\d+$/.test(verdict.message ?? "")
          ? Number(verdict.message)
          : 1;
      return {
        status: passed ? "Success" : "Failed",
        message: "",
        compile_result: null,
        run_result: {
          status: exited ? "Finished" : timedOut ? "TimeLimitExceeded" : "Error",
          execution_time: verdict.wallMs / 1000,
          return_code: passed ? 0 : exited ? exitCode : null,
          stdout: typeof verdict.value === "string" ? verdict.value : "",
          stderr: passed
            ? ""
            : [verdict.errorType, verdict.message].filter((part) => part !== undefined).join(": "),
        },
        executor_pod_name: null,
        files: {},
      };
    },
  );
}
