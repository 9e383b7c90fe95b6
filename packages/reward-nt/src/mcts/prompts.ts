import type { ChatMessage, Problem } from "@coderm/core";
import { fencedPython } from "./response-text.js";

/**
 * The prompts of the tree search: the policy writes answers that print their intermediate values,
 * continues partial answers and writes calling examples; the judge grades a program by its
 * execution log. They follow the CodeRM-NT authors' prompts in substance, in words of our own.
 */

/** The policy's system message: plan, one block of code, prints of every key value. */
export const policySystemPrompt = `You help users by writing Python code that is run to check it.
You should:
1. Read the user's requirements carefully and follow them exactly.
2. Say in a few words what the code will do.
3. Give the code to run in one code block, with the imports and helper functions it needs before it.
4. Print every key intermediate variable and the outcome of every condition, keeping the syntax correct.`;

/** Asks the policy to write a failed answer again. */
export const rewritePrompt = `Write this answer again, better. You should:
1. Read the user's requirements carefully and follow them exactly.
2. Say in a few words what the code will do.
3. Give the code to run in one code block, with the imports and helper functions it needs before it.
4. Print every key intermediate variable and the outcome of every condition, keeping the syntax correct.
Keep everything the original code does, even a syntax error or a bug that stops it from running.
Answer with the response only, nothing else, as if you were writing it for the first time.`;

/** Asks the policy for calling examples to append to its answer's code. */
export const callingExamplesPrompt = `Write at most five calls that run the code of your answer.
They will be appended to the end of that code as they are, and run with it.
Cover as many kinds of input as you can, edge cases and complicated inputs included.
Do not write invalid inputs that can never occur.
Do not predict the outputs or return values.
Answer with the calls only, without the original code.`;

/** The words that open a continuation request (so a reader of the logs can tell them apart). */
export const continuationOpening = "Here is the start of an answer, as partially completed code:";

/** What a continuation request may show the policy: another completion of the same prefix. */
export interface ContinuationExample {
  /** The code that completion added after the prefix. */
  code: string;
  /** What running it showed, and the judge's feedback. */
  feedback: string;
}

/** Asks the policy to complete an answer whose code starts with `code`. */
export function continuationPrompt(
  instruction: string,
  code: string,
  example?: ContinuationExample,
): string {
  const lines = [
    instruction.trimEnd(),
    continuationOpening,
    fencedPython(code),
    "Write the complete answer:",
    "1. Read the user's requirements carefully and follow them exactly.",
    "2. Say in a few words what the code will do.",
    "3. Give the complete code to run in one code block, with the imports and helper functions it needs before it.",
    "4. Find every key intermediate variable of the code and print it.",
    "Start the code with the code given above and keep all of it, even a syntax error or a bug that stops it from running.",
  ];
  if (example !== undefined)
    lines.push(
      "For example, this code could follow the given code:",
      fencedPython(example.code),
      "Running that completion gave this feedback:",
      example.feedback,
      "Now write an answer of your own, all of its code in one code block.",
    );
  lines.push(
    "Answer with the response only, nothing else, as if you were writing it for the first time.",
  );
  return `${lines.join("\n")}\n`;
}

/** Tells the policy that its continuation must start with the given code. */
export function prefixReminder(code: string): string {
  return `Your code has to begin with this:\n${fencedPython(`${code}\n`)}\nWrite the answer again. Answer with the rewritten response only, nothing else.`;
}

/** What the judge is shown: the problem, the program run and what running it printed. */
export interface JudgeInput {
  problem: string;
  code: string;
  log: string;
}

/** The judge's prompt: a 1-5 rubric of correctness, then Analysis, Justify and Score lines. */
export function judgePrompt(input: JudgeInput): string {
  return `You are an expert judge of code quality.
Grade, impartially, how correct a coding assistant's answer to a user's problem is, on the 5-point scale below. The code was run with print statements that show how it runs. Give the score whose description fits:
1: The code is relevant and says something about the problem, even if it is incomplete, cannot run, or contains unrelated content.
2: The code runs at least sometimes and prints outputs, but bugs or logic errors keep it from giving the right outputs for the problem.
3: The code solves the simple cases, but fails on hard, complicated or edge cases, lacks needed error handling, or has a security weakness.
4: The code solves the problem directly and completely, with correct logic that covers every possible input. Inputs that can never occur need not be covered.
5: The code is also optimal in time and space, follows the best practices of its algorithm, language or framework, and meets the user's requirements perfectly.

#Problem Begins#
${input.problem}
#Problem Ends#

The answer contains this code:
${fencedPython(input.code)}

Running the code printed:
#Output Begins#
${input.log}
#Output Ends#

Having read the user's problem and the answer:
1. Analyse the answer, watching the run for errors or exceptions and reading its output closely, as "Analysis: <analysis>".
2. Justify your score by checking the answer against each description, as "Justify: <checks>".
3. End with the score, as "Score: <points>".
`;
}

const scorePattern = /Score:\D*?(\d+(?:\.\d+)?)/g;

/**
 * The score of a judge's answer: the last `Score: <number>` in it that lies in [0, 5], or
 * undefined when there is none (the answer is then asked for again).
 */
export function judgeScore(text: string): number | undefined {
  const scores = [...text.matchAll(scorePattern)].map((match) => Number(match[1]));
  return scores.reverse().find((score) => score >= 0 && score <= 5);
}

/**
 * The instruction a problem is put to the policy with, and the `input` of its exported records:
 * the prompt in a Python fence, asking for the complete function.
 */
export function problemInstruction(problem: Problem): string {
  const name = problem.entryPoint === "" ? "the program" : `the function \`${problem.entryPoint}\``;
  return `Complete ${name} below in Python.\n${fencedPython(problem.prompt.trimEnd())}`;
}

/** The policy conversation of an answer written from scratch. */
export function answerConversation(instruction: string): ChatMessage[] {
  return [
    { role: "system", content: policySystemPrompt },
    { role: "user", content: instruction },
  ];
}
