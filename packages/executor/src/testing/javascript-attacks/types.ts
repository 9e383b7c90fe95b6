import type { ExecutionRequest } from "@coderm/core";
import type {
  AdversarialCategory,
  AdversarialOutcome,
  AdversarialVictim,
} from "../attacks/types.js";

/**
 * What the JavaScript suite's runner prepares for the attacks: a listener whose reach is a
 * breach, and secrets no candidate may produce. The `*Value` fields are for the `expected` of call
 * tests (which never enter the sandbox), never for candidate code; the others are safe to paste
 * into it.
 */
export interface JavaScriptAdversarialContext {
  /** Unique to this run (8 hex digits). */
  readonly marker: string;
  /** A TCP listener on 127.0.0.1 that answers with `listenerTokenValue`; any connection is a breach. */
  readonly listenerPort: number;
  readonly listenerTokenValue: string;
  /** Name of a secret put in the runner's `process.env` before the executor was created. */
  readonly envSecretName: string;
  /** The secret's fixed prefix: a verdict whose output or message holds it is a breach. */
  readonly envSecretPrefix: string;
  readonly envSecretValue: string;
  /** A secret file in the project directory (under a gitignored name). */
  readonly projectSecretPath: string;
  /** The fixed prefix of the project secret's content (a breach in any verdict). */
  readonly projectSecretPrefix: string;
  readonly projectSecretValue: string;
  /** A value only the `expected` of the leak attacks' call tests holds. */
  readonly expectedToken: string;
}

/**
 * One hostile JavaScript candidate. Its program is wrong for its tests, so `pass` means the
 * exploit worked; escapes are also judged by what the runner observes on the host.
 */
export interface JavaScriptAdversarialAttack {
  /** Kebab-case, unique in the suite. */
  readonly id: string;
  readonly category: AdversarialCategory;
  readonly description: string;
  /** The request the runner hands to `executor.execute`. */
  request(context: JavaScriptAdversarialContext): ExecutionRequest;
  /** Candidates whose verdicts must not change (run after the attack's verdicts are in). */
  victim?(context: JavaScriptAdversarialContext): AdversarialVictim;
  /** A breach the verdict statuses cannot show: a reason, or undefined when there is none. */
  breach?(outcome: AdversarialOutcome, context: JavaScriptAdversarialContext): string | undefined;
}
