import { parseJson } from "@coderm/core";
import { readJsonl } from "@coderm/core/node";
import { z } from "zod";
import type { TrainingRow } from "./train.js";

const pairSchema = z.object({
  problemId: z.string(),
  dataset: z.string().optional(),
  split: z.enum(["train", "validation", "test"]),
  language: z.enum(["python", "java", "go"]),
  focalCode: z.string(),
  existingTests: z.string(),
  testCode: z.string(),
  labels: z.object({ runs: z.boolean(), coverageGain: z.boolean(), mutationGain: z.boolean() }),
  deltas: z.object({ coverage: z.number(), mutation: z.number() }).optional(),
});

/** A labeled pair as a training row, with its float deltas where the file has them. */
export interface TrainingPair extends TrainingRow {
  deltas?: { coverage: number; mutation: number };
}

/** The rows of a labeled dataset, by split. */
export type TrainingPairSplits = Record<"train" | "validation" | "test", TrainingPair[]>;

/**
 * Reads a labeled dataset (JSONL, as `coderm rmrf label` writes: the training-row fields with
 * `split` and `problemId`; other fields are ignored) as training rows by split; a row's group is
 * its dataset and problem, so one problem's tests never straddle a split of ours. Lines are read
 * the way they were written (a test's arguments may hold `Infinity`, `NaN` or exact big integers).
 */
export async function readTrainingPairs(file: string): Promise<TrainingPairSplits> {
  const splits: TrainingPairSplits = { train: [], validation: [], test: [] };
  for await (const { value } of readJsonl(file, { schema: pairSchema, parse: parseJson })) {
    splits[value.split].push({
      language: value.language,
      focalCode: value.focalCode,
      existingTests: value.existingTests,
      testCode: value.testCode,
      labels: value.labels,
      group: `${value.dataset ?? ""}:${value.problemId}`,
      ...(value.deltas === undefined ? {} : { deltas: value.deltas }),
    });
  }
  return splits;
}
