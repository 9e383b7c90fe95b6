import { comparison } from "./comparison.js";
import { earlyExit } from "./early-exit.js";
import { escapes, writeHarnessMemory } from "./escape.js";
import { expectedLeak } from "./expected-leak.js";
import { interference } from "./interference.js";
import { monkeypatch } from "./monkeypatch.js";
import { outputForgery } from "./output-forgery.js";
import { resource } from "./resource.js";
import type { AdversarialAttack } from "./types.js";

export type {
  AdversarialAttack,
  AdversarialCategory,
  AdversarialContext,
  AdversarialOutcome,
  AdversarialVictim,
} from "./types.js";

/** Every attack of the suite, grouped by category (the one that can corrupt the worker last). */
export const adversarialAttacks: readonly AdversarialAttack[] = [
  ...earlyExit,
  ...outputForgery,
  ...monkeypatch,
  ...comparison,
  ...expectedLeak,
  ...resource,
  ...escapes,
  ...interference,
  writeHarnessMemory,
];
