import type { Candidate, Problem } from "@coderm/core";
import {
  createOpenAITestServer,
  type OpenAITestServer,
  type OpenAITestServerSettings,
  type RewardScriptRequest,
} from "@coderm/openai-test-server";

/** The model name the test servers serve. */
export const testModel = "Rishubi/CodeRM-NT";

/** A problem for the tests. */
export const testProblem: Problem = {
  id: "add",
  prompt: "Write a function add(a, b) that returns the sum.",
  entryPoint: "add",
  language: "python",
};

/** A candidate whose code says the reward the test server gives it (`# reward <x>`). */
export function rewardCandidate(reward: number, body = "return a + b"): Candidate {
  return {
    id: `c${reward}-${body.length}`,
    problemId: testProblem.id,
    code: `def add(a, b):\n    # reward ${reward}\n    ${body}`,
  };
}

/** The reward a test server gives a response: the number after `# reward`, else 0. */
function scriptedReward(request: RewardScriptRequest): number {
  const match = /# reward (-?[\d.]+)/.exec(request.response ?? request.text ?? "");
  return match ? Number(match[1]) : 0;
}

/** A started test server scoring with {@link scriptedReward}, and its root URL. */
export async function startRewardServer(
  settings: OpenAITestServerSettings = {},
): Promise<{ server: OpenAITestServer; root: string }> {
  const server = createOpenAITestServer({
    models: [testModel],
    reward: scriptedReward,
    ...settings,
  });
  const { port } = await server.start();
  return { server, root: `http://127.0.0.1:${port}` };
}

/** The method and path of every request a server recorded. */
export function routes(server: OpenAITestServer): string[] {
  return server.requests.map((request) => `${request.method} ${request.path}`);
}
