import {
  contentId,
  type ExecutionRequest,
  jsonContentId,
  sha256,
  type UnitTest,
} from "@coderm/core";

const testKeys = new WeakMap<UnitTest, string>();

/**
 * The content key of a test: the hash of everything that decides its verdict (all but its id,
 * problem id and source). Computed once per test object.
 */
export function testKey(test: UnitTest): string {
  let key = testKeys.get(test);
  if (key === undefined) {
    const { id: _id, problemId: _problemId, source: _source, ...content } = test;
    key = jsonContentId(content);
    testKeys.set(test, key);
  }
  return key;
}

/**
 * The execution contexts of one fingerprint: what a verdict depends on besides the candidate and
 * the test (the executor's fingerprint, the language, the limits, whether it records coverage),
 * hashed, one per distinct (language, limits, coverage). A verdict with coverage is never an
 * answer to a request without it, nor the other way round (requests without coverage keep the
 * contexts they always had).
 */
export function executionContexts(fingerprint: string): (request: ExecutionRequest) => string {
  const contexts = new Map<string, string>();
  return (request) => {
    const { timeMs, memoryMb, outputBytes } = request.limits;
    const label = `${request.language ?? "python"}:${timeMs}:${memoryMb}:${outputBytes}${request.coverage === true ? ":coverage" : ""}`;
    let context = contexts.get(label);
    if (context === undefined) {
      context = sha256(`${fingerprint}\n${label}`);
      contexts.set(label, context);
    }
    return context;
  };
}

/**
 * The key of a request's candidate: the content id of its code. Executors run exactly the text
 * that content id hashes (see `Executor.execute`), so candidates with equal keys are the same
 * program byte for byte and cannot be told apart at run time, even by a program that reads its
 * own source, line numbers or comments. No wider equivalence (syntax trees, formatting) is used:
 * a program can observe all of it.
 */
export function candidateKey(request: ExecutionRequest): string {
  return contentId(request.candidate.code);
}
