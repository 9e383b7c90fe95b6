import { CodermError } from "@coderm/core";
import { describe, expect, it } from "vitest";
import { parseExperimentSpec } from "./parse-spec.js";

const valid = `name: demo
experiments:
  - id: main
    kind: rerank
    datasets: [humaneval]
    candidates: [{ released: codet-humaneval-codegen16b }]
    tests: [{ released: codet-humaneval-codegen16b }]
    methods: [codet, random]
    budgets: { tests: [1, 2, all] }
`;

/** The error a spec text raises. */
function errorOf(text: string): CodermError {
  try {
    parseExperimentSpec(text, "spec.yaml");
  } catch (error) {
    if (CodermError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("the spec was accepted");
}

describe("parseExperimentSpec", () => {
  it("fills in defaults", () => {
    const spec = parseExperimentSpec(valid);
    const experiment = spec.experiments[0]!;
    expect(experiment.kind).toBe("rerank");
    if (experiment.kind !== "rerank") return;
    expect(experiment.budgets).toEqual({
      candidates: ["all"],
      tests: [1, 2, "all"],
      allocation: ["equal"],
    });
    expect(experiment.seeds).toEqual([0]);
    expect(experiment.repeats).toBe(1);
  });

  it("reads JSON as well", () => {
    const spec = parseExperimentSpec(
      JSON.stringify({
        name: "demo",
        experiments: [
          { id: "alloc", kind: "allocation-study", dataset: "codet-humaneval-codegen16b" },
        ],
      }),
    );
    expect(spec.experiments[0]!.kind).toBe("allocation-study");
  });

  it("names the field and line of an unknown dataset", () => {
    const error = errorOf(valid.replace("[humaneval]", "[humaneval, humaneva]"));
    expect(error.code).toBe("invalid-input");
    expect(error.file).toBe("spec.yaml");
    expect(error.field).toBe("experiments[0].datasets[1]");
    expect(error.line).toBe(5);
    expect(error.message).toContain('unknown dataset "humaneva"');
  });

  it("names a bad budget", () => {
    const error = errorOf(valid.replace("[1, 2, all]", "[1, -2, all]"));
    expect(error.field).toBe("experiments[0].budgets.tests[1]");
    expect(error.line).toBe(9);
    expect(error.message).toContain('a budget is a positive number or "all"');
    expect(errorOf(valid.replace("[1, 2, all]", "[1, lots]")).field).toBe(
      "experiments[0].budgets.tests[1]",
    );
  });

  it("names an unknown method and lists the known ones", () => {
    const error = errorOf(valid.replace("[codet, random]", "[codet, codex]"));
    expect(error.field).toBe("experiments[0].methods[1]");
    expect(error.message).toMatch(/unknown method "codex" \(known: codet, coderm-vote/);
  });

  it("names an unknown field, an unknown kind and a repeated id", () => {
    expect(
      errorOf(valid.replace("    kind: rerank\n", "    kind: rerank\n    sedes: [1]\n")).field,
    ).toBe("experiments[0].sedes");
    const kind = errorOf(valid.replace("kind: rerank", "kind: rank"));
    expect(kind.field).toBe("experiments[0].kind");
    expect(kind.message).toContain("unknown experiment kind");
    const twice = errorOf(
      `${valid}  - id: main\n    kind: allocation-study\n    dataset: codet-humaneval-codegen16b\n`,
    );
    expect(twice.field).toBe("experiments[1].id");
    expect(twice.message).toContain('"main" is used twice');
  });

  it("asks for a reward model where a method reads one, and a test budget for greedy allocation", () => {
    const nt = errorOf(valid.replace("[codet, random]", "[codet, nt]"));
    expect(nt.field).toBe("experiments[0].methods[1]");
    expect(nt.message).toContain("reward_model");
    const greedy = errorOf(
      valid.replace("budgets: { tests: [1, 2, all] }", "budgets: { allocation: [equal, greedy] }"),
    );
    expect(greedy.field).toBe("experiments[0].budgets.allocation");
  });

  it("reports every problem at once, the first as the error's field", () => {
    const error = errorOf(
      valid.replace("[humaneval]", "[humaneva]").replace("[codet, random]", "[codet, codex]"),
    );
    expect(error.field).toBe("experiments[0].datasets[0]");
    expect(error.message).toContain("also line 8, experiments[0].methods[1]");
  });

  it("names the line of a YAML syntax error", () => {
    const error = errorOf("name: demo\nexperiments: [\n  - id: x\n");
    expect(error.code).toBe("parse-error");
    expect(error.line).toBeGreaterThanOrEqual(2);
  });
});
