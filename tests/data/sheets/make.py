"""Write the corpus of portfolio sheets the import tests read, as Swedish public bodies keep them.

    python tests/data/sheets/make.py            # rewrites the files beside this script
                                                # and docs/examples/portfolio.xlsx

Each layout is one function; the files are committed, so a test reads what a person would
upload. Layouts:

- ``kommun.xlsx`` — a municipality: a merged title row and a note above the headings
  (Projektnamn, Status, Förvaltning, Budget (tkr), Samverkanspartner, Projektledare …), Swedish
  status words, "ca 600", "mars 2026", Excel dates, a Summa row of formulas, an instruction sheet.
- ``region.xlsx`` — a region: one sheet per area (same headings: Projekt-ID, Initiativ, Syfte,
  Fas, Område, Budget MSEK …), a code-list sheet and an empty sheet; dates as Q3 2026, VT/HT.
- ``myndighet.xlsx`` — an agency in English: Project ID, Project name, Phase, Department,
  Budget (SEK), Finish date, Open for collaboration (✓) …
- ``excel-svensk.csv`` — Excel's Swedish CSV: semicolons, Windows-1252, decimal commas.
- ``utf8-bom.csv`` — UTF-8 with BOM, commas, quoted cells with commas and line breaks.
- ``tabbar.tsv`` — tab-separated UTF-8 without BOM (a copy from a web sheet).
- ``enkel.xlsx`` — a small municipality's list: Initiativ, Läge, Mål, Kostnad; no description
  column (the goal stands in), blank rows and a row of formulas only.
- ``diarium.xlsx`` — a registry-style list keyed by Diarienummer with headings on row 2, a
  Totalt row, the heading row repeated further down, themes written as a list.
- ``fel.xlsx`` — a sheet with mistakes: an unknown phase, an amount in words, a date that
  is not one, a missing title; everything else in it is right.

And in ``bad/``, files an import must refuse with a message: a damaged workbook (cut short),
a password-protected one (encrypted as Excel does, with msoffcrypto-tool when it is installed;
the committed file was made so), a file that is not a spreadsheet, an OpenDocument sheet and a
CSV in neither UTF-8 nor Windows-1252.
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parents[2] / "docs" / "examples" / "portfolio.xlsx"


def _bold(row) -> None:
    for cell in row:
        cell.font = Font(bold=True)


def kommun() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Portfölj 2026"
    sheet["A1"] = "Digitaliseringsportfölj 2026 – Upplands Väsby kommun"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:L1")
    sheet["A2"] = "Uppdaterad 2026-10-01 av digitaliseringsenheten. Belopp i tkr."
    sheet.merge_cells("A2:L2")
    headings = ["Projektnamn", "Beskrivning", "Status", "Förvaltning", "Verksamhetsområde",
                "Budget (tkr)", "Förbrukat (tkr)", "Start", "Planerat slut",
                "Samverkanspartner", "Projektledare", "Kontakt", "Kommentar"]
    sheet.append([])
    sheet.append(headings)
    _bold(sheet[4])
    rows = [
        ["Digital tillsyn i hemtjänsten", "Kameror ersätter nattliga besök för brukare som "
         "vill det.", "Pågår", "Vård- och omsorgsförvaltningen", "Äldreomsorg", 850, 320,
         datetime(2025, 9, 1), "mars 2026", "Sollentuna kommun; Sigtuna kommun",
         "Anna Berg", "digitalisering@upplandsvasby.se", "Utvärdering i vår"],
        ["E-arkiv", "Ett gemensamt e-arkiv för kommunens verksamheter.", "Avslutad",
         "Kommunledningsförvaltningen", "Intern administration", "ca 600", 580,
         datetime(2023, 1, 15), datetime(2025, 6, 30), "", "Per Lind",
         "arkiv@upplandsvasby.se", ""],
        ["Skolplattform 2.0", "Ny lärplattform för grundskolan.", "Ej påbörjad",
         "Utbildningsförvaltningen", "Skola", "1 200", None, "HT 2026", "2027", "",
         "Eva Ek", "", "Upphandling pågår"],
        ["Bygglov online", "Ansökan om bygglov som e-tjänst med digital handläggning.",
         "Pausad", "Samhällsbyggnadsförvaltningen", "Samhällsbyggnad", 450, 200,
         datetime(2025, 3, 1), "Q4 2026", "", "", "bygglov@upplandsvasby.se", ""],
    ]
    for row in rows:
        sheet.append(row)
    sheet.append(["Summa", None, None, None, None, "=SUM(F5:F8)", "=SUM(G5:G8)"])
    _bold(sheet[sheet.max_row])
    for column in "ABCDEFGHIJKLM":
        sheet.column_dimensions[column].width = 22
    guide = book.create_sheet("Instruktioner")
    guide.append(["Så fyller du i portföljen"])
    guide.append(["Projektnamn", "Ett kort namn på initiativet."])
    guide.append(["Status", "Pågår, Ej påbörjad, Pausad eller Avslutad."])
    guide.append(["Budget (tkr)", "Total budget i tusen kronor."])
    return book


REGION_HEADINGS = ["Projekt-ID", "Initiativ", "Syfte", "Fas", "Område", "Budget MSEK",
                   "Utfall MSEK", "Startdatum", "Slutdatum", "Partner", "Ägare"]


def region() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheets = {
        "Hälso- och sjukvård": [
            ["RS-101", "Digitala vårdbesök", "Fler besök på distans i primärvården.",
             "Genomförande", "Hälso- och sjukvård", "12,5", "4,2", "Q1 2025", "Q3 2026",
             "Region Uppsala", "Karin Holm"],
            ["RS-102", "Tandvårdsbokning", "Boka tid hos Folktandvården på nätet.",
             "Förstudie", "Tandvård", 2, None, "VT 2026", "HT 2026", "", "Ola Nord"],
        ],
        "Kollektivtrafik": [
            ["RS-201", "Realtidsinformation i bussar", "Visa avgångar i realtid.",
             "Införande", "Kollektivtrafik", "8", "7,9", date(2024, 2, 1),
             date(2026, 12, 31), "", ""],
        ],
        "Regional utveckling": [
            ["RS-301", "Bredband till landsbygden", "Fiber till alla hushåll 2027.",
             "Pågående", "Regional utveckling", "45", "30", "2024", "2027", "", ""],
        ],
    }
    first = True
    for name, rows in sheets.items():
        sheet = book.active if first else book.create_sheet(name)
        sheet.title = name
        first = False
        sheet.append(REGION_HEADINGS)
        _bold(sheet[1])
        for row in rows:
            sheet.append(row)
    lists = book.create_sheet("Listor")
    for value in ("Idé", "Förstudie", "Genomförande", "Införande", "Förvaltning",
                  "Avslutad"):
        lists.append([value])
    book.create_sheet("Blad5")
    return book


def myndighet() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Projects"
    sheet.append(["Project ID", "Project name", "Description", "Phase", "Department",
                  "Budget (SEK)", "Spent to date (SEK)", "Start date", "Finish date",
                  "Partners", "Project manager", "Open for collaboration", "Email"])
    _bold(sheet[1])
    sheet.append(["P-2025-01", "Digital case management", "One case system for all permits.",
                  "Execution", "IT Department", 3_500_000, 1_200_000, datetime(2025, 1, 1),
                  datetime(2026, 12, 31), "", "Lena Strand", "✓", "it@myndighet.se"])
    sheet.append(["P-2025-02", "Open data portal", "Publishing the agency's data sets.",
                  "Closed", "Analysis Department", 900_000, 880_000, datetime(2024, 3, 1),
                  datetime(2025, 5, 31), "", "", "No", "data@myndighet.se"])
    sheet.append(["P-2026-03", "AI triage pilot", "Sorting incoming mail with a model.",
                  "Planning", "IT Department", "1.5 MSEK", None, "2026-09", "Q2 2027", "",
                  "Omar Ali", "Yes", ""])
    return book


def excel_svensk() -> bytes:
    rows = [
        ["Namn", "Beskrivning", "Status", "Enhet", "Budget", "Start", "Klart", "E-post"],
        ["Välfärdsteknik i hemmet", "Trygghetslarm och sensorer för äldre.", "Pågår",
         "Äldreomsorgen", "1 200 000", "2025-02-01", "2026-06-30", "omsorg@kommun.se"],
        ["Växel i molnet", "Ny telefonväxel för kommunens kundtjänst.", "Avslutat",
         "Kommunstaben", "350 000,50", "2024-01-15", "2025-03-31", "it@kommun.se"],
        ["Återvinningsappen", "Påminnelser om sophämtning.", "Idé", "Teknik och miljö",
         "ca 80 000", "2026", "", ""],
    ]
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("cp1252")


def utf8_bom() -> bytes:
    rows = [
        ["ID", "Titel", "Beskrivning", "Fas", "Tema", "Budget (kr)", "Startdatum", "Slut",
         "Kontaktperson"],
        ["ks-17", "Medborgardialog på nätet", "Digitala samråd, enkäter och förslag, "
         "öppna för alla.", "Pilot", "Demokrati och delaktighet", "250 000", "2026-01-10",
         "2026-12-31", "Sara Ström"],
        ["ks-18", "Chattbot för kundtjänsten", "Svarar på vanliga frågor dygnet runt.\n"
         "Start i kundcenter.", "In progress", "Medborgarservice", "400000", "1 mars 2026",
         "", ""],
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def tabbar() -> bytes:
    rows = [
        ["Projektnamn", "Beskrivning", "Läge", "Avdelning", "Kostnad (mnkr)", "Påbörjad",
         "Klart", "Öppen för samarbete"],
        ["Geodataplattform", "En gemensam karttjänst för kommunen.", "I drift",
         "Stadsbyggnad", "2,4", "2023-05-01", "2025-01-31", "Ja"],
        ["Digital signering", "Avtal och beslut signeras digitalt.", "Planerad",
         "Juridik", "0,3", "Q1 2027", "", "Nej"],
    ]
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def enkel() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Lista"
    sheet.append(["Initiativ", "Läge", "Mål", "Kostnad", "Ansvarig"])
    sheet.append(["Wifi i skolorna", "Klar", "Alla elever har nät i klassrummet.", 150_000,
                  "Rektor Nilsson"])
    sheet.append([])
    sheet.append(["Digital närvaro", "Pågår", "Frånvaro rapporteras samma dag.", 90_000, ""])
    sheet.append([])
    sheet.append([None, None, None, "=SUM(D2:D4)"])
    return book


def diarium() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Initiativ"
    sheet.append(["Sammanställning från diariet; se även kommunens webbplats."])
    headings = ["Diarienummer", "Benämning", "Beskrivning", "Projektstatus",
                "Verksamhetsområden", "Total budget (kr)", "Påbörjad", "Beräknat klart",
                "Ansvarig förvaltning", "Samverkan med"]
    sheet.append(headings)
    _bold(sheet[2])
    sheet.append(["KS 2024/0123", "Digital brevlåda", "Post till invånare digitalt.",
                  "Utveckling", "Medborgarservice, Digital infrastruktur", "520000",
                  datetime(2024, 9, 1), "2026-12", "Kommunstyrelsens förvaltning", ""])
    sheet.append(["KS 2024/0456", "Säker e-post", "Krypterad e-post för känsliga uppgifter.",
                  "Införs", "Informationssäkerhet; Rymdfart", "1 100 000",
                  datetime(2025, 1, 1), "juni 2026", "Kommunstyrelsens förvaltning", ""])
    sheet.append(headings)
    sheet.append(["BUN 2025/0012", "Elevhälsans journal", "Ny journal för elevhälsan.",
                  "Upphandling", "Skola och Hälsa", "2 300 000", datetime(2025, 8, 1),
                  "2027", "Barn- och utbildningsförvaltningen", ""])
    sheet.append(["Totalt", None, None, None, None, "=SUM(F3:F6)"])
    return book


def fel() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Initiativ"
    sheet.append(["Projektnamn", "Beskrivning", "Status", "Budget (tkr)", "Start", "Slut"])
    sheet.append(["Fungerar fint", "En rad utan fel.", "Pågår", 850, "2026-01-01",
                  "2026-12-31"])
    sheet.append(["Okänd fas", "Fasen är påhittad.", "Halvklar", 850, "2026-01-01", ""])
    sheet.append(["Belopp i ord", "Budgeten står i ord.", "Pågår", "åttahundra", "", ""])
    sheet.append(["Konstigt datum", "Startdatumet är inget datum.", "Pågår", 100, "snart",
                  ""])
    sheet.append([None, "En rad utan namn.", "Pågår", 850, "", ""])
    return book


def _ods() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?>'
                         '<office:document-content xmlns:office="urn:oasis:names:tc:'
                         'opendocument:xmlns:office:1.0"/>')
    return out.getvalue()


def bad(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stream = io.BytesIO()
    kommun().save(stream)
    whole = stream.getvalue()
    files = {
        "trasig.xlsx": whole[: len(whole) // 2],
        "inte-kalkylark.xlsx": b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n",
        "kalkylark.ods": _ods(),
        "okand-kodning.csv": "Projektnamn;Status\nÅtervinning;Pågår\n".encode("cp437")
        + b"\x81\x8d\n",
    }
    written = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        written.append(folder / name)
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        return written
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(whole)).encrypt("hemligt", encrypted)
    (folder / "losenord.xlsx").write_bytes(encrypted.getvalue())
    written.append(folder / "losenord.xlsx")
    return written


def write(folder: Path = HERE, example: Path | None = EXAMPLE) -> list[Path]:
    written = []
    for name, build in (("kommun.xlsx", kommun), ("region.xlsx", region),
                        ("myndighet.xlsx", myndighet), ("enkel.xlsx", enkel),
                        ("diarium.xlsx", diarium), ("fel.xlsx", fel)):
        path = folder / name
        build().save(path)
        written.append(path)
    for name, data in (("excel-svensk.csv", excel_svensk()), ("utf8-bom.csv", utf8_bom()),
                       ("tabbar.tsv", tabbar())):
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    written += bad(folder / "bad")
    if example is not None:
        example.parent.mkdir(parents=True, exist_ok=True)
        kommun().save(example)
        written.append(example)
    return written


if __name__ == "__main__":
    for path in write():
        sys.stdout.write(f"{path}\n")
