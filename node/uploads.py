"""Uploaded sheets kept on the server between the import's steps (upload → columns → import).

The mapping step works without JavaScript, so the sheet must survive from one request to the
next without being sent again. It is kept in the instance folder (``uploads/``) under a random
token (:func:`secrets.token_urlsafe`), with its file name, the user who sent it and the column
choices made so far. Only that user can use it; the token is checked against its pattern before
it becomes a file name; a sheet is removed once imported, and every sheet older than
:data:`MAX_AGE` seconds, or beyond the :data:`MAX_KEPT` newest, is removed whenever one is kept.
The size cap is the caller's (the node's ``max_upload_bytes``), applied before anything is kept.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from pios_ld.errors import NotFoundError

MAX_AGE = 2 * 3600
MAX_KEPT = 20
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


@dataclass
class Upload:
    token: str
    filename: str
    user: str
    created: float
    #: {heading: field or None} as the node recognised the columns (None: not yet looked at)
    recognised: dict[str, str | None] | None = None
    #: {heading: field or None} the person changed from what the node recognised
    mapping: dict[str, str | None] = field(default_factory=dict)
    partial: bool = False


class Uploads:
    """The sheets kept in *folder* (created on first use)."""

    def __init__(self, folder: Path, max_age: float = MAX_AGE, max_kept: int = MAX_KEPT) -> None:
        self.folder = Path(folder)
        self.max_age = max_age
        self.max_kept = max_kept

    def keep(self, user: str, filename: str, data: bytes) -> Upload:
        """Keep *data* for *user*; returns the upload (its token names it from now on)."""
        self.clean(room=1)
        self.folder.mkdir(parents=True, exist_ok=True)
        token = secrets.token_urlsafe(24)
        name = PurePath(filename.replace("\\", "/")).name[:200] or "sheet"
        upload = Upload(token, name, user, time.time())
        self._write(self.folder / f"{token}.sheet", data)
        self.save(upload)
        return upload

    def save(self, upload: Upload) -> None:
        """Store the upload's details (the column choices made so far)."""
        details = {"filename": upload.filename, "user": upload.user, "created": upload.created,
                   "recognised": upload.recognised, "mapping": upload.mapping,
                   "partial": upload.partial}
        self._write(self.folder / f"{upload.token}.json",
                    json.dumps(details, ensure_ascii=False).encode("utf-8"))

    def get(self, token: str, user: str) -> tuple[Upload, bytes]:
        """The upload *token* of *user* and its bytes; NotFoundError when gone or not theirs."""
        gone = NotFoundError(
            "This upload is no longer kept (it was imported, or it is older than two hours). "
            "Upload the sheet again.",
            "Den uppladdade filen finns inte kvar (den har importerats eller är äldre än två "
            "timmar). Ladda upp kalkylarket igen.")
        if not _TOKEN.fullmatch(token or ""):
            raise gone
        try:
            details = json.loads((self.folder / f"{token}.json").read_text(encoding="utf-8"))
            data = (self.folder / f"{token}.sheet").read_bytes()
        except (OSError, ValueError):
            raise gone from None
        if details.get("user") != user or time.time() - details["created"] > self.max_age:
            raise gone
        upload = Upload(token, details["filename"], details["user"], details["created"],
                        details.get("recognised"), dict(details.get("mapping") or {}),
                        bool(details.get("partial")))
        return upload, data

    def discard(self, token: str) -> None:
        if _TOKEN.fullmatch(token or ""):
            for suffix in (".sheet", ".json"):
                (self.folder / f"{token}{suffix}").unlink(missing_ok=True)

    def clean(self, room: int = 0) -> None:
        """Remove sheets older than the maximum age and all but the newest few (leaving *room*
        for as many more)."""
        if not self.folder.is_dir():
            return
        sheets = sorted(self.folder.glob("*.sheet"), key=_modified, reverse=True)
        now = time.time()
        for index, path in enumerate(sheets):
            if index >= self.max_kept - room or now - _modified(path) > self.max_age:
                self.discard(path.stem)
        for path in self.folder.glob("*.json"):     # details whose sheet is gone
            if not (self.folder / f"{path.stem}.sheet").exists():
                path.unlink(missing_ok=True)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        temporary = path.with_suffix(path.suffix + ".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.replace(temporary, path)


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
