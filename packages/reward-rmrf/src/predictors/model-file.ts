import { readFile, writeFile } from "node:fs/promises";
import { CodermError } from "@coderm/core";
import { z } from "zod";
import { calibratorSchema } from "./calibration.js";
import { featureNames } from "./features.js";
import { sourceLanguages } from "./syntax.js";

/** The `format` of an embedded model file. */
export const embeddedModelFormat = "coderm-rmrf-embedded";
/** The model file version this package reads and writes. */
export const embeddedModelVersion = 1;

/**
 * A regression tree over binned features: a leaf is its mean label, an inner node is
 * `[feature, split, below, atOrAbove]` (a row goes `below` when its bin is under `split`).
 */
export type ForestTree = number | [number, number, ForestTree, ForestTree];

const treeSchema: z.ZodType<ForestTree> = z.lazy(() =>
  z.union([
    z.number().min(0).max(1),
    z.tuple([z.number().int().min(0), z.number(), treeSchema, treeSchema]),
  ]),
);

/** A forest's probability is the mean of its trees' leaves. */
const forestSchema = z.object({ trees: z.array(treeSchema).min(1) }).strict();
/** A random forest of regression trees on 0/1 labels (see {@link ForestTree}). */
export type Forest = z.infer<typeof forestSchema>;

const countsSchema = z
  .object({
    rows: z.number().int(),
    runs: z.number().int(),
    coverageGain: z.number().int(),
    mutationGain: z.number().int(),
  })
  .strict();

const thresholdsSchema = z
  .object({
    runs: z.number().min(0).max(1),
    coverageGain: z.number().min(0).max(1),
    mutationGain: z.number().min(0).max(1),
  })
  .strict();

/** The three learned quantities: P(runs), P(coverage gain | runs), P(mutation gain | runs). */
const modelsShape = <T extends z.ZodType>(item: T) =>
  z.object({ runs: item, coverageGivenRuns: item, mutationGivenRuns: item }).strict();

/** The embedded RM-RF predictor's model file (JSON). */
export const embeddedModelSchema = z
  .object({
    format: z.literal(embeddedModelFormat),
    version: z.literal(embeddedModelVersion),
    featureNames: z.array(z.string()),
    languages: z.array(z.enum(sourceLanguages as ["python", "java", "go"])).min(1),
    trainedOn: z
      .object({
        description: z.string(),
        /** Rows the forests learned from, and rows held out to calibrate, by language. */
        training: z.record(z.string(), countsSchema),
        calibration: z.record(z.string(), countsSchema),
        seed: z.union([z.number(), z.string()]),
        trees: z.number().int().min(1),
        maxDepth: z.number().int().min(1),
        calibrationMethod: z.enum(["platt", "isotonic"]),
      })
      .strict(),
    /** Per feature, the ascending bin edges: a value's bin is the count of edges at or below it. */
    bins: z.array(z.array(z.number())),
    calibration: modelsShape(calibratorSchema),
    /** Decision thresholds on the final probabilities, chosen to maximize F1 on calibration rows. */
    thresholds: thresholdsSchema,
    /** Thresholds chosen on one language's calibration rows, for languages with enough of them. */
    languageThresholds: z.partialRecord(
      z.enum(sourceLanguages as ["python", "java", "go"]),
      thresholdsSchema,
    ),
    models: modelsShape(forestSchema),
  })
  .strict();

/** A trained embedded RM-RF model (see {@link embeddedModelSchema}). */
export type EmbeddedModel = z.infer<typeof embeddedModelSchema>;

/**
 * Reads an embedded model from parsed JSON: a file of another format or version, or one trained on
 * other features than this package computes, is refused with a CodermError that says so.
 */
export function parseEmbeddedModel(data: unknown, file?: string): EmbeddedModel {
  const where = file === undefined ? {} : { file };
  const header = data as { format?: unknown; version?: unknown } | null;
  if (typeof header !== "object" || header === null || header.format !== embeddedModelFormat)
    throw new CodermError(
      "unsupported",
      `not an embedded RM-RF model (format ${JSON.stringify(header?.format)}, expected "${embeddedModelFormat}")`,
      where,
    );
  if (header.version !== embeddedModelVersion)
    throw new CodermError(
      "unsupported",
      `embedded RM-RF model version ${JSON.stringify(header.version)} is not the version this package reads (${embeddedModelVersion})`,
      where,
    );
  const parsed = embeddedModelSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CodermError("invalid-input", `not a valid embedded RM-RF model: ${issue.message}`, {
      ...where,
      field: issue.path.join("."),
      cause: parsed.error,
    });
  }
  const model = parsed.data;
  const missing = featureNames.filter((name) => !model.featureNames.includes(name));
  const extra = model.featureNames.filter((name) => !(featureNames as string[]).includes(name));
  if (
    model.featureNames.some((name, index) => name !== featureNames[index]) ||
    model.featureNames.length !== featureNames.length
  ) {
    throw new CodermError(
      "unsupported",
      `the model was trained on other features than this package computes (${[
        missing.length > 0 ? `missing from the model: ${missing.join(", ")}` : "",
        extra.length > 0 ? `unknown here: ${extra.join(", ")}` : "",
        missing.length === 0 && extra.length === 0 ? "same names in another order" : "",
      ]
        .filter(Boolean)
        .join("; ")}); retrain it with this version`,
      where,
    );
  }
  if (model.bins.length !== featureNames.length)
    throw new CodermError("invalid-input", "the model's bins do not match its features", {
      ...where,
      field: "bins",
    });
  return model;
}

/** Reads an embedded model file (see {@link parseEmbeddedModel}). */
export async function readEmbeddedModel(file: string): Promise<EmbeddedModel> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new CodermError("io-error", `cannot read: ${String(cause)}`, { file, cause });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new CodermError("parse-error", `not valid JSON (${(cause as Error).message})`, {
      file,
      cause,
    });
  }
  return parseEmbeddedModel(data, file);
}

/** Writes an embedded model file (compact JSON). */
export async function writeEmbeddedModel(file: string, model: EmbeddedModel): Promise<void> {
  await writeFile(file, `${JSON.stringify(model)}\n`);
}
