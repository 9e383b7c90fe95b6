import { testBudgetAllocations } from "@coderm/allocator";
import { datasets } from "@coderm/benchmarks";
import { rewardMethods } from "@coderm/pipeline";
import { servedRewardProtocols } from "@coderm/reward-nt";
import { z } from "zod";

const benchmarkNames = datasets
  .filter((dataset) => dataset.kind === "benchmark")
  .map((dataset) => dataset.name);
const sampleSetNames = datasets
  .filter((dataset) => dataset.kind === "sample-set")
  .map((dataset) => dataset.name);

const positiveInteger = z.number().int().positive();
const identifier = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "use lower-case letters, digits, '.', '_' and '-'");

function oneOf(names: readonly string[], what: string) {
  return z.string().refine((value) => names.includes(value), {
    error: (issue) => `unknown ${what} "${String(issue.input)}" (known: ${names.join(", ")})`,
  });
}

const budgetMessage = 'a budget is a positive number or "all"';

/** A budget: a positive number, or `all` (no subset). */
const budget = z.union([z.literal("all"), z.number().positive(budgetMessage)], {
  error: (issue) => `${budgetMessage}, not ${JSON.stringify(issue.input) ?? "nothing"}`,
});

/** Sampling settings of a generation source, served by an OpenAI-compatible endpoint. */
const generationSchema = z.strictObject({
  model: z.string().min(1),
  base_url: z.url(),
  /** Samples a problem. */
  n: positiveInteger,
  template: z.string().optional(),
  temperature: z.number().min(0).default(0.8),
  top_p: z.number().gt(0).max(1).default(0.95),
  max_tokens: positiveInteger.optional(),
  api_key_env: z.string().optional(),
  concurrency: positiveInteger.default(16),
});

/** Where candidates or tests come from: a released sample set, a samples file, or generation. */
const sourceSchema = z.union(
  [
    z.strictObject({ released: oneOf(sampleSetNames, "released sample set") }),
    z.strictObject({ file: z.string().min(1) }),
    z.strictObject({ generate: generationSchema }),
  ],
  {
    error: () =>
      `a source is one of {released: NAME} (${sampleSetNames.join(", ")}), {file: PATH} or {generate: {model, base_url, n, ...}}`,
  },
);

/** A reward method: its registered name, or the name with settings and a run-free test filter. */
const methodSchema = z.union([
  oneOf(rewardMethods, "method"),
  z.strictObject({
    name: oneOf(rewardMethods, "method"),
    /** How the report names it (the name, with `+rmrf` when filtered, by default). */
    label: z.string().min(1).optional(),
    /** Drop generated tests the run-free RM-RF predictor says will not run, before executing. */
    filter: z.literal("rmrf").optional(),
    threshold: z.number().min(0).max(1).default(0.5),
    /** `hybrid`: programs kept by the reward model; the test-based method ranking them. */
    keep: positiveInteger.optional(),
    test_method: z.string().optional(),
    /** `combined`: the reward model's weight. */
    reward_weight: z.number().nonnegative().optional(),
  }),
]);

/** The served reward model that `nt`, `hybrid` and `combined` read. */
const rewardModelSchema = z.strictObject({
  url: z.url(),
  protocol: oneOf([...servedRewardProtocols, "auto"], "reward protocol").default("auto"),
  model: z.string().min(1).default("Rishubi/CodeRM-NT"),
  api_key_env: z.string().optional(),
  thinking: z.boolean().default(false),
});

const limitsShape = {
  /** Only the first N problems. */
  limit: positiveInteger.optional(),
  /** Time limit of a generated test (ms): the released set's own, else 1000. */
  time_limit_ms: positiveInteger.optional(),
  /** Memory limit of a candidate (MiB). */
  memory_limit_mb: positiveInteger.default(1024),
};

/** Published figures the report sets beside the measured ones: `method: pass@1`. */
const publishedSchema = z.record(z.string(), z.number()).optional();

const rerankExperimentSchema = z.strictObject({
  id: identifier,
  kind: z.literal("rerank"),
  title: z.string().optional(),
  /** Benchmarks (problems and ground truth). */
  datasets: z.array(oneOf(benchmarkNames, "dataset")).min(1),
  candidates: z.array(sourceSchema).min(1),
  tests: z.array(sourceSchema).min(1),
  methods: z.array(methodSchema).min(1),
  budgets: z
    .strictObject({
      /** Candidates drawn per problem. */
      candidates: z.array(budget).min(1).default(["all"]),
      /** Tests per problem on average, spent by each allocation. */
      tests: z.array(budget).min(1).default(["all"]),
      allocation: z.array(z.enum(testBudgetAllocations)).min(1).default(["equal"]),
    })
    .default({ candidates: ["all"], tests: ["all"], allocation: ["equal"] }),
  seeds: z.array(z.union([z.number().int().nonnegative(), z.string().min(1)])).default([0]),
  /** Random subsets drawn per seed (reported as the mean). */
  repeats: positiveInteger.default(1),
  reward_model: rewardModelSchema.optional(),
  published: publishedSchema,
  ...limitsShape,
});

const allocationExperimentSchema = z.strictObject({
  id: identifier,
  kind: z.literal("allocation-study"),
  title: z.string().optional(),
  dataset: oneOf(sampleSetNames, "released sample set"),
  budgets: z.array(budget).min(1).default([1, 2, 4, 8, 16, 32, "all"]),
  seeds: positiveInteger.default(20),
  folds: positiveInteger.default(5),
  draws: positiveInteger.default(16),
  probe_tests: positiveInteger.default(1),
  early_stopping: z.enum(["exact", "confident"]).default("exact"),
  seed: z.string().default("0"),
  ...limitsShape,
});

const hybridExperimentSchema = z.strictObject({
  id: identifier,
  kind: z.literal("hybrid-study"),
  title: z.string().optional(),
  dataset: oneOf(sampleSetNames, "released sample set"),
  aurocs: z.array(z.number().min(0.5).lt(1)).min(1).default([0.6, 0.7, 0.8, 0.9, 0.95]),
  keeps: z.array(positiveInteger).min(1).default([1, 2, 3, 5, 10, 20]),
  seeds: positiveInteger.default(20),
  tests: oneOf(rewardMethods, "method").default("codet"),
  seed: z.string().default("0"),
  ...limitsShape,
});

const rmrfExperimentSchema = z.strictObject({
  id: identifier,
  kind: z.literal("rmrf-eval"),
  title: z.string().optional(),
  /** A directory of RM-RF TOML samples (`$CODERM_DATA_DIR/...` expands). */
  samples: z.string().min(1),
  /** A model file `coderm rmrf train` wrote; the shipped model by default. */
  model: z.string().optional(),
  /** Repositories (owner/name) to keep; all by default. */
  repositories: z.array(z.string().min(1)).optional(),
  /** Said beside the table (e.g. that the shipped model saw these samples in training). */
  caveat: z.string().optional(),
});

const experimentSchema = z.discriminatedUnion(
  "kind",
  [
    rerankExperimentSchema,
    allocationExperimentSchema,
    hybridExperimentSchema,
    rmrfExperimentSchema,
  ],
  {
    error: (issue) =>
      issue.code === "invalid_union"
        ? `unknown experiment kind (kinds: rerank, allocation-study, hybrid-study, rmrf-eval)`
        : undefined,
  },
);

/** An experiment spec: a name and its experiments. */
export const experimentSpecSchema = z
  .strictObject({
    name: identifier,
    title: z.string().optional(),
    description: z.string().optional(),
    experiments: z.array(experimentSchema).min(1),
  })
  .superRefine((spec, context) => {
    const seen = new Set<string>();
    spec.experiments.forEach((experiment, index) => {
      if (seen.has(experiment.id))
        context.addIssue({
          code: "custom",
          path: ["experiments", index, "id"],
          message: `experiment id "${experiment.id}" is used twice`,
        });
      seen.add(experiment.id);
      if (experiment.kind === "rerank") checkRerank(experiment, index, context);
    });
  });

/** Checks across a rerank experiment's fields that the schema alone cannot express. */
function checkRerank(
  experiment: z.infer<typeof rerankExperimentSchema>,
  index: number,
  context: z.RefinementCtx,
): void {
  const at = (...path: (string | number)[]) => ["experiments", index, ...path];
  experiment.methods.forEach((method, position) => {
    const name = typeof method === "string" ? method : method.name;
    if (["nt", "hybrid", "combined"].includes(name) && experiment.reward_model === undefined)
      context.addIssue({
        code: "custom",
        path: at("methods", position),
        message: `method "${name}" reads a served reward model: give reward_model {url, protocol, model}`,
      });
  });
  const greedy = experiment.budgets.allocation.some((allocation) => allocation !== "equal");
  if (greedy && experiment.budgets.tests.every((value) => value === "all"))
    context.addIssue({
      code: "custom",
      path: at("budgets", "allocation"),
      message: "greedy and oracle allocation spend a test budget: give budgets.tests a number",
    });
}

/** A parsed, validated experiment spec (defaults filled in). */
export type ExperimentSpec = z.infer<typeof experimentSpecSchema>;
/** One experiment of a spec. */
export type Experiment = ExperimentSpec["experiments"][number];
/** A rerank experiment. */
export type RerankExperiment = z.infer<typeof rerankExperimentSchema>;
/** An allocation-study experiment. */
export type AllocationExperiment = z.infer<typeof allocationExperimentSchema>;
/** A hybrid-study experiment (simulated reward models). */
export type HybridExperiment = z.infer<typeof hybridExperimentSchema>;
/** An RM-RF evaluation experiment. */
export type RmrfExperiment = z.infer<typeof rmrfExperimentSchema>;
/** Where candidates or tests come from. */
export type Source = z.infer<typeof sourceSchema>;
/** A method entry as written. */
export type MethodEntry = z.infer<typeof methodSchema>;
/** A served reward model's settings. */
export type RewardModelSpec = z.infer<typeof rewardModelSchema>;
/** A budget value. */
export type Budget = z.infer<typeof budget>;
