import type { ExecutionRequest, VerdictStatus } from "@coderm/core";

/** What an adversarial attack goes after. */
export type AdversarialCategory =
  | "early-exit"
  | "output-forgery"
  | "monkeypatch"
  | "comparison"
  | "expected-leak"
  | "resource"
  | "escape"
  | "interference"
  | "host-resources"
  | "forged-names"
  | "membership"
  | "borrowed-helpers"
  | "source-twins"
  | "normalizer-bombs"
  | "cleanup-bombs"
  | "decode-bombs"
  | "format-bombs";

/**
 * What the runner prepares for the attacks: listeners, secrets and a decoy host process whose
 * reach by a candidate is a breach. Every value is safe to paste into candidate code.
 */
export interface AdversarialContext {
  /** Unique to this run (8 hex digits). */
  readonly marker: string;
  /** `adv-<marker>`: processes an attack starts are named with it, files it writes start with it. */
  readonly tag: string;
  /** A TCP listener on 127.0.0.1 that answers every connection with a token; any connection is a breach. */
  readonly listenerPort: number;
  /** A Unix socket listener that answers like the TCP one; any connection is a breach. */
  readonly unixSocketPath: string;
  /** SHA-256 (hex) of the token both listeners send. */
  readonly tokenHash: string;
  /** A secret file in the project directory (under a gitignored name). */
  readonly projectSecretPath: string;
  /** SHA-256 (hex) of its content. */
  readonly projectSecretHash: string;
  /** A temporary directory standing for the user's home directory. */
  readonly homeDir: string;
  /** A secret file under it: `<homeDir>/.ssh/id_ed25519`. */
  readonly homeSecretPath: string;
  /** SHA-256 (hex) of its content. */
  readonly homeSecretHash: string;
  /** Name of the secret put in the runner's environment before the executor was created. */
  readonly envSecretName: string;
  /** The secret's fixed prefix (attacks report only values that start with it). */
  readonly envSecretPrefix: string;
  /** SHA-256 (hex) of the secret. */
  readonly envSecretHash: string;
  /** Word in the command line of a decoy host process that holds the secret in its environment. */
  readonly decoyTag: string;
  /** Host directories a write must never reach (the temporary dir, the project, the home). */
  readonly outsideDirs: readonly string[];
  /** A value only the tests of memory-reading attacks expect. */
  readonly expectedToken: string;
}

/** The same attack run a second time alongside (or right after) the attack, by another candidate. */
export interface AdversarialVictim {
  /** Requests of the victim candidate(s); their candidate ids must differ from the attack's. */
  readonly requests: readonly ExecutionRequest[];
  /** The status every victim test gets when the attack has no effect on it. */
  readonly expected: VerdictStatus;
  /** Run the victims after the attack's verdicts are in, rather than at the same time. */
  readonly after?: boolean;
}

/** What an attack's breach check sees. */
export interface AdversarialOutcome {
  /** The attack's verdict statuses, in test order ("missing" where the executor gave none). */
  readonly statuses: readonly (VerdictStatus | "missing")[];
  /** The captured output of every attack verdict, concatenated. */
  readonly output: string;
}

/**
 * One hostile candidate. Its program is wrong for its tests, so `pass` means the exploit worked;
 * escapes are also judged by what the runner observes outside the sandbox.
 */
export interface AdversarialAttack {
  /** Kebab-case, unique in the suite. */
  readonly id: string;
  readonly category: AdversarialCategory;
  readonly description: string;
  /** The request the runner hands to `executor.execute`. */
  request(context: AdversarialContext): ExecutionRequest;
  /** A victim candidate whose verdicts must not change. */
  victim?(context: AdversarialContext): AdversarialVictim;
  /** A breach the verdict statuses cannot show: a reason, or undefined when there is none. */
  breach?(outcome: AdversarialOutcome, context: AdversarialContext): string | undefined;
}
