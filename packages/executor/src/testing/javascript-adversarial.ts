import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { rm, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import type { ExecutionRequest, Executor, Verdict, VerdictStatus } from "@coderm/core";
import { request } from "./javascript-attacks/helpers.js";
import {
  type JavaScriptAdversarialAttack,
  type JavaScriptAdversarialContext,
  javascriptAdversarialAttacks,
} from "./javascript-attacks/index.js";

export {
  type JavaScriptAdversarialAttack,
  type JavaScriptAdversarialContext,
  javascriptAdversarialAttacks,
} from "./javascript-attacks/index.js";

import { type AdversarialRow, attackOutcome, runRequests, statusesOf } from "./attack-outcome.js";

/** A prepared {@link JavaScriptAdversarialContext}: the listener and files live until `dispose`. */
export interface JavaScriptAdversarialEnvironment extends JavaScriptAdversarialContext {
  /** How many connections reached the listener so far. */
  readonly connections: number;
  /** Closes the listener, removes the secret file and restores the environment. */
  dispose(): Promise<void>;
}

/** Settings of {@link createJavaScriptAdversarialContext}. */
export interface JavaScriptAdversarialContextSettings {
  /** Directory that gets a secret file under a gitignored name (`*.log`); the working directory by default. */
  projectDir?: string;
  /** Name of the secret put in `process.env` (`OPENAI_API_KEY`). */
  envSecretName?: string;
}

/** Settings of {@link runJavaScriptAdversarialSuite}. */
export interface JavaScriptAdversarialSuiteOptions {
  /** From {@link createJavaScriptAdversarialContext}, made before the executor. */
  context: JavaScriptAdversarialEnvironment;
  /** The attacks to run; all of {@link javascriptAdversarialAttacks} by default. */
  attacks?: readonly JavaScriptAdversarialAttack[];
  /** Longest wait for one attack's verdicts before it counts as a hang (30 s). */
  attackTimeoutMs?: number;
}

/**
 * Prepares what the JavaScript attacks aim at: a TCP listener on 127.0.0.1 that counts
 * connections, a secret in `process.env` and a secret file in the project directory. Create it
 * before the executor, and dispose of it after the suite.
 */
export async function createJavaScriptAdversarialContext(
  settings: JavaScriptAdversarialContextSettings = {},
): Promise<JavaScriptAdversarialEnvironment> {
  const marker = randomBytes(4).toString("hex");
  const listenerTokenValue = `coderm-adversarial-token-${randomBytes(12).toString("hex")}`;
  const envSecretName = settings.envSecretName ?? "OPENAI_API_KEY";
  const envSecretPrefix = "sk-coderm-adversarial-";
  const envSecretValue = `${envSecretPrefix}${randomBytes(16).toString("hex")}`;
  const projectSecretPrefix = "coderm-adversarial-project-";
  const projectSecretValue = `${projectSecretPrefix}${randomBytes(16).toString("hex")}`;
  let connections = 0;
  const listener = createServer((socket) => {
    connections += 1;
    socket.on("error", () => {});
    socket.end(listenerTokenValue);
  });
  listener.listen({ port: 0, host: "127.0.0.1" });
  await once(listener, "listening");
  const projectSecretPath = join(settings.projectDir ?? process.cwd(), `adv-${marker}-secret.log`);
  await writeFile(projectSecretPath, projectSecretValue, { mode: 0o600 });
  const previousSecret = process.env[envSecretName];
  process.env[envSecretName] = envSecretValue;
  return {
    marker,
    listenerPort: (listener.address() as AddressInfo).port,
    listenerTokenValue,
    envSecretName,
    envSecretPrefix,
    envSecretValue,
    projectSecretPath,
    projectSecretPrefix,
    projectSecretValue,
    expectedToken: `coderm-adversarial-expected-${randomBytes(12).toString("hex")}`,
    get connections() {
      return connections;
    },
    async dispose() {
      if (previousSecret === undefined) delete process.env[envSecretName];
      else process.env[envSecretName] = previousSecret;
      listener.close();
      await rm(projectSecretPath, { force: true });
    },
  };
}

/**
 * Candidates the executor must still judge right after each attack (wrong ones first, so that
 * every worker of a small pool gets one), through every JavaScript test form.
 */
const canaryRequests: { request: ExecutionRequest; expected: VerdictStatus }[] = (
  [
    ["wrong", 3, "fail"],
    ["wrong", 3, "fail"],
    ["honest", 2, "pass"],
    ["honest", 2, "pass"],
    ["wrong", 3, "fail"],
    ["wrong", 3, "fail"],
  ] as const
).map(([kind, factor, expected], index) => ({
  expected,
  request: request(
    `canary-${kind}-${index}`,
    `function f(x) {\n  return x * ${factor} + ${index} * 0;\n}\n`,
    [
      { id: "assert", problemId: "canary", kind: "assert", code: "assert.strictEqual(f(21), 42);" },
      {
        id: "console",
        problemId: "canary",
        kind: "assert",
        code: "console.assert(JSON.stringify([f(21)]) === '[42]')",
      },
      {
        id: "check",
        problemId: "canary",
        kind: "check",
        entryPoint: "f",
        code: "function check(candidate) {\n  assert.deepEqual(candidate(21), 42);\n}\n",
      },
      { id: "call", problemId: "canary", kind: "call", entryPoint: "f", args: [21], expected: 42 },
    ],
  ),
}));

async function runAttack(
  executor: Executor,
  attack: JavaScriptAdversarialAttack,
  context: JavaScriptAdversarialEnvironment,
  timeoutMs: number,
): Promise<AdversarialRow> {
  const reasons: string[] = [];
  const connectionsBefore = context.connections;
  const attackRequest = attack.request(context);
  const victim = attack.victim?.(context);
  const verdicts = new Map<string, Map<string, Verdict>>();
  const execute = async (requests: readonly ExecutionRequest[]) => {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      for (const [id, forCandidate] of await runRequests(executor, requests, signal))
        verdicts.set(id, forCandidate);
    } catch (error) {
      reasons.push(
        signal.aborted
          ? `no verdicts within ${timeoutMs} ms`
          : `the executor failed: ${(error as Error).message}`,
      );
    }
  };
  if (victim !== undefined && victim.after !== true)
    await execute([attackRequest, ...victim.requests]);
  else {
    await execute([attackRequest]);
    if (victim !== undefined) await execute(victim.requests);
  }

  const statuses = statusesOf(attackRequest, verdicts);
  const attackVerdicts = [...(verdicts.get(attackRequest.candidate.id)?.values() ?? [])];
  const output = attackVerdicts
    .map((verdict) => `${verdict.output ?? ""}${verdict.message ?? ""}`)
    .join("");
  const passed = attackRequest.tests.filter((_, index) => statuses[index] === "pass");
  if (passed.length > 0)
    reasons.push(`PASS on ${passed.map((test) => test.id).join(", ")}: the exploit worked`);
  const missing = attackRequest.tests.filter((_, index) => statuses[index] === "missing");
  if (missing.length > 0 && reasons.length === 0)
    reasons.push(`no verdict for ${missing.map((test) => test.id).join(", ")}`);
  if (context.connections > connectionsBefore)
    reasons.push(
      `${context.connections - connectionsBefore} connection(s) reached the runner's listener`,
    );
  for (const secret of [context.envSecretPrefix, context.projectSecretPrefix])
    if (output.includes(secret)) reasons.push(`a secret (${secret}…) appears in its verdicts`);
  return attackOutcome({
    executor,
    attack,
    context,
    attackRequest,
    statuses,
    verdicts,
    output,
    victim,
    canaries: canaryRequests,
    timeoutMs,
    reasons,
  });
}

/**
 * Runs the JavaScript adversarial suite against an executor, one attack at a time, and returns
 * one row per attack (the rows of the Python suite, so `formatAdversarialTable` prints them).
 * After each attack it checks the listener and the verdicts for secrets, and that the executor
 * still judges honest and wrong candidates right in every test form. The executor stays open.
 */
export async function runJavaScriptAdversarialSuite(
  executor: Executor,
  options: JavaScriptAdversarialSuiteOptions,
): Promise<AdversarialRow[]> {
  const rows: AdversarialRow[] = [];
  for (const attack of options.attacks ?? javascriptAdversarialAttacks)
    rows.push(
      await runAttack(executor, attack, options.context, options.attackTimeoutMs ?? 30_000),
    );
  return rows;
}
