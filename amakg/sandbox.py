"""Defence in depth behind the query guard: take the network away from a process.

The guard (amakg.guard) refuses SERVICE, FROM and LOAD before a query runs. Should a query ever
get past it, a process that has entered a network namespace of its own has no interface but a
loopback that is down: pyoxigraph's SERVICE client then fails at connect ("network is
unreachable") and no packet leaves, whatever address it names.

Linux only. As root, unshare(CLONE_NEWNET) is enough; otherwise a user namespace is entered too
(allowed for a single-threaded process where the kernel permits unprivileged user namespaces).
Where neither is possible the process keeps its network and the guard alone protects it;
`isolate_network()` says which.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

LOG = logging.getLogger("amakg.sandbox")

_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000
_isolated = False


def isolate_network() -> bool:
    """Move this process into a network namespace with no usable interface. Idempotent.

    Returns True when the process has no network from now on, False when the platform does not
    allow it (not Linux, or no permission): the guard is then the only protection.
    """
    global _isolated
    if _isolated:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    except OSError:
        return False
    for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            _isolated = True
            return True
    LOG.debug("no network namespace available (errno %d)", ctypes.get_errno())
    return False


def is_isolated() -> bool:
    """True once isolate_network() has succeeded in this process."""
    return _isolated
