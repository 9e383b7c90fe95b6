import type { UnitTest } from "@coderm/core";
import { forms, problemId, request } from "./helpers.js";
import { program } from "./program.js";
import type { AdversarialAttack, AdversarialVictim } from "./types.js";

/** An honest candidate run right after the attack: the mess it left must not change its verdicts. */
function honestAfter(id: string): AdversarialVictim {
  return {
    requests: [
      request(`${id}-victim`, "def f(x):\n    return 2 * x\n", [forms.assert, forms.check]),
    ],
    expected: "pass",
    after: true,
  };
}

/** The second test of an attack: the candidate's own working-directory reset runs before it. */
const secondAssert: UnitTest = {
  id: "assert-second",
  problemId,
  kind: "assert",
  code: "assert f(1) == 2",
};

const cleanupBomb = (id: string, source: () => string, description: string): AdversarialAttack => ({
  id,
  category: "cleanup-bombs",
  description,
  request: () =>
    request(id, source(), [forms.assert, secondAssert, forms.check], {
      timeMs: 3000,
    }),
  victim: () => honestAfter(id),
});

/** Candidates that leave a working directory that is hard to empty (issue 15, class 6). */
export const cleanupBombs: AdversarialAttack[] = [
  cleanupBomb(
    "cleanup-deep-directory-chain",
    () => program("cleanup-bombs/cleanup-deep-directory-chain"),
    "leaves a 3,000-deep directory chain: a recursive removal raises RecursionError",
  ),
  cleanupBomb(
    "cleanup-unremovable-entries",
    () => program("cleanup-bombs/cleanup-unremovable-entries"),
    "leaves directories and files with mode 000 and a read-only directory",
  ),
  cleanupBomb(
    "cleanup-many-files",
    () => program("cleanup-bombs/cleanup-many-files"),
    "creates as many empty files as 0.8 s allows, 5,000 a directory",
  ),
  cleanupBomb(
    "cleanup-long-names-and-links",
    () => program("cleanup-bombs/cleanup-long-names-and-links"),
    "a chain of 255-character names past PATH_MAX, symbolic-link loops, links to / and .., a FIFO",
  ),
];
