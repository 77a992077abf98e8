"""Memory of a process tree, read from /proc: shared by the bench scripts that start servers.

A server's memory is that of its process and every process below it (server processes, the
query-worker zygote, the workers), so each figure is a sum over the tree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# the process-tree walk the tests use to find leftover workers (tests/proc_helpers.py), not a copy
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from proc_helpers import descendants


def tree_kb(pid: int, field: str = "VmRSS") -> int:
    """The sum of ``field`` over ``pid`` and its descendants, in KiB.

    ``VmRSS`` (resident now) and ``VmHWM`` (peak resident) come from ``/proc/PID/status``; they
    count a page shared by forked processes once in each. ``Pss`` (from ``smaps_rollup``) splits
    each shared page among its sharers, so the sum is the tree's real footprint.
    """
    source = "smaps_rollup" if field == "Pss" else "status"
    pattern = re.compile(rf"^{field}:\s+(\d+) kB", re.MULTILINE)
    total = 0
    for p in [pid, *descendants(pid)]:
        try:
            text = Path(f"/proc/{p}/{source}").read_text()
        except OSError:
            continue
        match = pattern.search(text)
        total += int(match.group(1)) if match else 0
    return total
