import type { ExecutionRequest } from "@coderm/core";
import { forms, request } from "./helpers.js";
import { program } from "./program.js";
import type { AdversarialAttack, AdversarialContext } from "./types.js";

/** A wrong candidate that returns whatever an answer file in its working directory says. */
function answerReader(context: AdversarialContext, id: string, delay: number): ExecutionRequest {
  return request(
    id,
    program("interference/answer-reader", context, {
      ANSWER_FILE: `${context.tag}-answer.txt`,
      DELAY: delay,
      VICTIM_ID: id,
    }),
    [forms.assert],
  );
}

export const interference: AdversarialAttack[] = [
  {
    id: "interference-plant-answer",
    category: "interference",
    description:
      "while a colluding wrong candidate runs on another worker, writes the right answer into every other harness directory it can see",
    request: (context) =>
      request(
        "interference-plant-answer",
        program("interference/interference-plant-answer", context, {
          ANSWER_FILE: `${context.tag}-answer.txt`,
        }),
        [forms.assert],
      ),
    victim: (context) => ({
      requests: [answerReader(context, "interference-plant-answer-victim", 0.5)],
      expected: "fail",
    }),
  },
  {
    id: "interference-sabotage-scratch",
    category: "interference",
    description:
      "overwrites the scratch file of a correct candidate running on another worker, so that it answers wrong",
    request: (context) =>
      request(
        "interference-sabotage-scratch",
        program("interference/interference-sabotage-scratch", context, {
          SCRATCH_FILE: `${context.tag}-scratch.txt`,
        }),
        [forms.assert],
      ),
    victim: (context) => ({
      requests: [
        request(
          "interference-sabotage-scratch-victim",
          program("interference/interference-sabotage-scratch-victim", context, {
            SCRATCH_FILE: `${context.tag}-scratch.txt`,
          }),
          [forms.assert],
        ),
      ],
      expected: "pass",
    }),
  },
  {
    id: "interference-stop-neighbours",
    category: "interference",
    description:
      "SIGSTOPs the other candidates' processes it can find under the same executor, so they time out",
    request: () =>
      request(
        "interference-stop-neighbours",
        program("interference/interference-stop-neighbours"),
        [forms.assert],
      ),
    victim: () => ({
      requests: [
        request(
          "interference-stop-neighbours-victim",
          program("interference/interference-stop-neighbours-victim"),
          [forms.assert],
        ),
      ],
      expected: "pass",
    }),
  },
  {
    id: "interference-stray-writer",
    category: "interference",
    description:
      "leaves a detached process (ctypes fork + setsid) that plants the right answer for the candidates run after it",
    request: (context) =>
      request(
        "interference-stray-writer",
        program("interference/interference-stray-writer", context, {
          ANSWER_FILE: `${context.tag}-answer.txt`,
        }),
        [forms.assert],
      ),
    victim: (context) => ({
      requests: [0, 1].map((index) =>
        answerReader(context, `interference-stray-writer-victim-${index}`, 0.2),
      ),
      expected: "fail",
      after: true,
    }),
  },
];
