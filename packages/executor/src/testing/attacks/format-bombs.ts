import { forms, request } from "./helpers.js";
import { program } from "./program.js";
import type { AdversarialAttack } from "./types.js";

const formatBomb = (id: string, source: () => string, description: string): AdversarialAttack => ({
  id,
  category: "format-bombs",
  description,
  request: () => request(id, source(), [forms.assert, forms.call, forms.check, forms.unittest]),
});

/**
 * Candidates whose exceptions are costly or hostile to format, after the test's timer stopped
 * (issue 15, class 8).
 */
export const formatBombs: AdversarialAttack[] = [
  formatBomb(
    "format-looping-str",
    () => program("format-bombs/format-looping-str"),
    "an exception whose __str__ loops and swallows every timer",
  ),
  formatBomb(
    "format-looping-repr-args",
    () => program("format-bombs/format-looping-repr-args"),
    "a ValueError whose arguments' __repr__ and __str__ loop",
  ),
  formatBomb(
    "format-raising-str",
    () => program("format-bombs/format-raising-str"),
    "an AssertionError subclass whose __str__ raises an exception whose __str__ raises",
  ),
  formatBomb(
    "format-metaclass-name",
    () => program("format-bombs/format-metaclass-name"),
    "an exception class whose metaclass makes __name__ and __qualname__ loop, and whose __class__ loops",
  ),
  formatBomb(
    "format-huge-args",
    () => program("format-bombs/format-huge-args"),
    "exceptions with 2,000,000 arguments or a 50 MB message",
  ),
  formatBomb(
    "format-str-subclass",
    () => program("format-bombs/format-str-subclass"),
    "__str__ returns a str subclass whose __len__, __getitem__ and __str__ loop",
  ),
];
