import {
  CodermError,
  type CodermErrorCode,
  type ExecutionRequest,
  parseJson,
  stringifyJson,
  type UnitTest,
  type Verdict,
  verdictStatuses,
} from "@coderm/core";

/**
 * The version of the job format below (the fields of {@link QueueJobData} and
 * {@link QueueJobResult} and what they mean). Bump it on any change: workers refuse jobs of
 * another version, so a mixed fleet fails loudly instead of misreading jobs.
 */
export const queueProtocolVersion = 1;

/** The name every execution job carries in BullMQ. */
export const executionJobName = "execute";

/**
 * One execution job: one candidate with all its tests, so a worker's backend runs the candidate
 * once (one fork) for all of them. The tests travel apart, once per distinct set (see
 * `test-suites.ts`). `protocol` and `fingerprint` are the job's version: a worker whose own
 * differ refuses the job rather than return verdicts of another harness.
 */
export interface QueueJobData {
  /** {@link queueProtocolVersion} of the coordinator that wrote the job. */
  protocol: number;
  /** The fingerprint of the executor the verdicts must come from (the fleet's, see `Executor`). */
  fingerprint: string;
  /** The request without its tests: core's JSON text of {@link JobRequest}. */
  request: string;
  /** The id of the request's tests in the suite store. */
  suite: string;
}

/** What a job's `request` holds: the request less its tests. */
type JobRequest = Omit<ExecutionRequest, "tests">;

/**
 * A completed job's return value: core's JSON text of the verdicts of the request's tests, in
 * the tests' order, without the pair's ids (the coordinator knows them).
 */
export interface QueueJobResult {
  verdicts: string;
}

/** A verdict as a job returns it. */
type JobVerdict = Omit<Verdict, "candidateId" | "testId" | "cached">;

/** The job text of a request (tests excluded). Core's JSON keeps big integers and NaN exact. */
export function encodeRequest(request: ExecutionRequest): string {
  const { tests: _tests, ...rest } = request;
  return stringifyJson(rest);
}

/** The request a job stands for, its tests taken from the suite. */
export function decodeRequest(text: string, tests: readonly UnitTest[]): ExecutionRequest {
  const rest = parseJson(text) as unknown as JobRequest;
  return { ...rest, tests: tests as UnitTest[] };
}

/** A job's return value from its verdicts, given in the order of the request's tests. */
export function encodeVerdicts(verdicts: readonly Verdict[]): QueueJobResult {
  return {
    verdicts: stringifyJson(
      verdicts.map(({ candidateId: _candidate, testId: _test, cached: _cached, ...rest }) => rest),
    ),
  };
}

/**
 * The verdicts of a completed job, given the request it ran: one per test, in order, with the
 * request's ids. A result that does not fit the request is an `internal` error naming the job.
 */
export function decodeVerdicts(
  result: unknown,
  request: ExecutionRequest,
  jobId: string,
): Verdict[] {
  const bad = (reason: string): never => {
    throw new CodermError("internal", `job ${jobId} returned a malformed result: ${reason}`, {
      item: request.candidate.id,
    });
  };
  const text = (result as Partial<QueueJobResult> | null)?.verdicts;
  if (typeof text !== "string") return bad("no verdicts");
  const parsed = parseJson(text) as unknown;
  if (!Array.isArray(parsed)) return bad("the verdicts are not a list");
  if (parsed.length !== request.tests.length)
    bad(`${parsed.length} verdicts for ${request.tests.length} tests`);
  return (parsed as JobVerdict[]).map((verdict, index) => {
    if (
      typeof verdict !== "object" ||
      verdict === null ||
      !verdictStatuses.includes(verdict.status) ||
      typeof verdict.wallMs !== "number"
    )
      bad(`verdict ${index} is not a verdict`);
    return { ...verdict, candidateId: request.candidate.id, testId: request.tests[index]!.id };
  });
}

const failurePrefix = "coderm-error ";

/**
 * A failed job's reason from an error: a `CodermError` keeps its code and location (as
 * `coderm-error {json}`, which dashboards show as is), any other error its message.
 */
export function encodeFailure(error: unknown): string {
  if (!CodermError.isInstance(error)) return error instanceof Error ? error.message : String(error);
  return `${failurePrefix}${JSON.stringify({
    code: error.code,
    message: error.message,
    ...(error.field === undefined ? {} : { field: error.field }),
    ...(error.item === undefined ? {} : { item: error.item }),
    ...(error.details === undefined ? {} : { details: error.details }),
  })}`;
}

/**
 * The error a failed job reports to the caller: the worker's `CodermError` as it was thrown, or
 * an `unavailable` error quoting BullMQ's reason (a job stalled too often, say).
 */
export function decodeFailure(reason: string, jobId: string, candidateId: string): CodermError {
  if (reason.startsWith(failurePrefix)) {
    try {
      const fields = JSON.parse(reason.slice(failurePrefix.length)) as {
        code: CodermErrorCode;
        message: string;
        field?: string;
        item?: string;
        details?: Record<string, unknown>;
      };
      // the message already names the location: restore the fields without naming it again
      const error = new CodermError(fields.code, fields.message, {
        ...(fields.details === undefined ? {} : { details: fields.details }),
      });
      Object.assign(error, { field: fields.field, item: fields.item });
      return error;
    } catch {
      // not ours after all: report it as text
    }
  }
  return new CodermError("unavailable", `job ${jobId} failed on its worker: ${reason}`, {
    item: candidateId,
  });
}
