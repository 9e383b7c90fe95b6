import type { ExecutionRequest } from "@coderm/core";
import { forms, request } from "./helpers.js";
import { program } from "./program.js";
import type { AdversarialAttack } from "./types.js";

/** The tests every twin is judged on: value tests and a split one. */
const twinTests = [forms.assert, forms.check, forms.call, forms.unittest];

/** The right twin: `f(x) = 2 * x` while its text is exactly as written. */
function rightTwin(): string {
  return program("source-twins/position-reader");
}

/** Replaces the one occurrence of `from` in `text` (an error when there is not exactly one). */
function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0)
    throw new Error(`source twin: "${from}" must occur exactly once in position-reader.py`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/**
 * A wrong twin and its right twin: the same syntax tree (comments, blank lines, spacing and quote
 * style aside), different text. The wrong one reads its positions and returns `x`. Run alone it
 * must fail; run beside the right one, or after it from one verdict cache, it must not take the
 * right one's `pass`.
 */
interface SourceTwin {
  readonly id: string;
  readonly description: string;
  /** The wrong twin's text, made from the right twin's. */
  wrong(right: string): string;
}

/** Every pair of the category, by what tells the wrong twin apart. */
const sourceTwins: readonly SourceTwin[] = [
  {
    id: "twin-comment-line",
    description:
      "a comment line shifts the next function's co_firstlineno (and its source says so)",
    wrong: (right) => replaceOnce(right, "def probe():", "# twin: wrong\ndef probe():"),
  },
  {
    id: "twin-blank-line",
    description: "a blank line in a body changes f_lineno relative to co_firstlineno",
    wrong: (right) =>
      replaceOnce(right, "    source = own_source()\n", "    source = own_source()\n\n"),
  },
  {
    id: "twin-spacing",
    description: "spaces inside a line move a column that co_positions() reports",
    wrong: (right) => replaceOnce(right, "    return 0\n", "    return    0\n"),
  },
  {
    id: "twin-quote-style",
    description: "the same string in other quotes ends at another column in co_positions()",
    wrong: (right) => replaceOnce(right, `return "it's"`, `return 'it\\'s'`),
  },
];

/** The request of a twin pair's candidate. */
function twinRequest(id: string, code: string): ExecutionRequest {
  return request(id, code, twinTests);
}

export const sourceTwinAttacks: AdversarialAttack[] = sourceTwins.map(
  (twin): AdversarialAttack => ({
    id: twin.id,
    category: "source-twins",
    description: `equal syntax tree, other text: ${twin.description}; its right twin runs in the same batch`,
    request: () => twinRequest(twin.id, twin.wrong(rightTwin())),
    victim: () => ({ requests: [twinRequest(`${twin.id}-right`, rightTwin())], expected: "pass" }),
  }),
);

/**
 * Every twin pair as requests, for runs through the wrappers (the suite's runner uses a bare
 * backend): the right twin (must pass) and the wrong one (must not), with distinct candidate ids.
 */
export function sourceTwinPairs(): {
  id: string;
  right: ExecutionRequest;
  wrong: ExecutionRequest;
}[] {
  const right = rightTwin();
  return sourceTwins.map((twin) => ({
    id: twin.id,
    right: twinRequest(`${twin.id}-right`, right),
    wrong: twinRequest(twin.id, twin.wrong(right)),
  }));
}
