"""A loopback HTTP listener that records every connection, and a query worker without its screen.

:class:`Listener` plays the endpoint a forged ``SERVICE`` request would reach: a real server on a
free loopback port that answers an empty SPARQL result and remembers each request. A test asserts
that it stayed silent. :func:`unscreened_worker` is the real query worker
(:func:`pios_ld.aggregator.queryworker._worker_main`) with the screen replaced by a pass-through,
so that a test can prove the sandbox holds when the screen is bypassed; it is the target of a
spawned process, hence a module of its own.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EMPTY = b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "literal", ' \
        b'"value": "from the listener"}}]}}'


class Listener:
    def __init__(self) -> None:
        self.requests: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                listener.requests.append(f"{self.command} {self.path}")
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(EMPTY)))
                self.end_headers()
                self.wfile.write(EMPTY)

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def unscreened_worker(connection) -> None:
    """The query worker with :func:`sparqlcheck.inspect` made a pass-through (runs anything)."""
    from pios_ld.aggregator import queryworker, sparqlcheck

    def no_screen(query: str) -> sparqlcheck.Inspected:
        return sparqlcheck.Inspected(form="SELECT", has_dataset=False, text=query)

    sparqlcheck.inspect = no_screen
    queryworker._worker_main(connection)
