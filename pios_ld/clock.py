"""The one clock: the current time in UTC as the ``xsd:dateTime`` text both applications write.

``utc_text()`` is whole seconds (``2026-12-03T10:00:00Z``): crawl times, dumps, logs.
``utc_text(precise=True)`` keeps milliseconds (``2026-12-03T10:00:00.123Z``): a node's versions,
whose order within one second matters.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime


def utc_text(moment: float | None = None, precise: bool = False) -> str:
    """*moment* (seconds since the epoch; now by default) as UTC ``xsd:dateTime`` text."""
    when = datetime.fromtimestamp(time.time() if moment is None else moment, UTC)
    if precise:
        return when.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
