"""Memory of a process tree, read from /proc: shared by the bench scripts that start servers.

A server's memory is that of its process and every process below it (server processes, the
query-worker zygote, the workers), so each figure is a sum over the tree.
"""

from __future__ import annotations

import os
import re
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, their children, ...)."""
    below: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:  # gone meanwhile
                continue
            below.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    out: list[int] = []
    todo = [pid]
    while todo:
        for child in below.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


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
