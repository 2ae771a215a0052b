"""The editing form and spreadsheet rows, to and from initiative records.

A form (or a spreadsheet row, which uses the same field names) is a flat mapping of strings;
:func:`to_record` turns it into a record in the context's form, keeping whatever the form does
not manage (status updates, English texts of fields that are edited in Swedish only) from the
record being edited. :func:`errors_by_field` places each validation result beside the form
field it concerns. Partners are written as people write them (names, organisation numbers or
links, one per line or in a list) and resolved with :func:`pios_ld.organizations.match_name`;
:func:`partner_problems` names each one that resolves to no organisation, with suggestions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pios_ld import organizations
from pios_ld.validation import VIOLATION, Result, shape_messages

from .i18n import PHASES, label, themes

SHAPES = "https://w3id.org/pios/shapes#"
LANG_FIELDS = ("title", "description")              # edited in sv and en
SV_FIELDS = ("goal", "problemStatement", "expectedBenefit", "lessonsLearned", "responsibleUnit")
DATE_FIELDS = ("startDate", "plannedEndDate", "endDate")
MONEY_FIELDS = ("budget", "spentToDate")
IRI_FIELDS = ("codeRepository", "landingPage")

#: Result.field (a context term) → the form field it is shown beside.
FIELD_FOR_TERM = {
    "title": "title_sv", "description": "description_sv", "email": "contact_email",
    "contactPoint": "contact_email", "goal": "goal_sv", "problemStatement": "problemStatement_sv",
    "expectedBenefit": "expectedBenefit_sv", "lessonsLearned": "lessonsLearned_sv",
    "keyword": "keyword_sv", "responsibleUnit": "responsibleUnit_sv", "value": "budget",
    "currency": "budget",
    "responsibleOrganization": "identifier",
}


@dataclass(frozen=True)
class FieldMessage:
    severity: str
    message_sv: str
    message_en: str

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_sv


def _split(text: str, separators: str = ",;\n") -> list[str]:
    return [p.strip() for p in re.split(f"[{re.escape(separators)}]", text or "") if p.strip()]


def _money(text: str) -> float | int | str:
    cleaned = re.sub(r"[\s\u00a0\u202f]|kr|sek", "", str(text).lower()).replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return str(text)
    return int(number) if number.is_integer() else number


def _code(scheme: str, text: str, codes: tuple[str, ...]) -> str:
    """A concept code from a code, an IRI or a label in either language."""
    text = text.strip()
    if text in codes:
        return text
    folded = text.casefold()
    for code in codes:
        if folded in (code, label(scheme, code, "sv").casefold(),
                      label(scheme, code, "en").casefold()):
            return code
    return text.rsplit("/", 1)[-1] if "/" in text else text


def partners(text: str) -> tuple[list[str], list[organizations.NameMatch]]:
    """The organisation IRIs that *text* names (names, numbers or links, as people write a
    list), and the names that name no reference organisation (unknown or ambiguous), in order.

    A link (``https://…``) is taken as written: a partner outside the reference organisations.
    """
    iris: list[str] = []
    unresolved: list[organizations.NameMatch] = []
    for name in organizations.split_names(text):
        if name.startswith(("http://", "https://")):
            iris.append(name)
            continue
        found = organizations.match_name(name)
        if found.organization is not None:
            iris.append(found.organization.iri)
        else:
            unresolved.append(found)
    return list(dict.fromkeys(iris)), unresolved


def partner_problems(form: Mapping[str, Any]) -> list[FieldMessage]:
    """One message per partner name that names no organisation, with the candidates."""
    _, unresolved = partners(str(form.get("participant") or ""))
    return [FieldMessage(VIOLATION, m.message_sv, m.message_en) for m in unresolved]


def to_record(form: Mapping[str, Any], existing: dict[str, Any] | None = None) -> dict[str, Any]:
    """A record from *form*, on top of *existing* (whose unmanaged keys are kept)."""
    record = {k: v for k, v in (existing or {}).items() if k not in ("@context", "modified")}
    get = lambda key: str(form.get(key) or "").strip()  # noqa: E731
    if "identifier" in form:
        record["identifier"] = get("identifier")
    for key in LANG_FIELDS + SV_FIELDS:
        langs = ("sv", "en") if key in LANG_FIELDS else ("sv",)
        value = dict(record.get(key) or {})
        for lang in langs:
            if f"{key}_{lang}" in form:
                text = get(f"{key}_{lang}")
                if text:
                    value[lang] = text
                else:
                    value.pop(lang, None)
        record[key] = value
    if "phase" in form:
        record["phase"] = _code("phase", get("phase"), PHASES)
    if "theme" in form:
        chosen = form.getlist("theme") if hasattr(form, "getlist") else form.get("theme")
        if isinstance(chosen, str):
            chosen = _split(chosen)
        record["theme"] = [_code("theme", c, themes()) for c in chosen or [] if c.strip()]
    for key in DATE_FIELDS + IRI_FIELDS:
        if key in form:
            record[key] = get(key)
    for key in MONEY_FIELDS:
        if key in form:
            record[key] = {"value": _money(get(key)), "currency": "SEK"} if get(key) else None
    if "keyword_sv" in form:
        keywords = dict(record.get("keyword") or {})
        keywords["sv"] = _split(get("keyword_sv"))
        record["keyword"] = {k: v for k, v in keywords.items() if v}
    if "contact_email" in form:
        email = get("contact_email")
        if email and not email.startswith("mailto:"):
            email = "mailto:" + email
        record["contactPoint"] = {"email": email} if email else None
    if "participant" in form:   # an unresolved name stays as written: never dropped silently
        iris, unresolved = partners(get("participant"))
        record["participant"] = iris + [m.text for m in unresolved]
    if "reuses" in form:
        record["reuses"] = _split(get("reuses"), ",;\n ")
    if "openForCollaboration" in form:
        flag = get("openForCollaboration").casefold()
        record["openForCollaboration"] = (True if flag in ("1", "on", "true", "ja", "yes", "x")
                                          else False if flag in ("0", "false", "nej", "no")
                                          else None)
    return {k: v for k, v in record.items() if v not in (None, "", [], {})}


def money_problems(form: Mapping[str, Any]) -> dict[str, FieldMessage]:
    """Amounts that are not numbers, named by the form field (the shapes would only say
    "value", not which amount)."""
    messages = shape_messages()
    found = {}
    for key in MONEY_FIELDS:
        text = str(form.get(key) or "").strip()
        if not text:
            continue
        value = _money(text)
        if isinstance(value, str):
            sv, en = messages.get(SHAPES + "AmountValueNumber", ("", ""))
            found[key] = FieldMessage(VIOLATION, sv, en)
        elif value < 0:
            sv, en = messages.get(SHAPES + "AmountValueNotNegative", ("", ""))
            found[key] = FieldMessage(VIOLATION, sv, en)
    return found


def to_form(record: dict[str, Any] | None) -> dict[str, Any]:
    """Form values (strings; ``theme`` a list) showing *record*."""
    record = record or {}
    form: dict[str, Any] = {"identifier": record.get("identifier", "")}
    for key in LANG_FIELDS + SV_FIELDS:
        for lang in ("sv", "en"):
            form[f"{key}_{lang}"] = (record.get(key) or {}).get(lang, "")
    form["phase"] = record.get("phase", "")
    form["theme"] = list(record.get("theme", []))
    for key in DATE_FIELDS + IRI_FIELDS:
        form[key] = record.get(key, "")
    for key in MONEY_FIELDS:
        amount = record.get(key) or {}
        form[key] = "" if amount.get("value") is None else str(amount.get("value"))
    keywords = (record.get("keyword") or {}).get("sv", [])
    form["keyword_sv"] = ", ".join(keywords if isinstance(keywords, list) else [keywords])
    form["contact_email"] = str((record.get("contactPoint") or {}).get("email", "")).removeprefix(
        "mailto:")
    form["participant"] = "\n".join(_partner_name(p) for p in record.get("participant", []))
    form["reuses"] = "\n".join(record.get("reuses", []))
    form["openForCollaboration"] = "on" if record.get("openForCollaboration") else ""
    return form


def _partner_name(iri: str) -> str:
    """A reference organisation by its name (which names it again), anything else as written."""
    org = organizations.by_iri(iri)
    return org.name if org else iri


def errors_by_field(results: tuple[Result, ...] | list[Result]) -> dict[str, list[FieldMessage]]:
    """Each result under the form field it is shown beside (``_form`` for the rest)."""
    placed: dict[str, list[FieldMessage]] = {}
    for result in results:
        term = result.field or ""
        field = FIELD_FOR_TERM.get(term, term) or "_form"
        message = FieldMessage(result.severity, result.message_sv, result.message_en)
        if message not in placed.setdefault(field, []):
            placed[field].append(message)
    return placed
