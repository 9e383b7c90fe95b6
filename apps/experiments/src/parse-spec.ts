import { readFile } from "node:fs/promises";
import { CodermError } from "@coderm/core";
import { isNode, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { type ExperimentSpec, experimentSpecSchema } from "./spec.js";

/** A field path as the spec writes it: `experiments[0].budgets.tests[1]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) =>
      typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`,
    )
    .join("");
}

/**
 * Parses and validates an experiment spec (YAML, or JSON, which is YAML too). Every problem is
 * found before any work starts; the error names the file, the line and the field of the first
 * one, and lists the others.
 */
export function parseExperimentSpec(text: string, file = "<spec>"): ExperimentSpec {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    throw new CodermError("parse-error", `not YAML or JSON: ${error.message.split("\n")[0]}`, {
      file,
      line: lineCounter.linePos(error.pos[0]).line,
    });
  }
  const parsed = experimentSpecSchema.safeParse(document.toJS());
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => describeIssue(issue, document, lineCounter));
  const [first, ...others] = issues;
  const more =
    others.length === 0
      ? ""
      : `; also ${others.map((other) => `${other.line === undefined ? "" : `line ${other.line}, `}${other.field}: ${other.message}`).join("; ")}`;
  throw new CodermError("invalid-input", `${first!.message}${more}`, {
    file,
    ...(first!.line === undefined ? {} : { line: first!.line }),
    field: first!.field,
    details: { issues },
  });
}

/** Reads and validates a spec file (see {@link parseExperimentSpec}). */
export async function readExperimentSpec(file: string): Promise<ExperimentSpec> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new CodermError("not-found", `cannot read the spec: ${(cause as Error).message}`, {
      file,
      cause,
    });
  }
  return parseExperimentSpec(text, file);
}

interface SpecIssue {
  field: string;
  line?: number;
  message: string;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  document: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
): SpecIssue {
  let path = issue.path.map((key) => (typeof key === "symbol" ? String(key) : key));
  let message = issue.message;
  // an unknown key is reported at its parent: name the key itself
  if (issue.code === "unrecognized_keys") {
    path = [...path, issue.keys[0]!];
    message = `unknown field (${issue.keys.map((key) => `"${key}"`).join(", ")})`;
  }
  // the closest node that exists carries the line
  let line: number | undefined;
  for (let length = path.length; length >= 0 && line === undefined; length -= 1) {
    const node = document.getIn(path.slice(0, length), true);
    if (isNode(node) && node.range !== undefined && node.range !== null)
      line = lineCounter.linePos(node.range[0]).line;
    if (length > 0 && issue.code === "unrecognized_keys" && line === undefined) {
      const pair = document.getIn(path.slice(0, length - 1), true);
      if (isNode(pair) && pair.range) line = lineCounter.linePos(pair.range[0]).line;
    }
  }
  return { field: fieldPath(path) || "(spec)", ...(line === undefined ? {} : { line }), message };
}
