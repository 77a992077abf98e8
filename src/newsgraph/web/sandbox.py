"""No network for the query engine: a seccomp filter for the SPARQL worker processes.

Why here and not in the query text: pyoxigraph 0.5 evaluates ``SERVICE`` and ``LOAD`` with its own
HTTP client and has no option to switch it off, and its parser accepts spellings no keyword
pattern foresees (``0SERVICE``, ``1e0SERVICE``, ``trueSERVICE`` all parse as a SERVICE call). So
the guarantee comes from the operating system: :func:`deny_network` installs a seccomp filter in
the worker process that makes ``socket()`` fail with ``EPERM`` for every address family but
``AF_UNIX`` (the worker talks to the server over an inherited Unix socket pair, and creates no
other), and makes ``io_uring_setup`` fail too (io_uring can open sockets without ``socket()``).
Whatever the query says, the engine cannot open a TCP connection, so it cannot reach any host.

Why raw BPF through ctypes rather than the ``pyseccomp`` package: the filter is ten instructions,
and writing them directly needs nothing beyond the kernel (no libseccomp, no extra dependency that a
deployment could lack); the few numbers involved are fixed by the kernel ABI for each
architecture. On an architecture not listed in :data:`_ARCHES`, or a kernel without seccomp,
:func:`deny_network` raises :class:`SandboxUnavailable` and the worker falls back to refusing
every request that could reach the network (see :func:`may_reach_network`): closed, not open.

A filter is per process and cannot be removed: a worker that is to reach the network
(``--allow-service``, ``--allow-load``) simply never installs it.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import re
import socket
import struct
import threading

# Kernel ABI: linux/filter.h, linux/seccomp.h, linux/audit.h, linux/prctl.h.
_BPF_LD_W_ABS = 0x20   # BPF_LD | BPF_W | BPF_ABS
_BPF_JEQ_K = 0x15      # BPF_JMP | BPF_JEQ | BPF_K
_BPF_JGE_K = 0x35      # BPF_JMP | BPF_JGE | BPF_K
_BPF_RET_K = 0x06      # BPF_RET | BPF_K
_RET_ALLOW = 0x7FFF0000
_RET_EPERM = 0x00050000 | errno.EPERM
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
# seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6] (little-endian: low word first).
_OFFSET_NR, _OFFSET_ARCH, _OFFSET_ARG0 = 0, 4, 16

#: machine -> (AUDIT_ARCH_*, socket syscall number, io_uring_setup number, first x32 syscall or None)
_ARCHES: dict[str, tuple[int, int, int, int | None]] = {
    "x86_64": (0xC000003E, 41, 425, 0x40000000),
    "aarch64": (0xC00000B7, 198, 425, None),
}


class SandboxUnavailable(RuntimeError):
    """The filter could not be installed here; the message says why."""


def _program(arch: int, nr_socket: int, nr_io_uring: int, x32: int | None) -> bytes:
    """The BPF program: deny other ABIs, io_uring, and ``socket(domain != AF_UNIX)``; allow the rest.

    Each rule is (code, where to go if true, where to go if false, constant); a target is the
    label ``"allow"`` / ``"deny"`` (the two return rules at the end) or ``None``: the next rule.
    """
    Target = str | None
    rules: list[tuple[int, Target, Target, int]] = [
        (_BPF_LD_W_ABS, None, None, _OFFSET_ARCH),
        (_BPF_JEQ_K, None, "deny", arch),  # another ABI (i386 through int 0x80 on x86_64)
        (_BPF_LD_W_ABS, None, None, _OFFSET_NR),
    ]
    if x32 is not None:
        rules.append((_BPF_JGE_K, "deny", None, x32))  # the x32 ABI's syscall numbers
    rules += [
        (_BPF_JEQ_K, "deny", None, nr_io_uring),
        (_BPF_JEQ_K, None, "allow", nr_socket),
        (_BPF_LD_W_ABS, None, None, _OFFSET_ARG0),
        (_BPF_JEQ_K, "allow", "deny", socket.AF_UNIX),
    ]
    labels = {"allow": len(rules), "deny": len(rules) + 1}

    def offset(target: Target, at: int) -> int:
        return 0 if target is None else labels[target] - at - 1

    code = [struct.pack("=HBBI", op, offset(jt, i), offset(jf, i), k) for i, (op, jt, jf, k) in enumerate(rules)]
    code += [struct.pack("=HBBI", _BPF_RET_K, 0, 0, _RET_ALLOW), struct.pack("=HBBI", _BPF_RET_K, 0, 0, _RET_EPERM)]
    return b"".join(code)


def deny_network() -> None:
    """Make this process (and the threads it starts later) unable to create network sockets.

    Must be called while the process has one thread (right after ``fork``), since a seccomp
    filter applies to the calling thread and its future children only. Raises
    :class:`SandboxUnavailable` if it cannot, and verifies the result before returning.
    """
    machine = platform.machine().lower()
    if machine not in _ARCHES or not platform.system() == "Linux":
        raise SandboxUnavailable(f"no seccomp filter for {platform.system()} {machine}")
    code = _program(*_ARCHES[machine])
    count = len(code) // 8
    buffer = ctypes.create_string_buffer(code, len(code))

    class _Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = _Prog(count, ctypes.addressof(buffer))
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError as exc:
        raise SandboxUnavailable(f"cannot load libc: {exc}") from exc
    prctl = libc.prctl
    prctl.restype = ctypes.c_int
    if prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxUnavailable(f"prctl(NO_NEW_PRIVS) failed: {errno.errorcode.get(ctypes.get_errno())}")
    if prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise SandboxUnavailable(f"prctl(SECCOMP) failed: {errno.errorcode.get(ctypes.get_errno())}")
    try:  # trust, but verify: a TCP socket must now be refused
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except PermissionError:
        return
    raise SandboxUnavailable("the seccomp filter was installed but TCP sockets still open")


_sandboxed = threading.local()


def sandbox_this_thread() -> bool:
    """Install :func:`deny_network` on the calling thread only; ``True`` once it holds.

    Why per thread: the server's request threads answer small lookups themselves
    (:mod:`.fastpath`) and must then be as unable to reach the network as a worker, while the
    process as a whole (its listening socket, the zygote it may start for ``--allow-service``
    workers) is not filtered. A seccomp filter installed with ``prctl`` binds the calling thread
    and the threads it starts later, nothing else. :func:`thread_is_sandboxed` tells afterwards.
    """
    if getattr(_sandboxed, "on", False):
        return True
    try:
        deny_network()
    except SandboxUnavailable:
        return False
    _sandboxed.on = True
    return True


def thread_is_sandboxed() -> bool:
    """Whether :func:`sandbox_this_thread` succeeded on the calling thread."""
    return bool(getattr(_sandboxed, "on", False))


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_NETWORK_WORDS = re.compile(r"service|load", re.IGNORECASE)


def may_reach_network(text: str) -> bool:
    """Conservatively, whether a query or update might make the engine open a connection.

    The fallback when :func:`deny_network` is unavailable: any ``service`` or ``load``, in any case,
    anywhere in the text (even inside a string or an IRI), after undoing ``\\u`` escapes, counts.
    It refuses some harmless queries (a literal mentioning "service"), never a network one: the
    engine's only network operations are the SERVICE pattern and the LOAD update.
    """
    def unescape(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except (ValueError, OverflowError):
            return match.group()

    return _NETWORK_WORDS.search(_ESCAPE.sub(unescape, text)) is not None
