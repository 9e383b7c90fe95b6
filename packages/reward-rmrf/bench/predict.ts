/**
 * Benchmark: the embedded RM-RF scorer's time per test over RM-RF's dev samples (604 tests of
 * Python, Java and Go): tree-sitter features of each test plus the forests' prediction, after a
 * warm-up pass, with each focal file's and suite's reading shared by the tests that come with it
 * (as a TestScorer call shares them).
 * Also the one-time reading of a focal file and suite, and the end-to-end time per test. Prints
 * wall and CPU time (the latter steadier on a busy machine); asserts nothing.
 *
 *   CODERM_DATA_DIR=../shared/data pnpm --filter @coderm/reward-rmrf bench [-- --rounds 5]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  createFeatureExtractor,
  type FeatureInput,
  loadEmbeddedPredictor,
  predictTestScore,
  readRmrfSamples,
  rmrfRow,
} from "@coderm/reward-rmrf";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { rounds: { type: "string", default: "5" }, model: { type: "string" } },
});
const dataDirectory = process.env.CODERM_DATA_DIR;
if (dataDirectory === undefined) throw new Error("set CODERM_DATA_DIR to the offline data");
const { samples } = await readRmrfSamples([join(dataDirectory, "rm-rf/validation-dev")]);
const rows = samples.map(rmrfRow);
// tests of one focal file and suite together, as one TestScorer call would bring them
const byContext = new Map<string, FeatureInput[]>();
for (const row of rows) {
  const key = `${row.language}\u0000${row.focalCode}\u0000${row.existingTests}`;
  byContext.set(key, [...(byContext.get(key) ?? []), row]);
}
const batches = [...byContext.values()];

let started = performance.now();
const predictor = await loadEmbeddedPredictor(values.model);
const loadMs = performance.now() - started;
const { model } = predictor;

// per test: features of the test plus the forests, the focal file and suite read beforehand
const extractor = await createFeatureExtractor();
const contexts = batches.map((batch) =>
  extractor.context(batch[0]!.language, batch[0]!.focalCode, batch[0]!.existingTests),
);
const scoreAll = () => {
  batches.forEach((batch, index) => {
    for (const input of batch)
      predictTestScore(model, extractor.features(contexts[index]!, input.testCode));
  });
};
scoreAll(); // warm-up
const rounds = Number(values.rounds);
const wall: number[] = [];
const cpu: number[] = [];
for (let round = 0; round < rounds; round++) {
  started = performance.now();
  const before = process.cpuUsage();
  scoreAll();
  const used = process.cpuUsage(before);
  wall.push((performance.now() - started) / rows.length);
  cpu.push((used.user + used.system) / 1000 / rows.length);
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// per call: a fresh extractor reads every focal file and suite once
const fresh = await createFeatureExtractor();
started = performance.now();
for (const batch of batches)
  fresh.context(batch[0]!.language, batch[0]!.focalCode, batch[0]!.existingTests);
const contextMs = (performance.now() - started) / batches.length;

// end to end: one scoreTexts call per focal file and suite, as a TestScorer call makes
started = performance.now();
for (const batch of batches) predictor.scoreTexts(batch);
const endToEnd = (performance.now() - started) / rows.length;

const chars = rows.reduce((sum, row) => sum + row.testCode.length, 0) / rows.length;
console.log(
  `embedded RM-RF scorer over ${rows.length} RM-RF dev tests (${batches.length} focal files and suites, tests of ${chars.toFixed(0)} characters on average)`,
);
console.log(`  load (model + tree-sitter parsers): ${loadMs.toFixed(0)} ms`);
console.log(
  `  per test, warm (features + prediction): ${median(wall).toFixed(3)} ms wall, ${median(cpu).toFixed(3)} ms CPU (medians of ${rounds} rounds)`,
);
console.log(`  per focal file and suite, read once per call: ${contextMs.toFixed(2)} ms`);
console.log(
  `  per test, end to end (one call per focal file, its reading included): ${endToEnd.toFixed(3)} ms`,
);
