import { comparison } from "./comparison.js";
import { escapes } from "./escape.js";
import { expectedLeak } from "./expected-leak.js";
import { harnessTampering } from "./harness-tampering.js";
import { interference } from "./interference.js";
import { prototypePollution } from "./prototype-pollution.js";
import { resource } from "./resource.js";
import type { JavaScriptAdversarialAttack } from "./types.js";

export type { JavaScriptAdversarialAttack, JavaScriptAdversarialContext } from "./types.js";

/** Every attack of the JavaScript suite, by category (the ones that exhaust the worker last). */
export const javascriptAdversarialAttacks: readonly JavaScriptAdversarialAttack[] = [
  ...prototypePollution,
  ...harnessTampering,
  ...comparison,
  ...expectedLeak,
  ...escapes,
  ...interference,
  ...resource,
];
