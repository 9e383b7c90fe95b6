import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CodermError, createRandom, type Random } from "@coderm/core";
import { pythonBlocks, withoutComments } from "./response-text.js";
import { nodeOf, pathTo, type SearchTree } from "./search-tree.js";

/**
 * One line of the scalar data (the authors' `train_rm.py` reads `input`, `output`, `q` and `n`,
 * and trains on min(q / n, 1) with a mean squared error): the answer through one node's segment.
 */
export interface ScalarRewardRecord {
  /** The problem's id. */
  raw_index: string;
  /** The problem as put to the policy (the user turn). */
  input: string;
  /** The answer's text through the node's segment (the assistant turn). */
  output: string;
  /** Q of the node: the sum of the rewards below it (a float). */
  q: number;
  /** N of the node: its visits (an integer). */
  n: number;
}

/**
 * One line of the pairwise data (the authors' `train_rm_contrastive.py` reads `input`,
 * `output_chosen` and `output_reject`, with a Bradley-Terry loss): two nodes of one tree off each
 * other's root path, the one with the higher q / n chosen.
 */
export interface PairwiseRewardRecord {
  raw_index: string;
  input: string;
  output_chosen: string;
  output_reject: string;
  /** Q of the chosen node, clipped to [0, n] (a float). */
  q_chosen: number;
  n_chosen: number;
  q_reject: number;
  n_reject: number;
}

/** A leaf's path whose answer lines up with its segments, with where each segment ends in it. */
export interface ExportablePath {
  leaf: number;
  /** The path's nodes, root excluded. */
  nodes: number[];
  /** The answer that ends at the leaf. */
  response: string;
  /** For each node, the length of the answer's text through its segment. */
  ends: number[];
}

/**
 * The leaf paths the exports use, as the authors filter them: the leaf keeps an answer with
 * exactly one Python block and a function, and that function is the path's code (comments,
 * docstrings and blank lines aside). Each segment's end in the answer is found by lining the
 * function without comments up with the answer's text.
 */
export function exportablePaths(tree: SearchTree): ExportablePath[] {
  const paths: ExportablePath[] = [];
  for (const leaf of tree.leaves) {
    const node = nodeOf(tree, leaf);
    const { response, responseFunction } = node;
    if (response === "" || responseFunction === undefined) continue;
    if (pythonBlocks(response).length !== 1) continue;
    const nodes = pathTo(tree, leaf).slice(1);
    const segments = nodes.map((id) => nodeOf(tree, id).segment);
    if (withoutComments(responseFunction) !== segments.map(withoutComments).join("\n")) continue;
    const ends = segmentEnds(response, responseFunction, segments);
    if (ends === undefined) continue;
    paths.push({ leaf, nodes, response, ends });
  }
  return paths;
}

/**
 * Where each segment ends in the answer: the segments without comments, one after another,
 * matched greedily against the function's text as it stands in the answer.
 */
function segmentEnds(
  response: string,
  responseFunction: string,
  segments: readonly string[],
): number[] | undefined {
  const block = `\n${responseFunction}`;
  const bare = `\n${withoutComments(block)}`;
  const offset = response.indexOf(block);
  if (offset < 0) return undefined;
  const positions: number[] = [];
  let at = 0;
  for (let index = 0; index < bare.length; index++) {
    while (at < block.length && block[at] !== bare[index]) at += 1;
    if (at >= block.length) return undefined;
    positions.push(at);
    at += 1;
  }
  positions.push(positions.at(-1)! + 1);
  let length = 0;
  const ends: number[] = [];
  for (const segment of segments) {
    length += `\n${withoutComments(segment)}`.length;
    const position = positions[length];
    if (position === undefined) return undefined;
    ends.push(offset + position);
  }
  return ends;
}

/** The scalar records of a tree: every node of every exportable path, root excluded. */
export function scalarRewardRecords(tree: SearchTree): ScalarRewardRecord[] {
  return exportablePaths(tree).flatMap((path) =>
    path.nodes.map((id, index) => {
      const node = nodeOf(tree, id);
      return {
        raw_index: tree.problemId,
        input: tree.instruction,
        output: path.response.slice(0, path.ends[index]),
        q: node.value,
        n: node.visits,
      };
    }),
  );
}

/**
 * The pairwise records of a tree. Over the exportable paths, the nodes that branch (two children
 * or more among those paths) or end a path are paired, in the order they first appear; a pair is
 * kept when neither node is on the other's root path and their q / n differ (q clipped to
 * [0, n]). Each node's text is that of one of the paths through it, drawn at random: the answer
 * through its segment, the whole answer at a path's end.
 */
export function pairwiseRewardRecords(tree: SearchTree, random: Random): PairwiseRewardRecord[] {
  const paths = exportablePaths(tree);
  const order: number[] = [];
  const places = new Map<number, { path: number; index: number }[]>();
  const children = new Map<number, Set<number>>();
  paths.forEach((path, pathIndex) => {
    path.nodes.forEach((id, index) => {
      if (!places.has(id)) {
        order.push(id);
        places.set(id, []);
      }
      places.get(id)!.push({ path: pathIndex, index });
      const parent = index === 0 ? 0 : path.nodes[index - 1]!;
      if (!children.has(parent)) children.set(parent, new Set());
      children.get(parent)!.add(id);
    });
  });
  const chosen = order.filter((id) => (children.get(id)?.size ?? 0) !== 1);
  const clipped = (id: number) => {
    const node = nodeOf(tree, id);
    return { q: Math.min(Math.max(node.value, 0), node.visits), n: node.visits };
  };
  const textOf = (id: number) => {
    const options = places.get(id)!;
    const place = options[random.int(options.length)]!;
    const path = paths[place.path]!;
    const end =
      place.index === path.nodes.length - 1 ? path.response.length : path.ends[place.index];
    return path.response.slice(0, end);
  };
  const records: PairwiseRewardRecord[] = [];
  chosen.forEach((first, position) => {
    for (const second of chosen.slice(position + 1)) {
      if (onPath(tree, first, second) || onPath(tree, second, first)) continue;
      const a = clipped(first);
      const b = clipped(second);
      const scoreA = a.q / a.n;
      const scoreB = b.q / b.n;
      if (scoreA === scoreB) continue;
      const texts = [textOf(first), textOf(second)] as const;
      const [win, lose] = scoreA > scoreB ? ([0, 1] as const) : ([1, 0] as const);
      const stats = [a, b] as const;
      records.push({
        raw_index: tree.problemId,
        input: tree.instruction,
        output_chosen: texts[win],
        output_reject: texts[lose],
        q_chosen: stats[win].q,
        n_chosen: stats[win].n,
        q_reject: stats[lose].q,
        n_reject: stats[lose].n,
      });
    }
  });
  return records;
}

/** Whether `ancestor` is on the root path of `id` (itself excluded). */
function onPath(tree: SearchTree, ancestor: number, id: number): boolean {
  for (let node = nodeOf(tree, id).parent; node !== null; node = nodeOf(tree, node).parent)
    if (node === ancestor) return true;
  return false;
}

/**
 * The authors' split: the first 5% of the lines (rounded half to even, as Python rounds) are the
 * validation set, the rest the training set.
 */
export function validationSplit<T>(records: readonly T[]): { validation: T[]; train: T[] } {
  const size = roundHalfToEven(records.length * 0.05);
  return { validation: records.slice(0, size), train: records.slice(size) };
}

function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

const floatFields = new Set(["q", "q_chosen", "q_reject"]);

/**
 * A record as one JSON line, its q fields written as floats (`1.0`, not `1`) as Python writes
 * them, so that every line of a file gives a loader the same column types.
 */
export function rewardRecordLine(record: ScalarRewardRecord | PairwiseRewardRecord): string {
  const fields = Object.entries(record).map(([key, value]) => {
    let text = JSON.stringify(value);
    if (floatFields.has(key) && Number.isInteger(value)) text = `${text}.0`;
    return `${JSON.stringify(key)}:${text}`;
  });
  return `{${fields.join(",")}}`;
}

/** Where {@link exportRewardData} wrote, and how many lines. */
export interface RewardDataExport {
  trees: number;
  /** Leaf paths kept and left out by the filter. */
  paths: { kept: number; skipped: number };
  scalar: { train: number; validation: number; trainFile: string; validationFile: string };
  pairwise: { train: number; validation: number; trainFile: string; validationFile: string };
}

/** Settings of {@link exportRewardData}. */
export interface RewardDataExportSettings {
  trees: readonly SearchTree[];
  outDir: string;
  /** Seeds which path's text stands for a node in a pair (0). */
  seed?: number;
}

/**
 * Writes the training data of CodeRM-NT's two stages from search trees, in tree order:
 * `scalar-train.jsonl` and `scalar-validation.jsonl` ({@link scalarRewardRecords}), and
 * `pairwise-train.jsonl` and `pairwise-validation.jsonl` ({@link pairwiseRewardRecords}), each
 * split by {@link validationSplit}.
 */
export async function exportRewardData(
  settings: RewardDataExportSettings,
): Promise<RewardDataExport> {
  const seed = settings.seed ?? 0;
  const scalar: ScalarRewardRecord[] = [];
  const pairwise: PairwiseRewardRecord[] = [];
  let kept = 0;
  let leaves = 0;
  for (const tree of settings.trees) {
    kept += exportablePaths(tree).length;
    leaves += tree.leaves.length;
    scalar.push(...scalarRewardRecords(tree));
    pairwise.push(...pairwiseRewardRecords(tree, createRandom(`${seed}/${tree.problemId}`)));
  }
  try {
    await mkdir(settings.outDir, { recursive: true });
  } catch (cause) {
    throw new CodermError("io-error", `cannot create (${(cause as Error).message})`, {
      file: settings.outDir,
      cause,
    });
  }
  const write = async <T extends ScalarRewardRecord | PairwiseRewardRecord>(
    name: string,
    records: readonly T[],
  ) => {
    const { train, validation } = validationSplit(records);
    const trainFile = join(settings.outDir, `${name}-train.jsonl`);
    const validationFile = join(settings.outDir, `${name}-validation.jsonl`);
    for (const [file, lines] of [
      [trainFile, train],
      [validationFile, validation],
    ] as const) {
      try {
        await writeFile(file, lines.map((record) => `${rewardRecordLine(record)}\n`).join(""));
      } catch (cause) {
        throw new CodermError("io-error", `cannot write (${(cause as Error).message})`, {
          file,
          cause,
        });
      }
    }
    return { train: train.length, validation: validation.length, trainFile, validationFile };
  };
  return {
    trees: settings.trees.length,
    paths: { kept, skipped: leaves - kept },
    scalar: await write("scalar", scalar),
    pairwise: await write("pairwise", pairwise),
  };
}
