"""Which processes a test left behind, read from /proc (Linux): the process tests of serve and ingest
check that no worker outlives its parent."""

from __future__ import annotations

import os
from pathlib import Path


def children_of() -> dict[int, list[int]]:
    """Every process's children, from one pass over /proc (a process may vanish meanwhile)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    return parents


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, their children...)."""
    parents = children_of()
    out: list[int] = []
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
