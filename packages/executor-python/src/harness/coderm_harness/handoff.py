"""What the harness process hands to its zygote, and through it to every child: the shared
areas, the pipes and the Landlock rulesets (file descriptors stay open across the forks)."""


class Handoff:
    """Resources of one zygote (a new zygote gets a new Handoff)."""

    __slots__ = (
        "command_fd",
        "event_fd",
        "notify_fd",
        "verdict_fd",
        "ring_area",
        "job_area",
        "job_file",
        "split_job_area",
        "candidate_ruleset",
        "zygote_ruleset",
        "work_dir",
        "harness_pid",
    )

    def __init__(
        self,
        *,
        command_fd,
        event_fd,
        notify_fd,
        verdict_fd,
        ring_area,
        job_area,
        job_file,
        split_job_area,
        candidate_ruleset,
        zygote_ruleset,
        work_dir,
        harness_pid,
    ):
        self.command_fd = command_fd  # harness process -> zygote: fork commands
        self.event_fd = event_fd  # zygote -> harness process: ZYGOTE_EVENT records
        self.notify_fd = notify_fd  # children -> harness process: CHILD_DONE/DRAIN
        self.verdict_fd = verdict_fd  # test server -> harness process: its records
        self.ring_area = ring_area  # the result ring (candidate processes write it)
        self.job_area = job_area  # the candidate process's job
        self.job_file = job_file  # ... when it does not fit in the area
        self.split_job_area = split_job_area  # the split tests (the test server's)
        self.candidate_ruleset = candidate_ruleset  # Landlock: a candidate's layer, or -1
        self.zygote_ruleset = zygote_ruleset  # Landlock: the zygote's (and so everyone's), or -1
        self.work_dir = work_dir
        self.harness_pid = harness_pid
