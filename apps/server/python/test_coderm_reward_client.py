"""Tests of the reward client against a running service (CODERM_REWARD_URL, set by the
TypeScript test that starts one)."""

import asyncio
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import coderm_reward_client as client  # noqa: E402

RIGHT = "Here:\n```python\ndef f(x):\n    return 2 * x\n```\n"
WRONG = "```python\ndef f(x):\n    return x\n```"
TESTS = json.dumps(["assert f(21) == 42", "assert f(0) == 0"])


class ClientTest(unittest.TestCase):
    def test_compute_score_rewards_a_right_program_and_not_a_wrong_one(self):
        right = client.compute_score("inline", RIGHT, TESTS)
        self.assertEqual(right["score"], 1)
        self.assertEqual(right["status"], "ok")
        self.assertEqual(client.compute_score("inline", WRONG, TESTS)["score"], 0)

    def test_compute_score_reads_verl_input_output_pairs(self):
        pairs = json.dumps({"inputs": ["21\n"], "outputs": ["42\n"]})
        program = "```python\nprint(2 * int(input()))\n```"
        self.assertEqual(client.compute_score("codecontests", program, pairs)["score"], 1)

    def test_compute_score_async(self):
        result = asyncio.run(client.compute_score_async("inline", RIGHT, TESTS))
        self.assertEqual(result["score"], 1)

    def test_reward_func_answers_openrlhf_shape(self):
        answer = client.reward_func(["Q:" + RIGHT, "Q:" + WRONG], ["Q:", "Q:"], [TESTS, TESTS])
        self.assertEqual(list(answer["rewards"]), [1, 0])
        self.assertIn("pass_ratio", answer["extra_logs"])

    def test_native_reward_reports_no_code(self):
        [result] = client.reward([{"response": "no code here", "tests": ["assert True"]}])
        self.assertEqual(result["status"], "no_code")

    def test_a_bad_label_raises_with_the_status(self):
        with self.assertRaises(client.RewardServiceError) as raised:
            client.compute_score("inline", RIGHT, "not tests")
        self.assertEqual(raised.exception.status, 400)


if __name__ == "__main__":
    unittest.main()
