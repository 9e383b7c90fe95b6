/**
 * Benchmark: the OpenAI generator against the dev-only protocol server answering after 50 ms,
 * in its own process: 164 problems x 100 samples, one sample a request (16,400 requests), at
 * concurrency 64. Prints the wall time against the latency-bound ideal (requests / concurrency x
 * latency) and the client's CPU time per request. Asserts nothing.
 *
 *   pnpm --filter @coderm/generators bench [-- --latency-ms 50 --concurrency 64 --n-per-request 1]
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { parseArgs } from "node:util";
import type { GenerationJob } from "@coderm/core";
import { createOpenAIGenerator } from "@coderm/generators";

const { values } = parseArgs({
  // `pnpm bench -- --flag` passes the `--` along
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    "latency-ms": { type: "string", default: "50" },
    concurrency: { type: "string", default: "64" },
    problems: { type: "string", default: "164" },
    samples: { type: "string", default: "100" },
    "n-per-request": { type: "string", default: "1" },
  },
});
const latencyMs = Number(values["latency-ms"]);
const concurrency = Number(values.concurrency);
const problems = Number(values.problems);
const samples = Number(values.samples);
const perRequest = Number(values["n-per-request"]);

// The server runs in its own process, so the CPU measured here is the client's alone.
const server = spawn(
  process.execPath,
  [
    "--input-type=module",
    "-e",
    `import { createOpenAITestServer } from "@coderm/openai-test-server";
     const server = createOpenAITestServer({ models: ["policy"], latencyMs: ${latencyMs},
       respond: (request) => "def f():\\n    return " + request.sampleIndex });
     const { baseURL } = await server.start();
     console.log(baseURL);`,
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const [line] = (await once(server.stdout!, "data")) as [Buffer];
const baseURL = line.toString().trim();
try {
  const generator = createOpenAIGenerator({ model: "policy", baseURL, cache: false, concurrency });
  const jobs: GenerationJob[] = [];
  for (let problem = 0; problem < problems; problem++)
    for (let part = 0; part < samples / perRequest; part++)
      jobs.push({
        id: `p${problem}-${part}`,
        template: "instruct",
        messages: [{ role: "user", content: `problem ${problem} part ${part}` }],
        n: perRequest,
      });
  const cpu = process.cpuUsage();
  const started = performance.now();
  let completions = 0;
  for await (const _ of generator.generate(jobs)) completions += 1;
  const wallS = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await generator.close();
  const requests = generator.usage.requests;
  const idealS = (Math.ceil(requests / concurrency) * latencyMs) / 1000;
  console.log(
    `${completions} completions in ${requests} requests, latency ${latencyMs} ms, concurrency ${concurrency}`,
  );
  console.log(
    `wall ${wallS.toFixed(2)} s, latency-bound ideal ${idealS.toFixed(2)} s: ${((100 * idealS) / wallS).toFixed(1)} % of ideal`,
  );
  console.log(
    `client CPU ${((used.user + used.system) / 1000).toFixed(0)} ms: ${((used.user + used.system) / 1000 / requests).toFixed(3)} ms per request`,
  );
} finally {
  server.kill();
}
