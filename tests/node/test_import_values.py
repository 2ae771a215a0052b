"""Cell values as people write them (node.values): the documented rules, case by case."""

from __future__ import annotations

from datetime import datetime

import pytest
from pios_ld.node import columns, values


@pytest.mark.parametrize(("cell", "end", "expected", "rounded"), [
    (datetime(2026, 3, 14), False, "2026-03-14", False),
    ("2026-03-14", False, "2026-03-14", False),
    ("14/3/2026", False, "2026-03-14", False),
    ("1 mars 2026", False, "2026-03-01", False),
    ("2026-03", False, "2026-03-01", True),
    ("2026-03", True, "2026-03-31", True),
    ("mars 2026", True, "2026-03-31", True),
    ("feb 2028", True, "2028-02-29", True),
    ("Q3 2026", False, "2026-07-01", True),
    ("Q3 2026", True, "2026-09-30", True),
    ("kv 1 2027", True, "2027-03-31", True),
    ("T2 2026", True, "2026-08-31", True),
    ("VT 2026", False, "2026-01-01", True),
    ("VT 2026", True, "2026-06-30", True),
    ("HT 2027", False, "2027-07-01", True),
    ("HT 2027", True, "2027-12-31", True),
    ("2027", False, "2027-01-01", True),
    (2027, True, "2027-12-31", True),
    (46000, False, "2025-12-09", False),          # an Excel serial day left unformatted
])
def test_dates_take_the_start_of_a_period_for_a_start_and_its_end_for_an_end(
        cell, end, expected, rounded):
    value = values.a_date(cell, end=end)
    assert value.ok and value.text == expected
    assert bool(value.warning_sv) is rounded


@pytest.mark.parametrize("cell", ["snart", "2026-13-01", "31/2/2026", "Q5 2026"])
def test_what_is_not_a_date_is_an_error_with_examples(cell):
    value = values.a_date(cell)
    assert not value.ok and "2026-03-01" in value.error_sv


@pytest.mark.parametrize(("cell", "unit", "expected", "approximate"), [
    ("850 000", None, "850000", False),          # the "negative" 850 000 of the old import
    ("850\u00a0000 kr", None, "850000", False),
    (850, 1000, "850000", False),
    ("ca 600", 1000, "600000", True),
    ("cirka 1,5 mnkr", None, "1500000", True),
    ("1,2 MSEK", 1000, "1200000", False),        # the cell's unit wins over the heading's
    ("1.200.000", None, "1200000", False),
    ("350 000,50", None, "350000.50", False),
    ("12,5", 1_000_000, "12500000", False),
    ("~80 tkr", None, "80000", True),
    ("SEK 1 200 000", None, "1200000", False),
    ("1 200 000:-", None, "1200000", False),
])
def test_amounts_in_kronor_from_the_cell_or_the_heading(cell, unit, expected, approximate):
    value = values.amount(cell, unit)
    assert value.ok and value.text == expected
    assert bool(value.warning_sv) is approximate


@pytest.mark.parametrize(("cell", "word"), [("-10", "negativt"), ("500-800", "intervall"),
                                            ("åttahundra", "inget belopp")])
def test_amounts_that_cannot_be_read_say_why(cell, word):
    assert word in values.amount(cell).error_sv


@pytest.mark.parametrize(("cell", "code"), [
    ("Pågår", "ongoing"), ("Pågående", "ongoing"), ("Genomförande", "ongoing"),
    ("In progress", "ongoing"), ("Execution", "ongoing"), ("Planerad", "planned"),
    ("Ej påbörjad", "planned"), ("Avslutad", "completed"), ("Avslutat", "completed"),
    ("Pausad", "paused"), ("Införande", "implementation"), ("Förvaltning", "operation"),
    ("Förstudie", "prestudy"), ("Idé", "idea"), ("Planning", "planning"),
    ("Closed", "closed"), ("pilot", "pilot"), ("3. Införande", "implementation"),
    ("Pågår (försenat)", "ongoing"), ("https://w3id.org/pios/concept/phase/scaling", "scaling"),
])
def test_phases_from_the_vocabularys_labels(cell, code):
    assert values.phase(cell).text == code


@pytest.mark.parametrize(("cell", "codes"), [
    ("Hälso- och sjukvård", "health-care"), ("Kollektivtrafik", "transport"),
    ("Tandvård", "health-care"), ("Regional utveckling", "business-development"),
    ("Skola; Kultur", "education; culture-leisure"), ("elderly-care", "elderly-care"),
])
def test_themes_from_the_vocabularys_labels(cell, codes):
    value = values.themes(cell)
    assert value.text == codes and not value.warning_sv


@pytest.mark.parametrize(("cell", "expected"), [
    ("Ja", "ja"), ("X", "ja"), ("✓", "ja"), ("Yes", "ja"), (True, "ja"), ("Nej", "nej"),
    ("No", "nej"), ("", ""),
])
def test_yes_and_no(cell, expected):
    assert values.yes_no(cell).text == expected


@pytest.mark.parametrize(("heading", "field", "unit"), [
    ("Projektnamn", "title_sv", None), ("Project name", "title_sv", None),
    ("Status", "phase", None), ("Läge", "phase", None), ("Budget (tkr)", "budget", 1000),
    ("Budget MSEK", "budget", 1_000_000), ("Kostnad, kr", "budget", 1),
    ("Budget 2026 (tkr)", "budget", 1000), ("Upparbetat", "spentToDate", None),
    ("Påbörjad", "startDate", None), ("Klart", "end", None),
    ("Planerat slut", "plannedEndDate", None), ("Syfte", "goal_sv", None),
    ("Verksamhetsområde", "theme", None), ("Samverkanspartner", "participant", None),
    ("E-post", "contact_email", None), ("Förvaltning", "responsibleUnit_sv", None),
    ("Department", "responsibleUnit_sv", None), ("Diarienummer", "identifier", None),
    ("Projekt-ID", "identifier", None),
])
def test_headings_are_recognised_from_the_vocabulary(heading, field, unit):
    found = columns.recognise(heading)
    assert (found.field, found.unit) == (field, unit)


@pytest.mark.parametrize("heading", ["Projektledare", "Kontaktperson", "Ägare", "Beställare"])
def test_person_headings_have_no_field(heading):
    found = columns.recognise(heading)
    assert found.field is None and found.person


def test_identifiers_derived_from_titles_are_plain_and_short():
    assert values.slug("Digital tillsyn i hemtjänsten") == "digital-tillsyn-i-hemtjansten"
    assert values.slug("KS 2024/0123") == "ks-2024-0123"
    assert len(values.slug("Ett mycket långt namn " * 10)) <= 60


def test_a_traffic_light_in_the_phase_column_says_what_it_is():
    assert "trafikljus" in values.phase("Gul").error_sv


@pytest.mark.parametrize("cell", ["Tills vidare", "löpande", "TBD"])
def test_an_unknown_date_written_in_words_is_left_empty_with_a_warning(cell):
    value = values.a_date(cell, end=True)
    assert value.ok and value.text == "" and "lämnas tomt" in value.warning_sv
