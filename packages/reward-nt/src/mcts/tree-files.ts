import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CodermError } from "@coderm/core";
import { z } from "zod";
import type { SearchTree } from "./search-tree.js";

const count = z.number().int().nonnegative();

const evaluationSchema = z
  .object({
    rollout: count,
    callingExamples: z.string(),
    log: z.string(),
    feedback: z.string(),
    reward: z.number().min(0).max(1),
  })
  .strict();

const nodeSchema = z
  .object({
    id: count,
    parent: count.nullable(),
    depth: count,
    segment: z.string(),
    terminal: z.boolean(),
    response: z.string(),
    responseFunction: z.string().optional(),
    children: z.array(count),
    remainingBranches: z.number().int(),
    visits: count,
    value: z.number().finite(),
    usedAsFeedback: z.boolean(),
    evaluations: z.array(evaluationSchema),
  })
  .strict();

/** The JSON schema of a persisted {@link SearchTree} (structure checked by {@link parseSearchTree}). */
export const searchTreeSchema = z
  .object({
    format: z.literal("coderm-nt-search-tree"),
    version: z.literal(1),
    problemId: z.string().min(1),
    instruction: z.string(),
    callingExamples: z.string(),
    settings: z
      .object({
        branches: z.number().int().min(1),
        explorationWeight: z.number().finite().nonnegative(),
        seed: z.number().int(),
        reflection: z.boolean(),
      })
      .strict(),
    rollouts: count,
    nodes: z.array(nodeSchema).min(1),
    unexploredPrefixes: z.array(count),
    leaves: z.array(count),
  })
  .strict();

/** The file a problem's tree is kept in: its id, percent-encoded, then `.json`. */
export function searchTreeFileName(problemId: string): string {
  return `${encodeURIComponent(problemId).replaceAll(".", "%2E")}.json`;
}

/**
 * Reads a tree from its JSON text, checking every field and that the nodes link up (ids are
 * indexes, parents and children agree). Errors name the file and the field.
 */
export function parseSearchTree(text: string, file: string): SearchTree {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new CodermError("parse-error", `not JSON (${(cause as Error).message})`, {
      file,
      cause,
    });
  }
  const parsed = searchTreeSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CodermError("invalid-input", `not a search tree: ${issue.message}`, {
      file,
      field: fieldPath(issue.path),
    });
  }
  const tree = parsed.data as SearchTree;
  const fail = (field: string, message: string): never => {
    throw new CodermError("invalid-input", `not a search tree: ${message}`, { file, field });
  };
  tree.nodes.forEach((node, index) => {
    if (node.id !== index) fail(`nodes[${index}].id`, `node ${index} has id ${node.id}`);
    if ((node.parent === null) !== (index === 0))
      fail(`nodes[${index}].parent`, "only the first node, the root, has no parent");
    if (node.parent !== null && !tree.nodes[node.parent]?.children.includes(index))
      fail(`nodes[${index}].parent`, `node ${node.parent} does not list ${index} as a child`);
    node.children.forEach((child, position) => {
      if (tree.nodes[child]?.parent !== index)
        fail(`nodes[${index}].children[${position}]`, `node ${child} is not a child of ${index}`);
    });
  });
  for (const [field, ids] of [
    ["leaves", tree.leaves],
    ["unexploredPrefixes", tree.unexploredPrefixes],
  ] as const)
    ids.forEach((id, position) => {
      if (id >= tree.nodes.length) fail(`${field}[${position}]`, `there is no node ${id}`);
    });
  return tree;
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) =>
      typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`,
    )
    .join("");
}

/** Reads the tree file of a problem in `dir`; undefined when there is none. */
export async function readSearchTree(
  dir: string,
  problemId: string,
): Promise<SearchTree | undefined> {
  const file = join(dir, searchTreeFileName(problemId));
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CodermError("io-error", `cannot read (${(cause as Error).message})`, {
      file,
      cause,
    });
  }
  const tree = parseSearchTree(text, file);
  if (tree.problemId !== problemId)
    throw new CodermError("invalid-input", `holds the tree of ${tree.problemId}`, {
      file,
      field: "problemId",
    });
  return tree;
}

/**
 * Writes a tree atomically: to a temporary file beside it, then renamed over the old one, so a
 * run killed at any moment leaves either the previous tree or the new one. Fields are written in
 * the schema's order, so equal trees give equal files. Resolves to the path.
 */
export async function writeSearchTree(dir: string, tree: SearchTree): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, searchTreeFileName(tree.problemId));
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    // Through the schema, so that fields come in one order whether the tree was read or grown.
    await writeFile(temporary, `${JSON.stringify(searchTreeSchema.parse(tree), null, 1)}\n`);
    await rename(temporary, file);
  } catch (cause) {
    await rm(temporary, { force: true });
    throw new CodermError("io-error", `cannot write (${(cause as Error).message})`, {
      file,
      cause,
    });
  }
  return file;
}

/** Reads every tree (`*.json`) of a directory, in file-name order. Errors name the file and field. */
export async function readSearchTrees(dir: string): Promise<SearchTree[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new CodermError(
      code === "ENOENT" ? "not-found" : "io-error",
      code === "ENOENT" ? "no such directory" : `cannot read (${(cause as Error).message})`,
      { file: dir, cause },
    );
  }
  const files = names.filter((name) => name.endsWith(".json")).sort();
  return Promise.all(
    files.map(async (name) => {
      const file = join(dir, name);
      return parseSearchTree(await readFile(file, "utf8"), file);
    }),
  );
}
