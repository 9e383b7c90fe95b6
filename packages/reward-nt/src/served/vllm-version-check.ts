import { CodermError } from "@coderm/core";
import { type RetryPolicy, requestJson } from "./http-client.js";
import { vllmActivationFields, vllmActivationHistory } from "./vllm-protocols.js";

/** Where and how to ask a vLLM server its version. */
export interface VllmVersionCheck {
  /** The server's root URL. */
  root: string;
  headers: Record<string, string>;
  policy: RetryPolicy;
  signal?: AbortSignal;
  protocol: string;
  /** The activation field the requests carry. */
  activationField: string;
}

/**
 * Asks vLLM's `GET /version` and fails with an `unsupported` error when that version does not
 * read `activationField`: vLLM ignores unknown request fields, so such a server would answer
 * sigmoid(reward) instead of the reward, silently. A server without `/version` (or an answer
 * without a version) is not judged. Returns the version, where one was read.
 */
export async function checkVllmActivationField(
  check: VllmVersionCheck,
): Promise<string | undefined> {
  let answer: unknown;
  try {
    answer = await requestJson({
      method: "GET",
      url: `${check.root}/version`,
      headers: check.headers,
      protocol: check.protocol,
      policy: { ...check.policy, retries: 0 },
      ...(check.signal === undefined ? {} : { signal: check.signal }),
    });
  } catch (error) {
    if (CodermError.isInstance(error) && error.code === "cancelled") throw error;
    return undefined;
  }
  const version = (answer as { version?: unknown } | null)?.version;
  if (typeof version !== "string") return undefined;
  if (!vllmActivationFields(version).includes(check.activationField))
    throw new CodermError(
      "unsupported",
      `the vLLM ${version} at ${check.root} does not read "${check.activationField}", so its ${check.protocol} answers would be sigmoid(reward) instead of the reward: ${vllmActivationHistory}`,
      {
        field: "activationField",
        details: { url: `${check.root}/version`, protocol: check.protocol, version },
      },
    );
  return version;
}
