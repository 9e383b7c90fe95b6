/**
 * Benchmark: one GRPO-like step through the reward service, on this machine, over loopback.
 * 512 prompts × 16 responses (HumanEval problems with CodeT's CodeGen-16B samples, right and
 * wrong), 10 tests each (CodeT's generated asserts), scored three ways:
 *   1. the OpenRLHF way: one response per request, 256 at once (`/openrlhf`);
 *   2. one `/v1/reward` batch of all 8,192 items;
 *   3. the veRL way: one `/run_code` per test case (the program with one assert), 256 at once;
 * then overload at 4x the sustainable rate (429s, no crash, the server's peak RSS), and the
 * OpenRLHF way again with a harness process killed midway (every request must get the right
 * reward or a retryable status). The service runs as `coderm serve --no-cache` in its own
 * process. Prints figures; asserts nothing; stops by itself.
 *
 *   CODERM_DATA_DIR=../shared/data pnpm --filter @coderm/server bench [-- --prompts 512 --sandbox bwrap]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadProblems, loadSampleSet } from "@coderm/benchmarks";
import { stringifyJson } from "@coderm/core";
import { openExecutor, prepareGroundTruth } from "@coderm/pipeline";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    prompts: { type: "string", default: "512" },
    responses: { type: "string", default: "16" },
    tests: { type: "string", default: "10" },
    concurrency: { type: "string", default: "256" },
    sandbox: { type: "string", default: "bwrap" },
    "overload-seconds": { type: "string", default: "20" },
    "time-limit": { type: "string", default: "1000" },
    "verl-share": { type: "string", default: "8" },
  },
});
const promptCount = Number(values.prompts);
const responsesPerPrompt = Number(values.responses);
const testsPerPrompt = Number(values.tests);
const concurrency = Number(values.concurrency);
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

// --- the step's data -------------------------------------------------------------------------
// Responses: CodeT's CodeGen-16B samples (right and wrong). Tests: the first inputs of each
// problem in HumanEval+ (base inputs first) with their expected outputs, as inline call tests.
const set = await loadSampleSet("codet-humaneval-codegen16b");
const codesByProblem = new Map<string, string[]>();
for (const candidate of set.candidates)
  codesByProblem.set(candidate.problemId, [
    ...(codesByProblem.get(candidate.problemId) ?? []),
    candidate.code,
  ]);
const truthExecutor = await openExecutor();
const plus = await prepareGroundTruth(await loadProblems("humaneval+"), {
  executor: truthExecutor.executor,
  limits: { timeMs: 4000, memoryMb: 4096, outputBytes: 4096 },
});
await truthExecutor.close();
const testsByProblem = new Map<string, unknown[]>();
for (const problem of plus) {
  const calls = (problem.tests ?? []).slice(0, testsPerPrompt);
  // inline call tests compare exactly: problems with a tolerance or a special oracle sit out
  if (
    calls.some(
      (test) => test.kind !== "call" || test.atol !== undefined || test.oracle !== undefined,
    )
  )
    continue;
  testsByProblem.set(
    problem.id,
    calls.map((test) =>
      test.kind === "call"
        ? { kind: "call", fn: test.entryPoint, args: test.args, expected: test.expected }
        : undefined,
    ),
  );
}
interface Rollout {
  prompt: string;
  response: string;
  code: string;
  tests: unknown[];
}
const rollouts: Rollout[] = [];
const problems = set.problems.filter(
  (problem) => testsByProblem.get(problem.id)?.length === testsPerPrompt,
);
for (let index = 0; index < promptCount; index++) {
  const problem = problems[index % problems.length]!;
  const codes = codesByProblem.get(problem.id)!;
  const offset = Math.floor(index / problems.length) * responsesPerPrompt;
  for (let sample = 0; sample < responsesPerPrompt; sample++) {
    // each rollout its own program, as in a training step: nothing is deduplicated away
    const code = `${codes[(offset + sample) % codes.length]!}
# rollout ${rollouts.length}
`;
    rollouts.push({
      prompt: problem.prompt,
      response: `Here is the function:\n\`\`\`python\n${code}\`\`\`\n`,
      code,
      tests: testsByProblem.get(problem.id)!,
    });
  }
}
const testCases = rollouts.reduce((sum, rollout) => sum + rollout.tests.length, 0);

// --- the service -----------------------------------------------------------------------------
interface Service {
  child: ChildProcess;
  url: string;
}
async function startService(extra: string[]): Promise<Service> {
  const child = spawn(
    join(root, "coderm"),
    [
      ...[
        "serve",
        "--port",
        "0",
        "--no-cache",
        "--log-level",
        "warn",
        "--sandbox",
        values.sandbox!,
      ],
      ...["--max-batch-items", String(rollouts.length), "--time-limit", values["time-limit"]!],
      ...extra,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let text = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const match = /serving on (http:\/\/\S+) /.exec(text);
      if (match !== null) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`coderm serve exited ${code}: ${text}`)));
  });
  return { child, url };
}
async function stopService(service: Service): Promise<void> {
  const exited = new Promise((resolve) => service.child.once("exit", resolve));
  service.child.kill("SIGTERM");
  await exited;
}

/** The process ids under a process (its children, theirs, ...). */
async function descendants(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const status = await readFile(`/proc/${name}/status`, "utf8").catch(() => "");
    const parent = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
    parents.set(parent, [...(parents.get(parent) ?? []), Number(name)]);
  }
  const found: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    for (const child of parents.get(stack.pop()!) ?? []) {
      found.push(child);
      stack.push(child);
    }
  }
  return found;
}

/** The node process serving (the `coderm` launcher's child), for its peak RSS. */
async function serverPid(service: Service): Promise<number> {
  for (const pid of [service.child.pid!, ...(await descendants(service.child.pid!))]) {
    const command = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (command.includes("node") && command.includes("serve")) return pid;
  }
  return service.child.pid!;
}
async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/^VmHWM:\s+(\d+)/m.exec(status)![1]) / 1024;
}

// --- load ------------------------------------------------------------------------------------
interface Outcome {
  status: number;
  ms: number;
  body: unknown;
}
async function post(url: string, body: unknown): Promise<Outcome> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stringifyJson(body),
    });
    const text = await response.text();
    return { status: response.status, ms: performance.now() - started, body: JSON.parse(text) };
  } catch (error) {
    return { status: 0, ms: performance.now() - started, body: String(error) };
  }
}
async function pooled<T>(count: number, width: number, task: (index: number) => Promise<T>) {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const openRlhfBody = (rollout: Rollout) => ({
  query: [rollout.prompt + rollout.response],
  prompts: [rollout.prompt],
  labels: [stringifyJson(rollout.tests)],
});
/** A rollout made distinct by its sequence number, so a long run repeats no program. */
const unique = (sequence: number): Rollout => {
  const rollout = rollouts[sequence % rollouts.length]!;
  const code = `${rollout.code}# repeat ${sequence}\n`;
  return { ...rollout, code, response: `\`\`\`python\n${code}\`\`\`\n` };
};
const rewardOf = (outcome: Outcome) =>
  outcome.status === 200 ? (outcome.body as { rewards: number[] }).rewards[0] : undefined;

const rows: string[] = [];
const report = (line: string) => {
  rows.push(line);
  console.error(line);
};

let singleSeconds = 0;
let firstRewards: (number | undefined)[] = [];
const service = await startService([]);
try {
  // 1. the OpenRLHF way
  let started = performance.now();
  const single = await pooled(rollouts.length, concurrency, (index) =>
    post(`${service.url}/openrlhf`, openRlhfBody(rollouts[index]!)),
  );
  singleSeconds = (performance.now() - started) / 1000;
  const latencies = single.map((outcome) => outcome.ms);
  const singleErrors = single.filter((outcome) => outcome.status !== 200).length;
  const reference = single.map(rewardOf);
  firstRewards = reference;

  // 2. one /v1/reward batch
  started = performance.now();
  const batch = await post(`${service.url}/v1/reward`, {
    items: rollouts.map((rollout) => ({ response: rollout.response, tests: rollout.tests })),
  });
  const batchSeconds = (performance.now() - started) / 1000;
  if (batch.status !== 200) throw new Error(`the batch failed: ${JSON.stringify(batch.body)}`);
  const batchRewards = (batch.body as { results: { reward: number }[] }).results.map(
    (result) => result.reward,
  );
  const batchAgrees = batchRewards.every((reward, index) => reward === reference[index]);

  // 3. the veRL way: a /run_code per test case, on every n-th rollout (it is slow: the time is
  // extrapolated to the whole step)
  const share = Number(values["verl-share"]);
  const sampled = rollouts.filter((_, index) => index % share === 0);
  const cases = sampled.flatMap((rollout) =>
    rollout.tests.map((test) => {
      const call = test as { fn: string; args: unknown[]; expected: unknown };
      return `${rollout.code}\n\nimport json\nassert ${call.fn}(*json.loads(${JSON.stringify(stringifyJson(call.args))})) == json.loads(${JSON.stringify(stringifyJson(call.expected))})\n`;
    }),
  );
  started = performance.now();
  const runs = await pooled(cases.length, concurrency, (index) =>
    post(`${service.url}/run_code`, {
      code: cases[index],
      language: "python",
      stdin: "",
      run_timeout: Number(values["time-limit"]) / 1000,
    }),
  );
  const runSeconds = ((performance.now() - started) / 1000) * (rollouts.length / sampled.length);
  const runErrors = runs.filter((outcome) => outcome.status !== 200).length;

  report(
    `GRPO-like step: ${promptCount} prompts x ${responsesPerPrompt} responses = ${rollouts.length} rollouts, ${testCases} test cases (CodeT's samples of the ${problems.length} HumanEval problems whose first ${testsPerPrompt} HumanEval+ inputs compare exactly), ${values["time-limit"]} ms a test, sandbox ${values.sandbox}, verdict cache off`,
  );
  report(
    `  OpenRLHF way (1 response a request, ${concurrency} at once): ${singleSeconds.toFixed(1)} s, ${(rollouts.length / singleSeconds).toFixed(0)} rollouts/s, p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, ${singleErrors} errors`,
  );
  report(
    `  one /v1/reward batch: ${batchSeconds.toFixed(1)} s, ${(rollouts.length / batchSeconds).toFixed(0)} rollouts/s (rewards ${batchAgrees ? "identical to the OpenRLHF way's" : "DIFFERENT"})`,
  );
  report(
    `  veRL way (1 /run_code a test case, ${concurrency} at once): ${runSeconds.toFixed(1)} s, ${(rollouts.length / runSeconds).toFixed(0)} rollouts/s, ${runErrors} errors (measured on ${cases.length} test cases of every ${share}th rollout, the time scaled to the step)`,
  );
  report(
    `  time against the batch: OpenRLHF way ${(singleSeconds / batchSeconds).toFixed(2)}x, veRL way ${(runSeconds / batchSeconds).toFixed(2)}x`,
  );
  report(
    `  mean reward ${(reference.reduce((sum: number, reward) => sum + (reward ?? 0), 0) / reference.length).toFixed(3)}`,
  );
} finally {
  await stopService(service);
}

// 4. overload at 4x the sustainable rate, with a bounded queue
{
  const bound = 1024;
  const bounded = await startService(["--max-queue-depth", String(bound)]);
  try {
    const pid = await serverPid(bounded);
    // the sustainable rate, measured again on this service
    const warmup = Array.from({ length: 2048 }, (_, index) => unique(index));
    const warmStarted = performance.now();
    await pooled(warmup.length, concurrency, (index) =>
      post(`${bounded.url}/openrlhf`, openRlhfBody(warmup[index]!)),
    );
    const rate = warmup.length / ((performance.now() - warmStarted) / 1000);
    const seconds = Number(values["overload-seconds"]);
    const pending: Promise<Outcome>[] = [];
    const interval = 1000 / (4 * rate);
    let deepest = 0;
    const poll = setInterval(async () => {
      const text = await (await fetch(`${bounded.url}/metrics`)).text().catch(() => "");
      deepest = Math.max(deepest, Number(/^coderm_queue_depth (\d+)/m.exec(text)?.[1] ?? 0));
    }, 200);
    const start = performance.now();
    let sent = 0;
    while (performance.now() - start < seconds * 1000) {
      const due = Math.floor((performance.now() - start) / interval);
      for (; sent < due; sent++)
        pending.push(
          post(`${bounded.url}/openrlhf`, openRlhfBody(rollouts[(2048 + sent) % rollouts.length]!)),
        );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const outcomes = await Promise.all(pending);
    clearInterval(poll);
    const byStatus = new Map<number, number>();
    for (const outcome of outcomes)
      byStatus.set(outcome.status, (byStatus.get(outcome.status) ?? 0) + 1);
    const alive = (await fetch(`${bounded.url}/healthz`)).status === 200;
    report(
      `overload: ${sent} requests in ${seconds} s at 4x the sustainable ${rate.toFixed(0)} rollouts/s (queue bound ${bound}, deepest seen ${deepest}): ${[...byStatus].map(([status, count]) => `${status === 0 ? "no answer" : status}: ${count}`).join(", ")}; server ${alive ? "alive" : "DOWN"}, peak RSS ${(await peakRssMb(pid)).toFixed(0)} MiB`,
    );
  } finally {
    await stopService(bounded);
  }
}

// 5. the OpenRLHF way with a harness process killed midway
{
  const fresh = await startService([]);
  try {
    // the OpenRLHF way's rewards of the first service are the reference
    let killed: number | undefined;
    const killer = setTimeout(
      async () => {
        // a harness process: a python process whose parent is not one (the candidate children's is)
        for (const pid of await descendants(fresh.child.pid!)) {
          const command = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
          const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
          const parent = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
          const parentCommand = await readFile(`/proc/${parent}/cmdline`, "utf8").catch(() => "");
          if (
            command.includes("harness") &&
            command.includes("python") &&
            !parentCommand.startsWith(command.split("\0")[0]!)
          ) {
            process.kill(pid, "SIGKILL");
            killed = pid;
            break;
          }
        }
      },
      Math.max(500, singleSeconds * 300),
    );
    const outcomes = await pooled(rollouts.length, concurrency, (index) =>
      post(`${fresh.url}/openrlhf`, openRlhfBody(rollouts[index]!)),
    );
    clearTimeout(killer);
    let right = 0;
    let retryable = 0;
    let wrong = 0;
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 200) {
        if (rewardOf(outcome) === firstRewards[index]) right += 1;
        else wrong += 1;
      } else if (outcome.status === 503 || outcome.status === 429) retryable += 1;
      else wrong += 1;
    });
    report(
      `harness process ${killed ?? "(none found)"} killed with SIGKILL ${Math.max(0.5, singleSeconds * 0.3).toFixed(1)} s into ${rollouts.length} single requests: ${right} right rewards, ${retryable} retryable (503/429), ${wrong} wrong or lost`,
    );
  } finally {
    await stopService(fresh);
  }
}
console.log(rows.join("\n"));
