"""N-Triples from plain terms: byte for byte what pyoxigraph writes, and it reads back the same."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from pios_ld import ntriples
from pios_ld.terms import RDF_LANGSTRING, XSD, XSD_STRING, from_ox, to_ox

AWKWARD = {
    "empty": "",
    "quotes": 'Han sa "hej" och \'hejdå\'',
    "backslashes": "C:\\Program Files\\pios \\n is not a line break \\u0041",
    "line-breaks": "rad ett\nrad två\r\nrad tre\r",
    "tabs": "kolumn\tkolumn\t",
    "backspace-and-form-feed": "a\bb\fc",
    "control-characters": "nul\x00 soh\x01 us\x1f del\x7f",
    "c1-controls": "\x80\x85\x9f",
    "non-ascii": "Åtgärder för äldreomsorg i Östersund – ½ budget, 5 °C, naïve café",
    "emoji": "Glad 😀 och ledsen 😢 👩‍👩‍👧",
    "line-separators": "a\u2028b\u2029c\u0085d",
    "byte-order-mark": "\ufeffstart",
    "non-characters": "\ufffe och \uffff och \U0010ffff",
    "everything": 'x"\\\n\t\x00\x7få😀\ufffe',
}

DATATYPES = [(XSD_STRING, None), (RDF_LANGSTRING, "sv"), (RDF_LANGSTRING, "en-gb"),
             (XSD + "dateTime", None), ("https://w3id.org/pios/vocab#Code", None)]


@pytest.mark.parametrize("name", sorted(AWKWARD))
@pytest.mark.parametrize("datatype, language", DATATYPES)
def test_literal_is_written_exactly_as_pyoxigraph_writes_it(name, datatype, language):
    lexical = AWKWARD[name]
    literal = (ox.Literal(lexical, language=language) if language
               else ox.Literal(lexical, datatype=ox.NamedNode(datatype)))
    assert ntriples.term((lexical, datatype, language)) == str(literal)
    assert from_ox(literal) == (lexical, datatype, language)


def test_every_code_point_is_escaped_as_pyoxigraph_escapes_it():
    code_points = [c for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    for start in range(0, len(code_points), 512):
        text = "".join(map(chr, code_points[start:start + 512]))
        assert ntriples.term((text, XSD_STRING, None)) == str(ox.Literal(text)), hex(start)


def test_iris_and_blank_nodes_are_written_as_pyoxigraph_writes_them():
    for term in ("https://pios.example.se/initiatives/å?q=1#x", "urn:uuid:1234", "_:r12",
                 "_:p1-jb0"):
        assert ntriples.term(term) == str(to_ox(term))


def test_serialize_gives_pyoxigraphs_bytes_and_reads_back_to_the_same_triples():
    subject, blank = "https://pios.example.se/initiatives/x", "_:r0"
    triples = [(subject, "https://w3id.org/pios/vocab#budget", blank),
               (blank, "https://schema.org/value", ("1200000", XSD + "integer", None)),
               (subject, "http://purl.org/dc/terms/title", ("Titel", RDF_LANGSTRING, "sv"))]
    triples += [(subject, "http://purl.org/dc/terms/description", (text, XSD_STRING, None))
                for text in AWKWARD.values()]
    written = ntriples.serialize(triples)
    expected = [ox.Triple(to_ox(s), ox.NamedNode(p), to_ox(o)) for s, p, o in triples]
    assert written == ox.serialize(expected, format=ox.RdfFormat.N_TRIPLES)
    assert [q.triple for q in ox.parse(written, format=ox.RdfFormat.N_TRIPLES)] == expected
    assert all(line.endswith(b" .") for line in written.split(b"\n")[:-1])
