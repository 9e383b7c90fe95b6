import type { TrainingRow } from "../predictors/train.js";
import type { RmrfSample } from "../rmrf-sample.js";
import type { TestScoreTruth } from "./metrics.js";

/** An RM-RF sample as a training row, with its float deltas for evaluation. */
export interface RmrfRow extends TrainingRow {
  truth: TestScoreTruth;
  /** The sample's file, repository and focal file path. */
  file: string;
  repository: string;
  focalPath: string;
}

/**
 * An RM-RF sample as a training row: the test file's text is the test, the stored existing
 * suite is the suite; runs is `correctness`, a gain is a delta above 0; the group is the
 * repository.
 */
export function rmrfRow(sample: RmrfSample): RmrfRow {
  const labels = {
    runs: sample.correct,
    coverageGain: sample.targets.coverage > 0,
    mutationGain: sample.targets.mutation > 0,
  };
  return {
    language: sample.language === "Python" ? "python" : sample.language === "Java" ? "java" : "go",
    focalCode: sample.focal.content,
    existingTests: sample.test.existingCode,
    testCode: sample.test.content,
    labels,
    group: sample.repository,
    truth: {
      ...labels,
      coverageDelta: sample.targets.coverage,
      mutationDelta: sample.targets.mutation,
    },
    file: sample.file,
    repository: sample.repository,
    focalPath: sample.focal.path,
  };
}
