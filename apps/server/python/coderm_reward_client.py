"""Client of the coderm reward service, for RL trainers.

- ``compute_score(data_source, solution_str, ground_truth, extra_info=None)``: veRL's custom
  reward function (``custom_reward_function.path`` / ``.name``); returns a dict with ``score``.
- ``compute_score_async(...)``: the same, awaitable.
- ``reward_func(queries, prompts, labels)``: OpenRLHF's reward function hook; returns
  ``{"rewards", "scores", "extra_logs"}`` (torch tensors where torch is installed, else lists).
- ``reward(items)``: the service's native ``/v1/reward`` for a batch of items.

The service is at ``CODERM_REWARD_URL`` (``http://127.0.0.1:8000`` by default) and takes the
bearer token in ``CODERM_REWARD_TOKEN`` when it has tokens. A ``ground_truth`` or label follows
the service's label conventions: ``"humaneval+:HumanEval/0"``, a JSON list of tests, or veRL's
``{"inputs": [...], "outputs": [...], "fn_name"?}``. Busy or unavailable answers (429, 503) are
retried after their ``Retry-After``; a result that cannot be computed raises
``RewardServiceError`` rather than pretending to be a reward of 0. Standard library only.
"""

import asyncio
import json
import os
import time
import urllib.error
import urllib.request

__all__ = [
    "RewardServiceError",
    "compute_score",
    "compute_score_async",
    "reward",
    "reward_func",
]


class RewardServiceError(RuntimeError):
    """The service refused a request or could not judge it; ``status`` is its HTTP status."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


def _settings(url, token):
    base = (url or os.environ.get("CODERM_REWARD_URL") or "http://127.0.0.1:8000").rstrip("/")
    return base, token if token is not None else os.environ.get("CODERM_REWARD_TOKEN")


def _post(path, body, url=None, token=None, timeout=600.0, retries=5):
    base, secret = _settings(url, token)
    data = json.dumps(body).encode("utf-8")
    headers = {"content-type": "application/json"}
    if secret:
        headers["authorization"] = "Bearer " + secret
    for attempt in range(retries + 1):
        request = urllib.request.Request(base + path, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            if error.code in (429, 503) and attempt < retries:
                wait = error.headers.get("retry-after")
                time.sleep(float(wait) if wait else min(2.0**attempt, 30.0))
                continue
            raise RewardServiceError(
                "%s %s answered %d: %s" % (base, path, error.code, text), error.code
            ) from None
        except urllib.error.URLError as error:
            if attempt < retries:
                time.sleep(min(2.0**attempt, 30.0))
                continue
            raise RewardServiceError("%s is not reachable: %s" % (base, error.reason)) from None
    raise RewardServiceError("unreachable")  # pragma: no cover


def reward(items, url=None, token=None, timeout=600.0):
    """The results of ``/v1/reward`` for a list of items (see the service's OpenAPI document)."""
    return _post("/v1/reward", {"items": list(items)}, url, token, timeout)["results"]


def compute_score(data_source, solution_str, ground_truth, extra_info=None, url=None, token=None):
    """veRL's reward function: the reward of ``solution_str`` against ``ground_truth``'s tests."""
    result = _post(
        "/slime?format=object",
        {"response": solution_str, "label": ground_truth},
        url,
        token,
    )
    return {
        "score": result["reward"],
        "status": result["status"],
        "passed": result["passed"],
        "total": result["total"],
    }


async def compute_score_async(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    """:func:`compute_score`, run in a thread so an event loop keeps going."""
    return await asyncio.to_thread(
        compute_score, data_source, solution_str, ground_truth, extra_info, **kwargs
    )


def reward_func(queries, prompts, labels, url=None, token=None):
    """OpenRLHF's reward function hook: one reward per query (prompt + response)."""
    answer = _post(
        "/openrlhf",
        {"query": list(queries), "prompts": list(prompts), "labels": list(labels)},
        url,
        token,
    )
    try:
        import torch  # noqa: PLC0415 (optional: OpenRLHF has it, this client does not need it)
    except ImportError:
        return answer
    return {
        "rewards": torch.tensor(answer["rewards"], dtype=torch.float),
        "scores": torch.tensor(answer["scores"], dtype=torch.float),
        "extra_logs": {
            name: torch.tensor(values, dtype=torch.float)
            for name, values in answer["extra_logs"].items()
        },
    }
