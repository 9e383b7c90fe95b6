"""coderm's Python execution harness (PROTOCOL.md): a long-lived process that runs candidate
programs against tests. Standard library only; Python 3.11.

Processes: the harness process (harness_process.py: protocol, planning, watchdog, judging values)
-> its zygote (zygote.py: only forks) -> one candidate process per request (candidate.py) and the
test server for split tests (test_server.py). Each forked process gets the harness process's
ProcessState (state.py) and sets its role there."""
