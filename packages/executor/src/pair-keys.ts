import {
  contentId,
  type ExecutionRequest,
  type Executor,
  jsonContentId,
  type Language,
  sha256,
  type UnitTest,
} from "@coderm/core";
import type { VerdictCache } from "./verdict-cache.js";

/**
 * How the wrappers key candidates: `program` (the default) by the executor's `programKeys` where
 * it has them (the Python backend's syntax-tree keys: formatting and comments aside), else by
 * content id; `content` by content id only.
 */
export type CandidateKeying = "program" | "content";

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
 * the test (the executor's fingerprint, the language, the limits), hashed, one per distinct
 * (language, limits).
 */
export function executionContexts(fingerprint: string): (request: ExecutionRequest) => string {
  const contexts = new Map<string, string>();
  return (request) => {
    const { timeMs, memoryMb, outputBytes } = request.limits;
    const label = `${request.language ?? "python"}:${timeMs}:${memoryMb}:${outputBytes}`;
    let context = contexts.get(label);
    if (context === undefined) {
      context = sha256(`${fingerprint}\n${label}`);
      contexts.set(label, context);
    }
    return context;
  };
}

/**
 * The key of each request's candidate: `program-key:<key>` hashed when the executor keys the
 * program (equal keys share verdicts), else the content id of its code. With a verdict cache the
 * program keys are remembered there, keyed by (fingerprint, language, content id), so a warm run
 * asks the executor for none.
 */
export async function candidateKeys(
  executor: Executor,
  fingerprint: string,
  requests: readonly ExecutionRequest[],
  keying: CandidateKeying,
  cache?: VerdictCache,
): Promise<string[]> {
  const keys = requests.map((request) => contentId(request.candidate.code));
  if (keying === "content" || executor.programKeys === undefined) return keys;
  const unknown = new Map<Language, { position: number; textKey: string }[]>();
  requests.forEach((request, position) => {
    const language = request.language ?? "python";
    const textKey =
      cache === undefined ? "" : sha256(`${fingerprint}\n${language}\n${keys[position]}`);
    const known = cache?.programKey(textKey);
    if (known === undefined) {
      const group = unknown.get(language) ?? [];
      group.push({ position, textKey });
      unknown.set(language, group);
    } else if (known !== null) {
      keys[position] = sha256(`program-key:${known}`);
    }
  });
  for (const [language, group] of unknown) {
    const computed = await executor.programKeys(
      group.map(({ position }) => requests[position]!.candidate.code),
      language,
    );
    group.forEach(({ position, textKey }, index) => {
      const key = computed[index] ?? null;
      cache?.rememberProgramKey(textKey, key);
      if (key !== null) keys[position] = sha256(`program-key:${key}`);
    });
  }
  return keys;
}
