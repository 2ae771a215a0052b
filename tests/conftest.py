"""Fixtures shared by every test folder: small and generic on purpose."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it: bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def free_port() -> int:
    """A free loopback port for one server in a test."""
    return _free_port()


@pytest.fixture
def free_ports() -> Callable[[], int]:
    """Call it for each further free loopback port a test needs."""
    return _free_port


class SilentPort:
    """A listening socket on 127.0.0.1 that nobody may connect to: the test asserts nobody did."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(8)
        self._socket.setblocking(False)
        self.port = self._socket.getsockname()[1]

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def assert_untouched(self) -> None:
        with pytest.raises(BlockingIOError):
            self._socket.accept()

    def close(self) -> None:
        self._socket.close()


@pytest.fixture
def silent_port() -> Iterator[SilentPort]:
    """A loopback port a test proves was never connected to (``silent_port.assert_untouched()``)."""
    port = SilentPort()
    yield port
    port.close()


@pytest.fixture
def allow_private_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the fetcher reach 127.0.0.1 (PIOS_ALLOW_PRIVATE_ADDRESSES=1) for this test only."""
    monkeypatch.setenv("PIOS_ALLOW_PRIVATE_ADDRESSES", "1")


@pytest.fixture(autouse=True)
def _logging_as_pytest_has_it():
    """A command that configured the log lines (``serve``, ``crawl``) leaves no handler behind."""
    yield
    from pios_ld import logs

    logs.reset()
