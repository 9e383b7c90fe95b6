import { field, finiteReward, type ProtocolCodec } from "./protocol-codec.js";

/**
 * The CodeRM-NT authors' reward server: `POST /predict` with `{"question", "response"}`, one pair a
 * request, answering `{"rewards": float}`. The server applies the chat template itself, keeps the
 * text after the last `</think>`, clips to [-4, 4] and has no truncation field.
 */
export const codermNtCodec: ProtocolCodec = {
  protocol: "coderm-nt",
  path: "/predict",
  batches: false,
  body([pair]) {
    return { question: pair!.question, response: pair!.response };
  },
  itemKey(pair) {
    return { question: pair.question, response: pair.response };
  },
  rewards(answer) {
    return [finiteReward(field(answer, "rewards", "the answer"), '"rewards"')];
  },
};
