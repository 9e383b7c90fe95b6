import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecutionRequest, Executor, Verdict, VerdictStatus } from "@coderm/core";
import {
  type AdversarialAttack,
  type AdversarialContext,
  adversarialAttacks,
} from "./attacks/index.js";

export {
  type AdversarialAttack,
  type AdversarialCategory,
  type AdversarialContext,
  type AdversarialOutcome,
  type AdversarialVictim,
  adversarialAttacks,
} from "./attacks/index.js";

import { type AdversarialRow, attackOutcome, runRequests, statusesOf } from "./attack-outcome.js";

/** A prepared {@link AdversarialContext}: the listeners, files and decoy live until `dispose`. */
export interface AdversarialEnvironment extends AdversarialContext {
  /** Closes the listeners, stops the decoy, removes the files and restores the environment. */
  dispose(): Promise<void>;
}

/** Settings of {@link createAdversarialContext}. */
export interface AdversarialContextSettings {
  /** Project directory that gets a secret file under a gitignored name (`*.log`); the working directory by default. */
  projectDir?: string;
  /** Name of the secret put in `process.env` (`OPENAI_API_KEY`). */
  envSecretName?: string;
}

/** Settings of {@link runAdversarialSuite}. */
export interface AdversarialSuiteOptions {
  /** From {@link createAdversarialContext}, made before the executor so its secret is in `process.env` then. */
  context: AdversarialEnvironment;
  /** The attacks to run; all of {@link adversarialAttacks} by default. */
  attacks?: readonly AdversarialAttack[];
  /** Longest wait for one attack's verdicts before it counts as a hang (30 s). */
  attackTimeoutMs?: number;
}

/** What the runner watches on the host while the attacks run. */
interface Observations {
  connections: number;
  signals: number;
  decoy: ChildProcess;
  /** Starts a new decoy after an attack killed it. */
  restartDecoy(): Promise<void>;
}

const observed = new WeakMap<AdversarialContext, Observations>();

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Starts a server on a port of 127.0.0.1 (a number) or a Unix socket path. */
async function listen(server: Server, address: number | string): Promise<void> {
  server.listen(typeof address === "number" ? { port: address, host: "127.0.0.1" } : address);
  await once(server, "listening");
}

/**
 * Prepares what the attacks aim at: TCP and Unix listeners, a secret file in the project
 * directory and one under a fake home directory, a secret in `process.env` and a decoy process
 * holding it. Create it before the executor, and dispose of it after the suite.
 */
export async function createAdversarialContext(
  settings: AdversarialContextSettings = {},
): Promise<AdversarialEnvironment> {
  const marker = randomBytes(4).toString("hex");
  const tag = `adv-${marker}`;
  const token = `coderm-adversarial-token-${randomBytes(12).toString("hex")}`;
  const projectDir = settings.projectDir ?? process.cwd();
  const envSecretName = settings.envSecretName ?? "OPENAI_API_KEY";
  const envSecretPrefix = "sk-coderm-adversarial-";
  const envSecret = `${envSecretPrefix}${randomBytes(16).toString("hex")}`;
  const projectSecret = `coderm-adversarial-project-${randomBytes(16).toString("hex")}`;
  const homeSecret = `coderm-adversarial-home-${randomBytes(16).toString("hex")}`;

  const decoyTag = `${tag}-decoy`;
  const startDecoy = async () => {
    const decoy = spawn(process.execPath, ["-e", "setInterval(() => {}, 60000)", decoyTag], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", [envSecretName]: envSecret },
      stdio: "ignore",
    });
    await once(decoy, "spawn");
    return decoy;
  };
  const observations: Observations = {
    connections: 0,
    signals: 0,
    decoy: await startDecoy(),
    async restartDecoy() {
      this.decoy = await startDecoy();
    },
  };
  const answer = (socket: Socket) => {
    observations.connections += 1;
    socket.on("error", () => {});
    socket.end(token);
  };
  const tcp = createServer(answer);
  await listen(tcp, 0);
  const unixSocketPath = join(tmpdir(), `${tag}.sock`);
  const unix = createServer(answer);
  await listen(unix, unixSocketPath);

  const projectSecretPath = join(projectDir, `${tag}-secret.log`);
  await writeFile(projectSecretPath, projectSecret, { mode: 0o600 });
  const homeDir = await mkdtemp(join(tmpdir(), `${tag}-home-`));
  const homeSecretPath = join(homeDir, ".ssh", "id_ed25519");
  await mkdir(join(homeDir, ".ssh"), { mode: 0o700 });
  await writeFile(homeSecretPath, homeSecret, { mode: 0o600 });

  const previousSecret = process.env[envSecretName];
  process.env[envSecretName] = envSecret;
  const onSignal = () => {
    observations.signals += 1;
  };
  process.on("SIGUSR2", onSignal);

  const context: AdversarialEnvironment = {
    marker,
    tag,
    listenerPort: (tcp.address() as AddressInfo).port,
    unixSocketPath,
    tokenHash: sha256(token),
    projectSecretPath,
    projectSecretHash: sha256(projectSecret),
    homeDir,
    homeSecretPath,
    homeSecretHash: sha256(homeSecret),
    envSecretName,
    envSecretPrefix,
    envSecretHash: sha256(envSecret),
    decoyTag,
    outsideDirs: [tmpdir(), projectDir, homeDir],
    expectedToken: `coderm-adversarial-expected-${randomBytes(12).toString("hex")}`,
    async dispose() {
      process.off("SIGUSR2", onSignal);
      if (previousSecret === undefined) delete process.env[envSecretName];
      else process.env[envSecretName] = previousSecret;
      observations.decoy.kill("SIGKILL");
      tcp.close();
      unix.close();
      await Promise.all([
        rm(projectSecretPath, { force: true }),
        rm(homeDir, { recursive: true, force: true }),
        rm(unixSocketPath, { force: true }),
      ]);
    },
  };
  observed.set(context, observations);
  return context;
}

/**
 * The live processes whose name or command line carries the tag (processes an attack left
 * behind); zombies are dead already and do not count.
 */
async function taggedProcesses(tag: string, decoyTag: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const [stat, cmdline] = await Promise.all([
      readFile(`/proc/${entry}/stat`, "utf8").catch(() => ""),
      readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => ""),
    ]);
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (state === "" || state === "Z" || state === "X" || cmdline.includes(decoyTag)) continue;
    if (name === tag || cmdline.includes(tag)) found.push(Number(entry));
  }
  return found;
}

/** Files named with the tag in the outside dirs, and in harness dirs (with their top dir). */
async function taggedFiles(context: AdversarialContext): Promise<{
  outside: string[];
  harness: { path: string; top: string }[];
}> {
  const outside: string[] = [];
  for (const dir of new Set([...context.outsideDirs, "/tmp", "/var/tmp", "/dev/shm"])) {
    for (const name of await readdir(dir).catch(() => [] as string[]))
      if (name.startsWith(`${context.tag}-`) && name.endsWith(".log") && !name.includes("secret"))
        outside.push(join(dir, name));
  }
  const harness: { path: string; top: string }[] = [];
  const walk = async (dir: string, top: string, depth: number) => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && depth < 3) await walk(path, top, depth + 1);
      else if (entry.name.startsWith(context.tag)) harness.push({ path, top });
    }
  };
  for (const name of await readdir(tmpdir()).catch(() => [] as string[]))
    if (name.startsWith("coderm-harness-"))
      await walk(join(tmpdir(), name), join(tmpdir(), name), 1);
  return { outside, harness };
}

/**
 * Candidates the executor must still judge right after each attack: wrong ones first, so that a
 * pool that hands requests out in turn gives every worker (of up to four) a wrong candidate.
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
  request: {
    candidate: {
      id: `canary-${kind}-${index}`,
      problemId: "adversarial",
      code: `def f(x):\n    return x * ${factor} + ${index} * 0\n`,
    },
    tests: [
      { id: "assert", problemId: "adversarial", kind: "assert", code: "assert f(21) == 42" },
      {
        id: "check",
        problemId: "adversarial",
        kind: "check",
        entryPoint: "f",
        code: "def check(candidate):\n    assert candidate(21) == 42\n",
      },
    ],
    limits: { timeMs: 1000, memoryMb: 256, outputBytes: 4096 },
  },
}));

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one attack and everything the runner checks around it. */
async function runAttack(
  executor: Executor,
  attack: AdversarialAttack,
  context: AdversarialEnvironment,
  timeoutMs: number,
): Promise<AdversarialRow> {
  const observations = observed.get(context)!;
  observations.connections = 0;
  observations.signals = 0;
  const reasons: string[] = [];
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
  // Give stray processes and late connections a moment to show themselves.
  await wait(300);

  const statuses = statusesOf(attackRequest, verdicts);
  const attackVerdicts = [...(verdicts.get(attackRequest.candidate.id)?.values() ?? [])];
  const output = attackVerdicts
    .map((verdict) => `${verdict.output ?? ""}${verdict.message ?? ""}`)
    .join("");
  const passed = attackRequest.tests.filter((_, index) => statuses[index] === "pass");
  if (passed.length > 0)
    reasons.push(`PASS on ${passed.map((test) => test.id).join(", ")}: the exploit worked`);
  if (observations.connections > 0)
    reasons.push(`${observations.connections} connection(s) reached the runner's listeners`);
  if (observations.signals > 0) reasons.push("a signal reached the runner's own process");
  if (observations.decoy.exitCode !== null || observations.decoy.signalCode !== null) {
    reasons.push(`the decoy host process was killed (${observations.decoy.signalCode})`);
    await observations.restartDecoy();
  }
  const strays = await taggedProcesses(context.tag, context.decoyTag);
  if (strays.length > 0) {
    reasons.push(`${strays.length} process(es) it started outlived its request`);
    for (const pid of strays) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
  }
  const files = await taggedFiles(context);
  if (files.outside.length > 0) reasons.push(`files written outside: ${files.outside.join(", ")}`);
  const tops = new Set(files.harness.map((file) => file.top));
  if (tops.size > 1) reasons.push(`files planted in ${tops.size} different harness directories`);
  await Promise.all(
    [...files.outside, ...files.harness.map((file) => file.path)].map((path) =>
      rm(path, { force: true }),
    ),
  );
  for (const secret of [
    context.envSecretPrefix,
    "coderm-adversarial-project-",
    "coderm-adversarial-home-",
  ])
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
 * Runs the adversarial suite against an executor, one attack at a time, and returns one row per
 * attack. After each attack it checks the listeners, the decoy, files outside the sandbox and
 * stray processes, and that the executor still judges an honest and a wrong candidate right.
 * The executor stays open.
 */
export async function runAdversarialSuite(
  executor: Executor,
  options: AdversarialSuiteOptions,
): Promise<AdversarialRow[]> {
  const rows: AdversarialRow[] = [];
  for (const attack of options.attacks ?? adversarialAttacks)
    rows.push(
      await runAttack(executor, attack, options.context, options.attackTimeoutMs ?? 30_000),
    );
  return rows;
}

/**
 * A Markdown table of the suite's rows at several sandbox levels (one column each), breaches
 * marked loudly, then the reasons of every breach and a count per level.
 */
export function formatAdversarialTable(
  rowsByLevel: Readonly<Record<string, readonly AdversarialRow[]>>,
): string {
  const levels = Object.keys(rowsByLevel);
  const ids: AdversarialRow[] = [];
  for (const rows of Object.values(rowsByLevel))
    for (const row of rows) if (!ids.some((seen) => seen.id === row.id)) ids.push(row);
  const cell = (row: AdversarialRow | undefined) =>
    row === undefined ? "—" : `${row.breached ? "**BREACH** " : ""}${row.verdicts.join(" ")}`;
  const lines = [
    `| attack | category | ${levels.join(" | ")} |`,
    `| --- | --- | ${levels.map(() => "---").join(" | ")} |`,
    ...ids.map(
      (row) =>
        `| ${row.id} | ${row.category} | ${levels.map((level) => cell(rowsByLevel[level]!.find((candidate) => candidate.id === row.id))).join(" | ")} |`,
    ),
    "",
  ];
  for (const level of levels) {
    const rows = rowsByLevel[level]!;
    const breached = rows.filter((row) => row.breached);
    lines.push(`**${level}**: ${breached.length} of ${rows.length} attacks breached`);
    for (const row of breached) lines.push(`- ${row.id}: ${row.detail}`);
    lines.push("");
  }
  return lines.join("\n");
}
