import time


def _scan_memory(pid, pattern, end, private_writable=False):
    """The first match of pattern in the readable memory of pid, before the deadline."""
    try:
        with open("/proc/%s/maps" % pid) as maps:
            regions = maps.read().splitlines()
        memory = open("/proc/%s/mem" % pid, "rb", buffering=0)
    except OSError:
        return None
    # private writable memory (the heap) first, shared mappings (large, mostly empty) last
    spans = []
    for line in regions:
        fields = line.split()
        perms = fields[1]
        if not perms.startswith("r") or line.endswith(("[vvar]", "[vsyscall]", "[vvar_vclock]")):
            continue
        private = perms[1] == "w" and perms[3] == "p"
        if private_writable and not private:
            continue
        start, stop = (int(part, 16) for part in fields[0].split("-"))
        spans.append((not private, stop - start, start, stop))
    with memory:
        for _, _, start, stop in sorted(spans):
            for offset in range(start, min(stop, start + (64 << 20)), 1 << 20):
                if time.monotonic() > end:
                    return None
                try:
                    memory.seek(offset)
                    chunk = memory.read(min(1 << 20, stop - offset))
                except (OSError, ValueError, OverflowError):
                    break
                match = pattern.search(chunk)
                if match:
                    return match
    return None
