"""What this machine lets a run use, read once by every part that sizes itself by it."""

from __future__ import annotations

import os


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity where the OS tells (a container or
    ``taskset`` may allow fewer than the machine has), else the CPU count."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
