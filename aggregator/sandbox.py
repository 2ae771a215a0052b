"""The query workers' sandbox: a process that cannot open a network connection.

pyoxigraph runs ``SERVICE <url>`` in Rust, below anything Python could patch, so the screen
(:mod:`pios_ld.aggregator.sparqlcheck`) is not the only thing between a visitor and a request
forgery: each query worker process calls :func:`enter` first thing, before pyoxigraph is even
imported, and from then on the operating system refuses it the network. Two layers, each enough
on its own (``docs/decisions/0007-screen-the-parsed-query.md``):

- **seccomp** (Linux, x86-64 and arm64): a small BPF filter, installed for every thread of the
  process and inherited by every thread it starts, makes ``socket()`` fail with ``EACCES`` for
  every address family but ``AF_UNIX`` (the worker talks to the server over a Unix socket pair it
  already holds) and ``io_uring_setup()`` fail with ``ENOSYS`` (io_uring can open sockets past
  seccomp). System calls of another ABI (32-bit ``int 0x80``, x32) fail with ``EACCES``.
  ``no_new_privs`` is set first, as the kernel requires, so the filter can never be lifted.
- **a network namespace of its own** (``unshare(CLONE_NEWNET)``, as root, or inside a new user
  namespace where the kernel allows unprivileged ones): no interface but a loopback that is down,
  so even a socket that existed could reach nothing, the host's loopback included.

:func:`enter` returns a :class:`Report` of what holds; the server logs it loudly when a layer is
missing (another OS, an old kernel, a container that forbids both) and keeps refusing SERVICE in
the screen either way. Pure ``ctypes``: no dependency.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import socket
import struct
import sys
from dataclasses import dataclass

_ARCH = {  # machine -> (AUDIT_ARCH_*, socket, io_uring_setup, seccomp, x32 bit or 0)
    "x86_64": (0xC000003E, 41, 425, 317, 0x40000000),
    "amd64": (0xC000003E, 41, 425, 317, 0x40000000),
    "aarch64": (0xC00000B7, 198, 425, 277, 0),
    "arm64": (0xC00000B7, 198, 425, 277, 0),
}
_LD_W_ABS, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC = 1, 1
_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000


@dataclass(frozen=True)
class Report:
    seccomp: bool  # socket() for anything but AF_UNIX is refused by the kernel
    network_namespace: bool  # the process has a network namespace with no usable interface
    refused: bool  # checked afterwards: opening an IPv4 socket failed
    problems: tuple[str, ...] = ()

    @property
    def sealed(self) -> bool:
        return self.refused and (self.seccomp or self.network_namespace)

    def describe(self) -> str:
        layers = [name for name, on in (("seccomp", self.seccomp),
                                        ("network namespace", self.network_namespace)) if on]
        text = ", ".join(layers) if layers else "no layer"
        return text + (f" ({'; '.join(self.problems)})" if self.problems else "")


def _instruction(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def filter_program(machine: str | None = None) -> bytes:
    """The BPF program (``struct sock_filter[]``) for *machine* (``platform.machine()``)."""
    arch, nr_socket, nr_uring, _, x32 = _ARCH[(machine or platform.machine()).lower()]
    deny = _ERRNO | errno.EACCES
    program = [
        (_LD_W_ABS, 0, 0, 4),                      # seccomp_data.arch
        (_JEQ, 1, 0, arch),
        (_RET, 0, 0, deny),                        # another ABI: refused
        (_LD_W_ABS, 0, 0, 0),                      # seccomp_data.nr
    ]
    if x32:
        program += [(_JGE, 0, 1, x32), (_RET, 0, 0, deny)]
    program += [
        (_JEQ, 0, 1, nr_uring),
        (_RET, 0, 0, _ERRNO | errno.ENOSYS),
        (_JEQ, 1, 0, nr_socket),
        (_RET, 0, 0, _ALLOW),                      # any other system call
        (_LD_W_ABS, 0, 0, 16),                     # socket(domain, …): args[0], low word
        (_JEQ, 0, 1, socket.AF_UNIX),
        (_RET, 0, 0, _ALLOW),
        (_RET, 0, 0, deny),
    ]
    return b"".join(_instruction(*i) for i in program)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _install_seccomp() -> str | None:
    """Install the filter; ``None`` on success, else why not."""
    if not sys.platform.startswith("linux"):
        return f"seccomp needs Linux, this is {sys.platform}"
    machine = platform.machine().lower()
    if machine not in _ARCH:
        return f"no seccomp filter written for {machine}"
    libc = _libc()
    program = filter_program(machine)
    buffer = ctypes.create_string_buffer(program, len(program))
    prog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return f"prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(ctypes.get_errno())}"
    nr_seccomp = _ARCH[machine][3]
    libc.syscall.restype = ctypes.c_long
    if libc.syscall(ctypes.c_long(nr_seccomp), ctypes.c_long(_SECCOMP_SET_MODE_FILTER),
                    ctypes.c_long(_SECCOMP_FILTER_FLAG_TSYNC), ctypes.byref(prog)) == 0:
        return None
    first = os.strerror(ctypes.get_errno())
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) == 0:
        return None
    return f"seccomp: {first}; prctl(PR_SET_SECCOMP): {os.strerror(ctypes.get_errno())}"


def _enter_network_namespace() -> str | None:
    """Move into a new, empty network namespace; ``None`` on success, else why not."""
    if not sys.platform.startswith("linux"):
        return f"network namespaces need Linux, this is {sys.platform}"
    libc = _libc()
    if libc.unshare(_CLONE_NEWNET) == 0:
        return None
    first = os.strerror(ctypes.get_errno())
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        return (f"unshare(CLONE_NEWNET): {first}; with a user namespace: "
                f"{os.strerror(ctypes.get_errno())}")
    try:  # map ourselves, so that files keep their owner inside the user namespace
        with open("/proc/self/setgroups", "w") as f:
            f.write("deny")
        with open("/proc/self/uid_map", "w") as f:
            f.write(f"{uid} {uid} 1")
        with open("/proc/self/gid_map", "w") as f:
            f.write(f"{gid} {gid} 1")
    except OSError as exc:
        return f"user namespace mapping: {exc}"
    return None


def _inet_refused() -> bool:
    try:
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    except OSError:
        return True
    with probe:  # an empty network namespace: even loopback is unreachable
        probe.settimeout(1)
        try:
            probe.connect(("127.0.0.1", 9))
        except OSError as exc:
            return exc.errno in (errno.ENETUNREACH, errno.EACCES, errno.EPERM)
    return False


def enter() -> Report:
    """Seal this process off from the network (both layers, as far as the platform allows)."""
    problems = []
    namespace = _enter_network_namespace()
    if namespace:
        problems.append(namespace)
    seccomp = _install_seccomp()
    if seccomp:
        problems.append(seccomp)
    return Report(seccomp=seccomp is None, network_namespace=namespace is None,
                  refused=_inet_refused(), problems=tuple(problems))
