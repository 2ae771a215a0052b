"""Crowds of clients: queries wait their turn in a bounded queue that is fair between clients.

The queue itself (:class:`Admission`) is tested in-process with threads; the endpoint over real
HTTP: sixty simultaneous queries from one address are all answered, another client's query is not
stuck behind them, the bounds answer ``429``/``503`` with ``Retry-After``, and the client is named
by a trusted proxy's header only.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
from pios_ld.aggregator.admission import (
    Admission,
    client_of,
    server_threads,
    trusted_networks,
)
from pios_ld.aggregator.settings import SETTINGS

from pios_ld.errors import ConfigurationError, QueueBusy, QueueFull

COUNT = ("SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a "
         "<https://w3id.org/pios/vocab#Initiative> }")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a a ?b . ?d a ?t }"  # ~0.2 s on two initiatives


# -- the queue, in-process -----------------------------------------------------------------------

def _run_in_turn(admission: Admission, order: list[str], client: str, started: threading.Event,
                 release: threading.Event) -> None:
    with admission.slot(client):
        order.append(client)
        started.set()
        release.wait(10)


def test_waiting_clients_take_turns_round_robin():
    admission = Admission(capacity=1, per_client=1, queue_per_client=10, queue_size=20,
                          max_wait=10)
    order: list[str] = []
    gates = []
    threads = []
    hold = threading.Event()
    first = threading.Thread(target=_run_in_turn, args=(admission, order, "a", threading.Event(),
                                                        hold))
    first.start()
    while not order:
        time.sleep(0.01)
    for client in ["a", "a", "a", "b", "c", "b"]:  # queued in this order behind the first "a"
        gate = threading.Event()
        thread = threading.Thread(target=_run_in_turn,
                                  args=(admission, order, client, threading.Event(), gate))
        thread.start()
        while admission.waiting() < len(threads) + 1:
            time.sleep(0.01)
        gates.append(gate)
        threads.append(thread)
    hold.set()
    for gate in gates:
        gate.set()
    for thread in [first, *threads]:
        thread.join(10)
    assert order == ["a", "a", "b", "c", "a", "b", "a"]


@contextmanager
def _occupied(admission: Admission, clients: list[str], waiting: int) -> Iterator[None]:
    """*clients* take *admission*'s slots or wait for them (one thread each) while the block runs;
    it starts once one of them runs and *waiting* of them wait, and lets them all go at its end."""
    release = threading.Event()
    started = [threading.Event() for _ in clients]
    threads = [threading.Thread(target=_run_in_turn, args=(admission, [], client, event, release))
               for client, event in zip(clients, started, strict=True)]
    for thread in threads:
        thread.start()
    while not any(event.is_set() for event in started) or admission.waiting() < waiting:
        time.sleep(0.01)
    try:
        yield
    finally:
        release.set()
        for thread in threads:
            thread.join(10)


def test_one_client_is_refused_past_its_queue_with_a_retry_after():
    admission = Admission(capacity=1, per_client=1, queue_per_client=2, queue_size=10, max_wait=5)
    with _occupied(admission, ["a", "a", "a"], waiting=2):  # one runs, two wait
        with pytest.raises(QueueFull) as refused:
            with admission.slot("a"):
                pass
        assert refused.value.status == 429 and refused.value.retry_after >= 1
        assert "väntar" in refused.value.message_sv
        # another client may still wait, but not past max_wait
        small = Admission(capacity=1, per_client=1, queue_per_client=2, queue_size=10,
                          max_wait=0.2)
        with _occupied(small, ["x"], waiting=0), pytest.raises(QueueBusy):
            with small.slot("y"):
                pass


def test_the_whole_queue_has_a_bound():
    admission = Admission(capacity=1, per_client=1, queue_per_client=5, queue_size=2, max_wait=5)
    with _occupied(admission, ["a", "b", "c"], waiting=2):
        with pytest.raises(QueueBusy) as refused:
            with admission.slot("d"):
                pass
    assert refused.value.status == 503 and refused.value.retry_after >= 1


@pytest.mark.parametrize("remote,header,trusted,client", [
    ("203.0.113.7", "198.51.100.1", "", "203.0.113.7"),              # nobody trusted
    ("203.0.113.7", "198.51.100.1", "10.0.0.0/8", "203.0.113.7"),    # not from a trusted proxy
    ("10.0.0.2", "198.51.100.1", "10.0.0.0/8", "198.51.100.1"),
    ("10.0.0.2", "1.2.3.4, 198.51.100.1", "10.0.0.0/8", "198.51.100.1"),  # a forged left entry
    ("10.0.0.2", "198.51.100.1, 10.0.0.9", "10.0.0.0/8", "198.51.100.1"),  # two proxies
    ("10.0.0.2", "not-an-address", "10.0.0.0/8", "10.0.0.2"),
    ("10.0.0.2", None, "10.0.0.0/8", "10.0.0.2"),
    ("10.0.0.2", "198.51.100.1:5555", "10.0.0.2", "198.51.100.1"),
    ("::1", "[2001:db8::5]:443", "::1", "2001:db8::5"),
])
def test_the_client_is_named_by_a_trusted_proxy_only(remote, header, trusted, client):
    assert client_of(remote, header, trusted_networks(trusted)) == client


def test_a_trusted_proxy_that_is_not_an_address_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="trusted_proxies"):
        trusted_networks("10.0.0.1, proxy.example")


def test_the_server_has_threads_for_a_full_queue():
    defaults = {s.name: s.default for s in SETTINGS}
    assert server_threads(defaults) > defaults["sparql_queue_size"] + defaults["sparql_workers"]


# -- over HTTP -----------------------------------------------------------------------------------

def _get(server, query, headers=None):
    return requests.get(server.url + "sparql", params={"query": query},
                        headers={"Accept": "application/sparql-results+json", **(headers or {})},
                        timeout=120)


def _at_once(server, count, query, headers=None):
    barrier = threading.Barrier(count)
    answers: list[tuple[int, float, float]] = []

    def ask() -> None:
        barrier.wait()
        started = time.monotonic()
        response = _get(server, query, headers)
        answers.append((response.status_code, time.monotonic() - started, time.monotonic()))

    threads = [threading.Thread(target=ask) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads, answers


def test_sixty_simultaneous_queries_from_one_address_are_all_answered(make_server, make_site):
    server = make_server(threads=80)
    server.register(make_site(count=2))
    server.crawl()
    threads, answers = _at_once(server, 60, COUNT)
    for thread in threads:
        thread.join(120)
    statuses = [status for status, _, _ in answers]
    assert statuses == [200] * 60
    times = sorted(seconds for _, seconds, _ in answers)
    print(f"60 at once: median {statistics.median(times):.2f} s, max {times[-1]:.2f} s")


def test_another_clients_query_is_not_stuck_behind_a_crowd(make_server, make_site):
    server = make_server(threads=32, sparql_workers=1, sparql_per_client=1,
                         trusted_proxies="127.0.0.1")
    server.register(make_site(count=2))
    server.crawl()
    crowd, answers = _at_once(server, 10, SLOW, {"X-Forwarded-For": "198.51.100.1"})
    time.sleep(0.4)  # the crowd is queued
    response = _get(server, COUNT, {"X-Forwarded-For": "198.51.100.2"})
    answered = time.monotonic()
    assert response.status_code == 200
    for thread in crowd:
        thread.join(120)
    assert [status for status, _, _ in answers] == [200] * 10
    after = sum(1 for _, _, done in answers if done > answered)
    assert after >= 6, f"only {after} of the crowd's 10 queries were answered after the other's"


def test_a_forwarded_for_header_from_an_untrusted_peer_does_not_make_many_clients(make_server,
                                                                                  make_site):
    server = make_server(threads=32, sparql_workers=1, sparql_per_client=1,
                         sparql_queue_per_client=2)
    server.register(make_site(count=2))
    server.crawl()
    statuses: list[int] = []
    headers: list[str] = []

    def ask(n: int) -> None:
        response = _get(server, SLOW, {"X-Forwarded-For": f"198.51.100.{n}"})
        statuses.append(response.status_code)
        if response.status_code == 429:
            headers.append(response.headers.get("Retry-After", ""))

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert 429 in statuses and statuses.count(200) >= 3  # one running and two waiting, at least
    assert headers and all(h.isdigit() and int(h) >= 1 for h in headers)
