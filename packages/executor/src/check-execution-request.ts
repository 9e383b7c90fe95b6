import {
  CodermError,
  candidateSchema,
  type ExecutionRequest,
  executionLimitsSchema,
  languageSchema,
  unitTestSchema,
} from "@coderm/core";
import type { z } from "zod";

// Tests are usually shared by many requests (every candidate of a problem), so each test object
// is checked once.
const checkedTests = new WeakSet<object>();

/**
 * Validates an execution request in place and returns it: the candidate, the limits, the
 * language and every test against core's schemas, and every text for lone surrogates (which no
 * backend can pass on). A bad request is a `CodermError` (`invalid-input`) naming the request (its
 * candidate id, else `#index`) and the field (`tests[2].kind`). Each test object is checked once
 * per process, however many requests share it. Wrappers and backends call it on every request
 * they receive.
 */
export function checkExecutionRequest(raw: ExecutionRequest, index: number): ExecutionRequest {
  const item = typeof raw?.candidate?.id === "string" ? raw.candidate.id : `#${index}`;
  const fail = (field: string, message: string, cause?: unknown): never => {
    throw new CodermError("invalid-input", `bad execution request: ${message}`, {
      item,
      field,
      cause,
    });
  };
  if (typeof raw !== "object" || raw === null) fail("", "expected an object");
  const validate = (schema: z.ZodType, value: unknown, prefix: string) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      fail([prefix, ...issue.path].join("."), issue.message, parsed.error);
    }
  };
  validate(candidateSchema, raw.candidate, "candidate");
  if (!raw.candidate.code.isWellFormed())
    fail("candidate.code", "the code is not valid Unicode (lone surrogates)");
  validate(executionLimitsSchema, raw.limits, "limits");
  if (raw.language !== undefined) validate(languageSchema, raw.language, "language");
  if (raw.coverage !== undefined && typeof raw.coverage !== "boolean")
    fail("coverage", "expected a boolean");
  if (!Array.isArray(raw.tests)) fail("tests", "expected an array of tests");
  raw.tests.forEach((test, position) => {
    if (typeof test === "object" && test !== null && checkedTests.has(test)) return;
    validate(unitTestSchema, test, `tests[${position}]`);
    for (const field of ["code", "stdin", "expectedStdout"] as const) {
      const text = (test as Record<string, unknown>)[field];
      if (typeof text === "string" && !text.isWellFormed())
        fail(`tests[${position}].${field}`, "not valid Unicode (lone surrogates)");
    }
    checkedTests.add(test);
  });
  return raw;
}
