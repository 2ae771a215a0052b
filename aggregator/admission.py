"""Admitting SPARQL queries to the workers: a bounded queue, fair between clients.

At most ``sparql_workers`` queries run at once (one per worker process), and at most
``sparql_per_client`` of them for one client. A query beyond that *waits* in the queue instead of
being refused; when a worker frees up, the next query goes to the next client in turn (round
robin between the clients that have queries waiting, first come first served within a client), so
a client that sends sixty queries at once delays someone else's one query by at most one turn.

Refused, with ``Retry-After`` (an estimate from recent query times), only past the bounds:

- ``429`` when one client already has ``sparql_queue_per_client`` queries waiting;
- ``503`` when ``sparql_queue_size`` queries are waiting in all, or when a query has waited
  ``sparql_queue_wait`` seconds without getting a worker.

The client is the connecting address, unless that address is one of ``trusted_proxies``: then it
is the address that proxy names in ``client_ip_header`` (``X-Forwarded-For``: the right-most entry
that is not itself a trusted proxy). A header from anyone else is ignored, so a client cannot
pose as many clients. A waiting query holds a server thread, so ``pios aggregator serve`` runs
:func:`server_threads` threads: enough for a full queue and the pages besides.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from pios_ld.errors import ConfigurationError, QueueBusy, QueueFull

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class _Ticket:
    __slots__ = ("client", "granted", "event")

    def __init__(self, client: str) -> None:
        self.client = client
        self.granted = False
        self.event = threading.Event()


class Admission:
    """The queue in front of the query workers; :meth:`slot` waits for a turn."""

    def __init__(self, capacity: int, per_client: int, queue_per_client: int, queue_size: int,
                 max_wait: float) -> None:
        self.capacity = max(1, capacity)
        self.per_client = max(1, per_client)
        self.queue_per_client = max(0, queue_per_client)
        self.queue_size = max(0, queue_size)
        self.max_wait = max_wait
        self._lock = threading.Lock()
        self._running: dict[str, int] = {}
        self._total = 0
        self._waiting: dict[str, deque[_Ticket]] = {}  # insertion order is the rotation
        self._queued = 0
        self._seconds = 0.1  # moving average of a query's time, for Retry-After

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Admission:
        return cls(settings["sparql_workers"], settings["sparql_per_client"],
                   settings["sparql_queue_per_client"], settings["sparql_queue_size"],
                   settings["sparql_queue_wait"])

    @contextmanager
    def slot(self, client: str) -> Iterator[None]:
        """Wait for *client*'s turn (bounded), run the body, then give the turn on."""
        self._enter(client)
        started = time.monotonic()
        try:
            yield
        finally:
            self._leave(client, time.monotonic() - started)

    def waiting(self) -> int:
        with self._lock:
            return self._queued

    def _retry_after(self, ahead: int, lanes: int) -> int:
        return max(1, min(60, math.ceil(self._seconds * (ahead + 1) / lanes)))

    def _enter(self, client: str) -> None:
        ticket = _Ticket(client)
        with self._lock:
            mine = self._waiting.get(client)
            if mine is not None and len(mine) >= self.queue_per_client:
                wait = self._retry_after(len(mine), self.per_client)
                raise QueueFull(
                    f"{len(mine)} queries from your address are already waiting; wait for their "
                    f"answers before sending more (try again in {wait} s).",
                    f"{len(mine)} frågor från din adress väntar redan; vänta på svaren innan du "
                    f"skickar fler (försök igen om {wait} s).", retry_after=wait)
            if self._queued >= self.queue_size and (self._total >= self.capacity
                                                     or self._running.get(client, 0)
                                                     >= self.per_client):
                wait = self._retry_after(self._queued, self.capacity)
                raise QueueBusy(
                    f"The query queue is full ({self._queued} waiting); try again in {wait} s.",
                    f"Frågekön är full ({self._queued} väntar); försök igen om {wait} s.",
                    retry_after=wait)
            self._waiting.setdefault(client, deque()).append(ticket)
            self._queued += 1
            self._dispatch()
            if ticket.granted:
                return
        ticket.event.wait(self.max_wait)
        with self._lock:
            if ticket.granted:
                return
            queue = self._waiting[client]
            queue.remove(ticket)
            if not queue:
                del self._waiting[client]
            self._queued -= 1
            wait = self._retry_after(self._queued, self.capacity)
        raise QueueBusy(
            f"The query waited {self.max_wait:g} s in the queue without getting a worker; the "
            f"endpoint is busy, try again in {wait} s.",
            f"Frågan väntade {self.max_wait:g} s i kön utan att få en frågearbetare; tjänsten är "
            f"upptagen, försök igen om {wait} s.", retry_after=wait)

    def _leave(self, client: str, seconds: float) -> None:
        with self._lock:
            self._total -= 1
            left = self._running[client] - 1
            if left:
                self._running[client] = left
            else:
                del self._running[client]
            self._seconds = 0.8 * self._seconds + 0.2 * seconds
            self._dispatch()

    def _dispatch(self) -> None:
        """Grant free turns to waiting clients in rotation (the lock is held)."""
        while self._total < self.capacity and self._waiting:
            for client in self._waiting:
                if self._running.get(client, 0) < self.per_client:
                    break
            else:
                return  # every waiting client is at its own limit
            queue = self._waiting.pop(client)
            ticket = queue.popleft()
            if queue:
                self._waiting[client] = queue  # to the end of the rotation
            self._queued -= 1
            self._total += 1
            self._running[client] = self._running.get(client, 0) + 1
            ticket.granted = True
            ticket.event.set()


def trusted_networks(value: str) -> tuple[Network, ...]:
    """The ``trusted_proxies`` setting (addresses or networks, comma-separated) parsed."""
    networks = []
    for part in value.replace(" ", ",").split(","):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError as exc:
            raise ConfigurationError(
                f"trusted_proxies: {part!r} is not an IP address or network (e.g. 10.0.0.5 or "
                "10.0.0.0/24).",
                f"trusted_proxies: {part!r} är ingen IP-adress eller nätverk (t.ex. 10.0.0.5 "
                "eller 10.0.0.0/24).") from exc
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip('"')
    if text.startswith("["):  # [v6]:port
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_of(remote: str | None, header_value: str | None,
              trusted: tuple[Network, ...]) -> str:
    """Who is asking: *remote*, or what a trusted proxy at *remote* says in its header."""
    peer = _address(remote or "")
    if peer is None:
        return remote or "?"
    if not header_value or not any(peer in net for net in trusted):
        return str(peer)
    for hop in reversed(header_value.split(",")):
        address = _address(hop)
        if address is None:
            return str(peer)  # a hop we cannot read: trust no further than the proxy itself
        if not any(address in net for net in trusted):
            return str(address)
        peer = address
    return str(peer)


def server_threads(settings: Mapping[str, Any]) -> int:
    """Server threads for a full query queue, the running queries and 16 for everything else."""
    return settings["sparql_queue_size"] + settings["sparql_workers"] + 16
