"""A web page waits for its queries as long as ``/sparql`` waits for a query (``sparql_timeout``,
one budget for all of a page's queries): past it the page answers 503 with the reason in
Swedish and English, the operator sees it in ``/metrics`` and the log, and the other pages and
the endpoint go on answering."""

from __future__ import annotations

import logging
import time

import requests


def test_a_page_past_sparql_timeout_answers_503_and_is_counted(make_server, make_site, caplog):
    site = make_site(count=3)
    server = make_server(sparql_timeout=0.000001)  # no query finishes in a microsecond
    server.register(site)
    server.crawl()
    with caplog.at_level(logging.WARNING, logger="pios_ld.aggregator.pages"):
        page = requests.get(server.url, timeout=30, headers={"Accept": "text/html"})
        data = requests.get(server.url + "initiatives.json", timeout=30)
    assert page.status_code == 503 and "Traceback" not in page.text
    assert "tog längre tid än" in page.text
    assert data.status_code == 503
    body = data.json()
    assert body["error"] == "query-timeout"
    assert "took longer than" in body["message"] and "försök igen" in body["message_sv"]
    metrics = requests.get(server.url + "metrics", timeout=30).text
    assert "pios_aggregator_page_query_timeouts_total 2.0" in metrics
    assert any("ran past sparql_timeout" in r.getMessage() for r in caplog.records)
    assert requests.get(server.url + "health", timeout=30).status_code == 200


def test_within_the_timeout_pages_answer_from_their_query_threads(make_server, make_site):
    site = make_site(count=3)
    server = make_server()
    server.register(site)
    server.crawl()
    answer = requests.get(server.url + "initiatives.json", timeout=30)
    assert answer.status_code == 200 and answer.json()["total"] == 3
    metrics = requests.get(server.url + "metrics", timeout=30).text
    assert "pios_aggregator_page_query_timeouts_total 0.0" in metrics


def test_what_a_page_that_gave_up_asked_for_is_not_lost_and_the_page_fills_in(
        make_server, make_site):
    """Each query a page started finishes in its thread and answers the next visitor (until the
    store changes): a page whose queries take longer than the timeout is answered after a few
    visits, instead of starting the same queries again for every visitor."""
    site = make_site(count=3)
    server = make_server(sparql_timeout=0.000001)
    server.register(site)
    server.crawl()
    statuses = []
    for _ in range(60):
        answer = requests.get(server.url + "initiatives.json", timeout=30)
        statuses.append(answer.status_code)
        if answer.status_code == 200:
            break
        time.sleep(0.05)  # the query the page gave up on finishes meanwhile
    assert statuses[0] == 503 and statuses[-1] == 200, statuses
    assert answer.json()["total"] == 3
