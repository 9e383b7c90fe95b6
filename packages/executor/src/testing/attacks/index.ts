import { borrowedHelpers } from "./borrowed-helpers.js";
import { cleanupBombs } from "./cleanup-bombs.js";
import { comparison } from "./comparison.js";
import { decodeBombs } from "./decode-bombs.js";
import { earlyExit } from "./early-exit.js";
import { escapes, writeHarnessMemory } from "./escape.js";
import { expectedLeak } from "./expected-leak.js";
import { forgedNames } from "./forged-names.js";
import { formatBombs } from "./format-bombs.js";
import { hostResources } from "./host-resources.js";
import { interference } from "./interference.js";
import { membership } from "./membership.js";
import { monkeypatch } from "./monkeypatch.js";
import { normalizerBombs } from "./normalizer-bombs.js";
import { outputForgery } from "./output-forgery.js";
import { resource } from "./resource.js";
import { sourceTwinAttacks } from "./source-twins.js";
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
  ...forgedNames,
  ...membership,
  ...borrowedHelpers,
  ...sourceTwinAttacks,
  ...normalizerBombs,
  ...decodeBombs,
  ...formatBombs,
  ...cleanupBombs,
  ...resource,
  ...hostResources,
  ...escapes,
  ...interference,
  writeHarnessMemory,
];
