#!/usr/bin/env python3
"""Micro benchmark for the harness on CodeT's HumanEval data (CodeGen-Mono-16B samples).

    python3 -S harness_bench.py [--data DIR] [--workers 2] [--tasks N] [--codet] [--verify N]
                                [--reference N] [--no-group] [--time-ms 100] [--harness PATH]

Builds one request per unique (task, completion) program with CodeT's post-processing:
  solution = sample cut at the first of "\\nclass", "\\ndef", "\\n#", "\\nif", "\\nprint";
  program  = CodeT prompt + solution;
  tests    = each test sample split on "assert ", pieces that mention the entry point, cut at the
             same stop tokens, kept when they compile; first 5 per sample; deduplicated.
Runs them on N harness processes (0.1 s per test) and prints candidates, tests, pairs, wall time, pairs/s and
the count per status.

--codet     also runs the ground truth (HumanEval check(), 0.1 s, like CodeT's main.py) and prints
            pass@1/10/100 of the samples and CodeT's dual-agreement pass@1/2/10
            (published: CodeT pass@1 36.7; samples pass@1 ~22.1, pass@10 ~50.4, pass@100 ~73.8).
--verify N  reruns N requests with groupAsserts=false and checks the verdicts are identical.
--reference N  runs N random requests through a CodeT-style reference (one fresh interpreter per
            candidate, program exec'd once, each test under a 0.1 s SIGALRM, `except Exception`
            -> False; PYTHONHASHSEED=0 like the harness) and reports every pass/non-pass
            disagreement. The reference shares one namespace across a candidate's tests and runs
            them in list order, so stateful candidates can legitimately differ.
--harness   what to start, as in harness_selftest.py: the source directory (default), a
            harness.pyz, "pyz" (built from the sources now), or any other harness entry point
            (an older single-file harness.py, to compare).
"""

import argparse
import collections
import gzip
import json
import math
import os
import random
import resource
import select
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from coderm_harness.analysis import analyze_assert  # noqa: E402
from harness_selftest import resolve_harness  # noqa: E402
from selftest_support import DATA, HARNESS, Harness  # noqa: E402

STOP = ["\nclass", "\ndef", "\n#", "\nif", "\nprint"]


def load_jsonl_gz(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def cut(text):
    for s in STOP:
        if s in text:
            text = text.split(s)[0]
    return text


def extract_tests(sample, entry_point):
    pieces = [
        "assert %s" % p
        for p in ("assert %s" % sample).split("assert ")
        if entry_point.strip() in p and p.strip()
    ]
    out = []
    for t in pieces:
        t = cut(t.strip()).strip()
        if not t or "assert" not in t:
            continue
        try:
            compile("try:\n    %s\nexcept:\n    pass\n" % t.replace("\n", "\n    "), "", "exec")
        except Exception:
            continue
        out.append(t)
    return out


def build(data_dir, ntasks=None, limit=5):
    d = os.path.join(data_dir, "codet")
    gen = load_jsonl_gz(os.path.join(d, "HumanEval_for_code_generation.jsonl.gz"))
    tgen = load_jsonl_gz(os.path.join(d, "HumanEval_for_test_case_generation.jsonl.gz"))
    sols = load_jsonl_gz(
        os.path.join(
            d, "HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_code_solution.jsonl.gz"
        )
    )
    tcs = load_jsonl_gz(
        os.path.join(d, "HumanEval_codegen16B_temp0.8_topp0.95_num100_max300_test_case.jsonl.gz")
    )
    by_prompt = {p["prompt"]: p for p in gen}
    by_tprompt = {p["prompt"]: p for p in tgen}
    tasks = collections.OrderedDict()
    for s in sols:
        task = by_prompt[s["prompt"]]
        samples = s["samples"] or ["empty solution here, execution will fail"]
        comps = [cut(x) for x in samples] if s["samples"] else samples
        tasks[task["task_id"]] = {"task": task, "completions": comps, "tests_per_sample": []}
    for t in tcs:
        task = by_tprompt[t["prompt"]]
        tasks[task["task_id"]]["tests_per_sample"] = [
            extract_tests(x, task["entry_point"]) for x in t["samples"]
        ]
    ids = list(tasks)
    if ntasks:
        ids = ids[:ntasks]
    out = []
    for tid in ids:
        e = tasks[tid]
        limited = [c[:limit] for c in e["tests_per_sample"]]
        uniq = list(dict.fromkeys(sum(limited, [])))
        e["tests"] = uniq
        e["test_freq"] = collections.Counter(sum(limited, []))
        e["unique_completions"] = list(dict.fromkeys(e["completions"]))
        out.append((tid, e))
    return out


class Pool:
    def __init__(self, n, python, harness, depth=2):
        self.processes = [Harness(python, harness=harness) for _ in range(n)]
        self.depth = depth

    def run_all(self, reqs, on_result=None):
        """reqs: list of request dicts (unique ids). Returns {id: [results]}."""
        pending = collections.deque(reqs)
        inflight = {w: 0 for w in self.processes}
        results = {}
        by_fd = {w.r: w for w in self.processes}
        remaining = len(reqs)
        while remaining:
            for w in self.processes:
                while inflight[w] < self.depth and pending:
                    r = pending.popleft()
                    results[r["id"]] = []
                    w.send(r)
                    inflight[w] += 1
            rl, _, _ = select.select(list(by_fd), [], [], 60)
            if not rl:
                raise TimeoutError("harness processes stalled")
            for fd in rl:
                w = by_fd[fd]
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise EOFError("a harness process died")
                w.buf += chunk
                while len(w.buf) >= 4:
                    n = int.from_bytes(w.buf[:4], "big")
                    if len(w.buf) < 4 + n:
                        break
                    f = json.loads(w.buf[4 : 4 + n])
                    w.buf = w.buf[4 + n :]
                    ev = f["event"]
                    if ev == "result":
                        results[f["id"]].append(f)
                        if on_result:
                            on_result(f)
                    elif ev in ("done", "error"):
                        if ev == "error":
                            print("request error:", f, file=sys.stderr)
                        inflight[w] -= 1
                        remaining -= 1
        return results

    def close(self):
        for w in self.processes:
            w.close()


REFERENCE = r"""
import contextlib, io, json, signal, sys
class TimeoutException(Exception):
    pass
def handler(signum, frame):
    raise TimeoutException("Timed out!")
signal.signal(signal.SIGALRM, handler)
d = json.loads(sys.stdin.read())
g = {}
out = []
buf = io.StringIO()
try:
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        exec(compile(d["program"], "<string>", "exec"), g)
        for t in d["tests"]:
            try:
                signal.setitimer(signal.ITIMER_REAL, d["timeout"])
                try:
                    exec(compile(t, "<string>", "exec"), g)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                out.append(True)
            except Exception:
                out.append(False)
except BaseException as e:
    out = None
sys.__stdout__.write(json.dumps(out))
"""


def run_reference(python, program, tests, timeout):
    import subprocess

    p = subprocess.run(
        [python, "-S", "-c", REFERENCE],
        input=json.dumps({"program": program, "tests": tests, "timeout": timeout}),
        capture_output=True,
        text=True,
        timeout=timeout * len(tests) + 30,
        env={"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"},
    )
    try:
        out = json.loads(p.stdout)
    except ValueError:
        out = None
    return out if out is not None else [False] * len(tests)


def pass_at_k(n, c, k):
    if n - c < k:
        return 1.0
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


def codet_rank(tid, e, passed_pairs, gt):
    """CodeT dual agreement (src/agreement.py) for one task -> pass@1,2,10 contributions."""
    sol_freq = collections.Counter(e["completions"])
    test_freq = e["test_freq"]
    passed_sols = {s for s, _ in passed_pairs}
    passed_tests = {t for _, t in passed_pairs}

    def id_ranges(freq, keep):
        ranges, start = {}, 0
        for key, v in freq.items():
            if key in keep:
                ranges[key] = range(start, start + v)
                start += v
        return ranges

    sr = id_ranges(sol_freq, passed_sols)
    tr = id_ranges(test_freq, passed_tests)
    sid2str = {i: s for s, r in sr.items() for i in r}
    cases = collections.defaultdict(list)
    for s, t in passed_pairs:
        for si in sr[s]:
            cases[si].extend(tr[t])
    groups = collections.defaultdict(list)
    for si, tl in cases.items():
        groups[tuple(sorted(tl))].append(si)
    ranked = sorted(
        ([sid2str[s] for s in sols], len(cs) * math.sqrt(len(sols))) for cs, sols in groups.items()
    )
    ranked = sorted(ranked, key=lambda x: x[1], reverse=True)
    return ranked


def codet_pass(ranked, gt_task, topk, n_all, c_all):
    if not ranked:
        return pass_at_k(n_all, c_all, topk)
    merged = [ranked[0]]
    for sols, score in ranked[1:]:
        if score == merged[-1][1]:
            merged[-1] = (merged[-1][0] + sols, score)
        else:
            merged.append((sols, score))
    res = [(s, 1) for s, _ in merged]
    if len(res) >= topk:
        res = res[:topk]
    else:
        counts = [1] * len(res)
        for i in range(topk - len(res)):
            counts[i % len(res)] += 1
        res = [(res[i][0], counts[i]) for i in range(len(res))]
    wrong = 1.0
    for sols, cnt in res:
        c = sum(gt_task[s] for s in sols)
        n = len(sols)
        p_wrong = 0.0 if n - c < 1 else math.prod(1.0 - 1 / i for i in range(n - c + 1, n + 1))
        wrong *= p_wrong**cnt
    return 1 - wrong


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--workers", type=int, default=2, help="harness processes")
    ap.add_argument("--tasks", type=int, default=None)
    ap.add_argument("--time-ms", type=float, default=100)
    ap.add_argument("--codet", action="store_true")
    ap.add_argument("--verify", type=int, default=0)
    ap.add_argument("--no-group", action="store_true")
    ap.add_argument("--reference", type=int, default=0)
    ap.add_argument("--harness", default=os.environ.get("CODERM_HARNESS") or HARNESS)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="coderm-bench-") as temp_dir:
        run(args, resolve_harness(args.harness, temp_dir))


def run(args, harness):

    t0 = time.monotonic()
    tasks = build(args.data, args.tasks)
    reqs = []
    meta = {}
    rid = 0
    for tid, e in tasks:
        e["entry"] = e["task"]["entry_point"]
        for comp in e["unique_completions"]:
            rid += 1
            prog = e["task"]["prompt"] + comp
            reqs.append(
                {
                    "id": rid,
                    "program": prog,
                    "tests": [{"kind": "assert", "code": t} for t in e["tests"]],
                    "limits": {"timeMs": args.time_ms},
                    "groupAsserts": not args.no_group,
                }
            )
            meta[rid] = (tid, comp)
    npairs = sum(len(r["tests"]) for r in reqs)
    ntests = sum(len(e["tests"]) for _, e in tasks)
    print(
        "data: %d tasks, %d unique candidates, %d unique tests, %d pairs (prepared in %.1fs)"
        % (len(tasks), len(reqs), ntests, npairs, time.monotonic() - t0)
    )

    print("harness: %s" % harness)
    pool = Pool(args.workers, args.python, harness)
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    results = pool.run_all(reqs)
    wall = time.monotonic() - t0
    counts = collections.Counter(r["status"] for rs in results.values() for r in rs)
    got = sum(len(rs) for rs in results.values())
    print(
        "dual execution: %d pairs in %.2fs wall = %.0f pairs/s, %.0f requests/s; statuses %s"
        % (got, wall, got / wall, len(reqs) / wall, dict(sorted(counts.items())))
    )
    assert got == npairs, (got, npairs)
    evals = set()
    for r in reqs:
        for x in results[r["id"]]:
            if x["status"] == "timeout":
                a = analyze_assert(r["tests"][x["index"]]["code"])
                evals.add((r["id"], a[1] if a[0] == "group" else x["index"]))
    kills = sum(1 for rs in results.values() for x in rs if "watchdog" in (x.get("message") or ""))
    print(
        "timed-out evaluations (distinct left expressions per candidate): %d -> >= %.1fs of core time; "
        "%d results from watchdog kills" % (len(evals), len(evals) * args.time_ms / 1000, kills)
    )
    wall_ms = sorted(r["wallMs"] for rs in results.values() for r in rs)
    print(
        "per-test wallMs: median %.3f, p99 %.3f, max %.1f"
        % (wall_ms[len(wall_ms) // 2], wall_ms[int(len(wall_ms) * 0.99)], wall_ms[-1])
    )

    if args.verify:
        rnd = random.Random(1)
        sub = rnd.sample(reqs, min(args.verify, len(reqs)))
        sub2 = []
        for r in sub:
            r2 = dict(r)
            r2["id"] = r["id"] + 10_000_000
            r2["groupAsserts"] = not r["groupAsserts"]
            sub2.append(r2)
        res2 = pool.run_all(sub2)
        diffs = 0
        for r in sub:
            a = [(x["index"], x["status"]) for x in results[r["id"]]]
            b = [(x["index"], x["status"]) for x in res2[r["id"] + 10_000_000]]
            if a != b:
                diffs += 1
                d = [(x, y) for x, y in zip(a, b) if x != y]
                print("verify: request %d differs: %s" % (r["id"], d[:5]))
        print("verify: %d requests rerun with groupAsserts flipped, %d differ" % (len(sub), diffs))

    if args.reference:
        rnd = random.Random(2)
        sub = rnd.sample(reqs, min(args.reference, len(reqs)))
        t1 = time.monotonic()
        disagree = 0
        pairs = 0
        for r in sub:
            tests = [t["code"] for t in r["tests"]]
            ref = run_reference(args.python, r["program"], tests, args.time_ms / 1000)
            ours = {x["index"]: x for x in results[r["id"]]}
            for i, ok in enumerate(ref):
                pairs += 1
                mine = ours[i]["status"] == "pass"
                if mine != ok:
                    disagree += 1
                    print(
                        "reference: request %d test %d: reference %s, harness %s (%s %s)"
                        % (
                            r["id"],
                            i,
                            "pass" if ok else "no-pass",
                            ours[i]["status"],
                            ours[i].get("errorType"),
                            (ours[i].get("message") or "")[:80],
                        )
                    )
        print(
            "reference: %d requests, %d pairs, %d disagreements (%.1fs)"
            % (len(sub), pairs, disagree, time.monotonic() - t1)
        )

    if args.codet:
        gt_reqs = []
        gmeta = {}
        gid = 20_000_000
        for tid, e in tasks:
            for comp in e["unique_completions"]:
                gid += 1
                gt_reqs.append(
                    {
                        "id": gid,
                        "program": e["task"]["prompt"] + comp,
                        "tests": [
                            {"kind": "check", "code": e["task"]["test"], "entryPoint": e["entry"]}
                        ],
                        "limits": {"timeMs": args.time_ms},
                    }
                )
                gmeta[gid] = (tid, comp)
        t1 = time.monotonic()
        gres = pool.run_all(gt_reqs)
        print("ground truth: %d check() runs in %.2fs" % (len(gt_reqs), time.monotonic() - t1))
        gt = collections.defaultdict(dict)
        for g, rs in gres.items():
            tid, comp = gmeta[g]
            gt[tid][comp] = rs[0]["status"] == "pass"
        raw = {1: [], 10: [], 100: []}
        for tid, e in tasks:
            n = len(e["completions"])
            c = sum(gt[tid][comp] for comp in e["completions"])
            for k in raw:
                raw[k].append(pass_at_k(n, c, k))
        print(
            "samples: "
            + ", ".join("pass@%d %.2f" % (k, 100 * sum(v) / len(v)) for k, v in raw.items())
        )
        fatal = ("SystemExit", "KeyboardInterrupt", "GeneratorExit", "ChildExited", "ChildKilled")
        for drop in (False, True):
            codet = {1: [], 2: [], 10: []}
            pairs_by_task = collections.defaultdict(set)
            dropped = 0
            for r in reqs:
                tid, comp = meta[r["id"]]
                if drop and any(x.get("errorType") in fatal for x in results[r["id"]]):
                    dropped += 1
                    continue
                for x in results[r["id"]]:
                    if x["status"] == "pass":
                        pairs_by_task[tid].add((comp, r["tests"][x["index"]]["code"]))
            for tid, e in tasks:
                n = len(e["completions"])
                c = sum(gt[tid][comp] for comp in e["completions"])
                ranked = codet_rank(tid, e, pairs_by_task[tid], gt[tid])
                for k in codet:
                    codet[k].append(codet_pass(ranked, gt[tid], k, n, c))
            print(
                "CodeT dual agreement%s: "
                % (
                    " (candidates whose run died or raised SystemExit & co. left out, as CodeT's runner "
                    "does: %d)" % dropped
                    if drop
                    else ""
                )
                + ", ".join("pass@%d %.2f" % (k, 100 * sum(v) / len(v)) for k, v in codet.items())
            )

    pool.close()
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        "harness processes+children CPU: user %.1fs sys %.1fs"
        % (ru1.ru_utime - ru0.ru_utime, ru1.ru_stime - ru0.ru_stime)
    )


if __name__ == "__main__":
    main()
