import { forms, request } from "./helpers.js";
import { program } from "./program.js";
import type { AdversarialAttack } from "./types.js";

const decodeBomb = (id: string, source: () => string, description: string): AdversarialAttack => ({
  id,
  category: "decode-bombs",
  description,
  request: () => request(id, source(), [forms.assert, forms.call], { timeMs: 3000 }),
});

/**
 * Candidates that forge a value record (through the harness's own ring writer) that is costly to
 * decode in the harness process, outside any test's timer (issue 15, class 7).
 */
export const decodeBombs: AdversarialAttack[] = [
  decodeBomb(
    "decode-huge-digit-int",
    () => program("decode-bombs/decode-huge-digit-int"),
    'a {"$int"} of 3,000,000 decimal digits',
  ),
  decodeBomb(
    "decode-raw-digit-token",
    () => program("decode-bombs/decode-raw-digit-token"),
    "a plain JSON integer of 3,000,000 digits",
  ),
  decodeBomb(
    "decode-colliding-set",
    () => program("decode-bombs/decode-colliding-set"),
    "a set of 40,000 integers that all hash to 0",
  ),
  decodeBomb(
    "decode-colliding-dict-keys",
    () => program("decode-bombs/decode-colliding-dict-keys"),
    "a dict with 40,000 tuple keys that all hash alike",
  ),
  decodeBomb(
    "decode-colliding-frozenset",
    () => program("decode-bombs/decode-colliding-frozenset"),
    "a frozenset of 40,000 tuples that all hash alike",
  ),
  decodeBomb(
    "decode-deep-nesting",
    () => program("decode-bombs/decode-deep-nesting"),
    "a value nested 200,000 lists deep inside 50 tuples",
  ),
  decodeBomb(
    "decode-giant-record",
    () => program("decode-bombs/decode-giant-record"),
    "a 54 MB record of empty lists",
  ),
  decodeBomb(
    "decode-container-flood",
    () => program("decode-bombs/decode-container-flood"),
    "a 15 MB record of 5,000,000 empty dicts",
  ),
  decodeBomb(
    "decode-many-small-records",
    () => program("decode-bombs/decode-many-small-records"),
    "200,000 small pass records for the running test and the next two",
  ),
];
