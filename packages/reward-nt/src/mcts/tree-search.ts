import {
  type ChatMessage,
  CodermError,
  createRandom,
  type ExecutionLimits,
  type Executor,
  type Random,
  type TextGenerator,
} from "@coderm/core";
import type { CodeAnalysis, CodeAnalyzer } from "./code-analysis.js";
import {
  answerConversation,
  callingExamplesPrompt,
  continuationPrompt,
  policySystemPrompt,
  prefixReminder,
  rewritePrompt,
} from "./prompts.js";
import { fencedPython, pythonBlocks, pythonCode } from "./response-text.js";
import {
  addChain,
  addLeaf,
  backpropagate,
  codeTo,
  createSearchTree,
  feedbackExample,
  nodeOf,
  pathTo,
  type SearchTree,
  type SearchTreeSettings,
  type SegmentChain,
  selectNode,
} from "./search-tree.js";
import { ask, type ModelAnswer, type ModelRequest, simulate } from "./simulation.js";

/** Everything one problem's search uses. */
export interface TreeSearchContext {
  problemId: string;
  /** The problem as put to the policy and the judge. */
  instruction: string;
  /** Writes answers, continuations and calling examples. */
  policy: TextGenerator;
  /** Grades simulated programs. */
  judge: TextGenerator;
  /** Runs simulated programs. */
  executor: Executor;
  analyzer: CodeAnalyzer;
  limits: ExecutionLimits;
  settings: SearchTreeSettings;
  signal?: AbortSignal;
}

/** Requests for the root answer before the problem is given up on (the authors never give up). */
const rootAnswerAttempts = 5;
/** Requests for a rewrite from scratch, a continuation or calling examples (the authors' 3). */
const expansionAttempts = 3;

/** Seeds of one rollout: its random choices and the sampling seed of every request it makes. */
class RolloutSeeds {
  readonly random: Random;
  readonly #base: string;

  constructor(settings: SearchTreeSettings, problemId: string, rollout: number) {
    this.#base = `${settings.seed}/${problemId}/${rollout}`;
    this.random = createRandom(`${this.#base}/choices`);
  }

  /** The sampling seed of a request: a whole number below 2^31. */
  request(purpose: string, attempt: number): number {
    return createRandom(`${this.#base}/${purpose}/${attempt}`).int(2 ** 31 - 1);
  }
}

/** The code of an answer and what the analyzer made of it; undefined for an unusable answer. */
interface ReadAnswer {
  code: string;
  analysis: CodeAnalysis;
  segments: string[];
}

async function readAnswer(text: string, analyzer: CodeAnalyzer): Promise<ReadAnswer | undefined> {
  const code = pythonCode(text);
  if (code === undefined) return undefined;
  const [analysis] = await analyzer.analyze([code]);
  if (analysis === undefined || !analysis.parses || analysis.segments === undefined)
    return undefined;
  if (analysis.segments.length === 0) return undefined;
  return { code, analysis, segments: analysis.segments };
}

function chainOf(text: string, answer: ReadAnswer, segments: readonly string[]): SegmentChain {
  return {
    segments,
    response: text,
    ...(answer.analysis.function === undefined
      ? {}
      : { responseFunction: answer.analysis.function }),
  };
}

/**
 * An answer written from scratch: on an unusable one (no Python block, code that does not parse)
 * the next request is, at random, the same conversation again or a request to rewrite that
 * answer, as the authors do. Undefined when `attempts` requests gave nothing usable.
 */
async function answerFromScratch(
  context: TreeSearchContext,
  seeds: RolloutSeeds,
  rollout: number,
  purpose: string,
  attempts: number,
): Promise<{ text: string; answer: ReadAnswer } | undefined> {
  const fresh = answerConversation(context.instruction);
  let messages: ChatMessage[] = fresh;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const reply = await askPolicy(context, seeds, rollout, purpose, attempt, messages);
    const answer = reply.complete ? await readAnswer(reply.text, context.analyzer) : undefined;
    if (answer !== undefined) return { text: reply.text, answer };
    messages =
      seeds.random.next() < 0.5
        ? fresh
        : [
            ...fresh,
            { role: "assistant", content: reply.text },
            { role: "user", content: rewritePrompt },
          ];
  }
  return undefined;
}

function askPolicy(
  context: TreeSearchContext,
  seeds: RolloutSeeds,
  rollout: number,
  purpose: string,
  attempt: number,
  messages: readonly ChatMessage[],
): Promise<ModelAnswer> {
  const request: ModelRequest = {
    id: `${context.problemId} rollout ${rollout} ${purpose} ${attempt}`,
    template: "coderm-nt-policy",
    messages,
    seed: seeds.request(purpose, attempt),
  };
  return ask(context.policy, request, context.signal);
}

/**
 * Starts a problem's tree (rollout 0): the policy's root answer becomes a chain of nodes whose
 * prefixes are expanded first, the policy writes the calling examples (the answer's own code after
 * its function when it writes none), and the leaf is simulated. A policy that gives no usable root
 * answer in five requests fails the problem: a `rejected` error with `details.stage` "root-answer".
 */
export async function startSearchTree(context: TreeSearchContext): Promise<SearchTree> {
  const tree = createSearchTree(context.problemId, context.instruction, context.settings);
  const seeds = new RolloutSeeds(context.settings, context.problemId, 0);
  const root = await answerFromScratch(context, seeds, 0, "answer", rootAnswerAttempts);
  if (root === undefined)
    throw new CodermError(
      "rejected",
      `the policy gave no answer with parsable Python code in ${rootAnswerAttempts} answers`,
      { item: context.problemId, details: { stage: "root-answer" } },
    );
  tree.callingExamples = await callingExamples(context, seeds, root.text, root.answer);
  const leaf = addChain(tree, 0, chainOf(root.text, root.answer, root.answer.segments));
  tree.unexploredPrefixes = pathTo(tree, leaf).slice(1, -1);
  addLeaf(tree, leaf);
  await simulateLeaf(context, tree, leaf, 0);
  tree.rollouts = 1;
  return tree;
}

async function callingExamples(
  context: TreeSearchContext,
  seeds: RolloutSeeds,
  response: string,
  answer: ReadAnswer,
): Promise<string> {
  const messages: ChatMessage[] = [
    { role: "system", content: policySystemPrompt },
    { role: "user", content: context.instruction },
    { role: "assistant", content: response },
    { role: "user", content: callingExamplesPrompt },
  ];
  for (let attempt = 0; attempt < expansionAttempts; attempt++) {
    const reply = await askPolicy(context, seeds, 0, "calls", attempt, messages);
    const code = reply.complete ? pythonCode(reply.text) : undefined;
    if (code !== undefined) return code;
  }
  return answer.analysis.suffix ?? "";
}

/**
 * One rollout: the next unexplored prefix of the root answer, else the node UCT selects, is
 * expanded (a rewrite from scratch at the root, a continuation below it, the node itself when
 * terminal); the new leaf (a random leaf when the expansion gave nothing usable) is simulated and
 * its reward backpropagated. Rejects as {@link simulate} does when the judge gives no score.
 */
export async function runRollout(context: TreeSearchContext, tree: SearchTree): Promise<void> {
  const rollout = tree.rollouts;
  const seeds = new RolloutSeeds(context.settings, context.problemId, rollout);
  const node = tree.unexploredPrefixes.shift() ?? selectNode(tree);
  let leaf = await expand(context, tree, node, seeds, rollout);
  if (leaf === undefined) leaf = tree.leaves[seeds.random.int(tree.leaves.length)]!;
  else addLeaf(tree, leaf);
  await simulateLeaf(context, tree, leaf, rollout);
  tree.rollouts = rollout + 1;
}

async function simulateLeaf(
  context: TreeSearchContext,
  tree: SearchTree,
  leaf: number,
  rollout: number,
): Promise<void> {
  const seeds = new RolloutSeeds(context.settings, context.problemId, rollout);
  const evaluation = await simulate(codeTo(tree, leaf), {
    problemId: context.problemId,
    instruction: tree.instruction,
    callingExamples: tree.callingExamples,
    judge: context.judge,
    executor: context.executor,
    limits: context.limits,
    rollout,
    seedOf: (attempt) => seeds.request("judge", attempt),
    ...(context.signal === undefined ? {} : { signal: context.signal }),
  });
  nodeOf(tree, leaf).evaluations.push(evaluation);
  backpropagate(tree, leaf, evaluation.reward);
}

/** The leaf an expansion of `id` ends at; undefined when the policy gave nothing usable. */
async function expand(
  context: TreeSearchContext,
  tree: SearchTree,
  id: number,
  seeds: RolloutSeeds,
  rollout: number,
): Promise<number | undefined> {
  const node = nodeOf(tree, id);
  if (node.terminal) return id;
  if (node.parent === null) {
    const written = await answerFromScratch(context, seeds, rollout, "rewrite", expansionAttempts);
    if (written === undefined) return undefined;
    return addChain(tree, id, chainOf(written.text, written.answer, written.answer.segments));
  }
  const prefix = codeTo(tree, id);
  const continued = await continuation(context, tree, id, prefix, seeds, rollout);
  if (continued === undefined) return undefined;
  const segments = segmentsAfter(prefix, continued.answer.segments);
  if (segments === undefined || segments.length === 0) return undefined;
  return addChain(tree, id, chainOf(continued.text, continued.answer, segments));
}

/**
 * Asks the policy to continue the code `prefix` (with reflection, showing it a completion below
 * the node and its worst feedback). An answer counts when it has exactly one Python block whose
 * function starts with the prefix exactly and goes on from a new line; one that does not start
 * with it is shown the prefix again.
 */
async function continuation(
  context: TreeSearchContext,
  tree: SearchTree,
  id: number,
  prefix: string,
  seeds: RolloutSeeds,
  rollout: number,
): Promise<{ text: string; answer: ReadAnswer } | undefined> {
  const example = context.settings.reflection ? feedbackExample(tree, id, seeds.random) : undefined;
  const user: ChatMessage = {
    role: "user",
    content: continuationPrompt(
      tree.instruction,
      prefix,
      example === undefined
        ? undefined
        : {
            code: codeTo(tree, example.leaf)
              .slice(prefix.length)
              .split("\n")
              .filter((line) => line.trim() !== "")
              .join("\n"),
            feedback: `Test:\n${fencedPython(example.evaluation.callingExamples)}\nOutput:\n\`\`\`\n${example.evaluation.log}\n\`\`\`\nFeedback:\n${example.evaluation.feedback}`,
          },
    ),
  };
  const opening: ChatMessage[] = [{ role: "system", content: policySystemPrompt }, user];
  let messages = opening;
  for (let attempt = 0; attempt < expansionAttempts; attempt++) {
    const reply = await askPolicy(context, seeds, rollout, "continue", attempt, messages);
    if (!reply.complete || pythonBlocks(reply.text).length !== 1) continue;
    const answer = await readAnswer(reply.text, context.analyzer);
    const code = answer?.analysis.function;
    if (answer === undefined || code === undefined) continue;
    if (continuesPrefix(code, prefix)) return { text: reply.text, answer };
    messages = [
      ...opening,
      { role: "assistant", content: reply.text },
      { role: "user", content: prefixReminder(prefix) },
    ];
  }
  return undefined;
}

/** Whether `code` is `prefix` exactly, then more code that starts on a new line. */
export function continuesPrefix(code: string, prefix: string): boolean {
  return (
    code !== prefix &&
    code.startsWith(prefix) &&
    code.slice(prefix.length).replace(/^ +/, "").startsWith("\n")
  );
}

/**
 * The segments a continuation adds after `prefix`: its leading segments that make up the prefix
 * (each ending at a line break of it) are dropped, and the one that straddles its end keeps only
 * what follows. Undefined when the segments do not line up with the prefix.
 */
export function segmentsAfter(prefix: string, segments: readonly string[]): string[] | undefined {
  let rest = prefix;
  for (const [index, segment] of segments.entries()) {
    if (rest !== "" && rest.startsWith(segment)) {
      rest = rest.slice(segment.length);
      if (rest === "") continue;
      if (!rest.startsWith("\n")) return undefined;
      rest = rest.slice(1);
      continue;
    }
    if (!segment.startsWith(rest)) return undefined;
    return [segment.slice(rest.length), ...segments.slice(index + 1)];
  }
  return undefined;
}
