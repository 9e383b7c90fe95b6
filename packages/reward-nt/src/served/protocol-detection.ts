import { CodermError } from "@coderm/core";
import { type RetryPolicy, requestJson } from "./http-client.js";
import {
  type CodecContext,
  type ScoringPair,
  type ServedRewardProtocol,
  servedRewardProtocols,
} from "./protocol-codec.js";
import { protocolCodecs } from "./protocol-codecs.js";

/** Where and how `"auto"` probes. */
export interface ProtocolDetection {
  /** The server's root URL. */
  root: string;
  headers: Record<string, string>;
  policy: RetryPolicy;
  signal?: AbortSignal;
  context: CodecContext;
  /** Merged into every probe's body, as into every request. */
  extraBody?: Record<string, unknown>;
}

/** The pair every probe scores. */
const probePair: ScoringPair = {
  question: "Write a Python function f that returns 1.",
  response: "```python\ndef f():\n    return 1\n```",
};

/**
 * Finds the protocol a server speaks by scoring {@link probePair} in each protocol's shape, in
 * the order of `servedRewardProtocols` (the CodeRM-NT server, TEI, vLLM `/classify`, SGLang
 * `/classify`, vLLM `/pooling`, SGLang `/v1/embeddings`): the first 2xx answer in its protocol's
 * shape wins. Each server rejects the others' shapes (a 404, or a 400/422 for a field it lacks),
 * so the probes do not confuse them. A server that cannot be reached is an `unavailable` error;
 * none answering is an `unsupported` error listing what each probe got.
 */
export async function detectProtocol(detection: ProtocolDetection): Promise<ServedRewardProtocol> {
  const tried: string[] = [];
  for (const protocol of servedRewardProtocols) {
    const codec = protocolCodecs[protocol];
    const url = detection.root + codec.path;
    let answer: unknown;
    try {
      answer = await requestJson({
        method: "POST",
        url,
        body: { ...codec.body([probePair], detection.context), ...detection.extraBody },
        headers: detection.headers,
        protocol,
        policy: detection.policy,
        ...(detection.signal === undefined ? {} : { signal: detection.signal }),
      });
    } catch (error) {
      if (!CodermError.isInstance(error)) throw error;
      const failure = error.details?.failure;
      if (error.code === "cancelled") throw error;
      if (failure === "connection" || failure === "timeout")
        throw new CodermError(
          "unavailable",
          `cannot detect the reward server's protocol: ${error.message}`,
          { cause: error, details: { url, protocol, tried } },
        );
      const status = error.details?.status;
      const message = error.details?.serverMessage ?? error.message;
      tried.push(
        `${protocol} (POST ${codec.path}: ${status === undefined ? "" : `${String(status)} `}${String(message).slice(0, 160)})`,
      );
      continue;
    }
    try {
      codec.rewards(answer, 1);
      return protocol;
    } catch (error) {
      tried.push(
        `${protocol} (POST ${codec.path}: 2xx in another shape: ${(error as Error).message})`,
      );
    }
  }
  throw new CodermError(
    "unsupported",
    `no reward-model protocol answered at ${detection.root}; tried ${tried.join("; ")}`,
    { details: { url: detection.root, tried } },
  );
}
