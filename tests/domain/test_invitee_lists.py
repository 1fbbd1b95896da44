"""Reading lists of people to invite: pasted text and CSV files as organisers have them, broken lines numbered."""

from __future__ import annotations

import codecs

import pytest

from domain.addresses import check_address
from domain.errors import InvalidValue
from domain.invitee_lists import InviteeList, listed_name, read_csv, read_pasted


def people(listed: InviteeList) -> list[tuple[int, str, str]]:
    return [(entry.line, entry.name, entry.address) for entry in listed.entries]


def problems(listed: InviteeList) -> list[tuple[int, str]]:
    return [(problem.line, problem.message) for problem in listed.problems]


# ---------------------------------------------------------------- pasted

def test_pasted_lines_in_every_usual_form() -> None:
    listed = read_pasted(
        "marie@ville.fr\n"
        "Marie Dupont <marie.dupont@ville.fr>\n"
        "jean@ville.fr, Jean Martin\n"
        "\n"
        "Paul Durand; paul@ville.fr\n"
        "Lucie Bernard lucie@ville.fr\n"
        "mailto:zoe@ville.fr\n"
    )
    assert people(listed) == [
        (1, "", "marie@ville.fr"),
        (2, "Marie Dupont", "marie.dupont@ville.fr"),
        (3, "Jean Martin", "jean@ville.fr"),
        (5, "Paul Durand", "paul@ville.fr"),
        (6, "Lucie Bernard", "lucie@ville.fr"),
        (7, "", "zoe@ville.fr"),
    ]
    assert listed.problems == []


def test_several_people_on_one_line() -> None:
    listed = read_pasted('a@x.fr; b@y.fr, c@z.fr\n"Dupont, Anne" <anne@ville.fr>, Bob <bob@ville.fr>\n'
                         "Alice, alice@x.fr, Bruno, bruno@x.fr\n")
    assert people(listed) == [
        (1, "", "a@x.fr"), (1, "", "b@y.fr"), (1, "", "c@z.fr"),
        (2, "Dupont, Anne", "anne@ville.fr"), (2, "Bob", "bob@ville.fr"),
        (3, "Alice", "alice@x.fr"), (3, "Bruno", "bruno@x.fr"),
    ]


def test_a_line_without_an_address_is_reported_with_its_number() -> None:
    listed = read_pasted("marie@ville.fr\nMarie Dupont\n\nmarie chez ville.fr\n")
    assert problems(listed) == [(2, "No e-mail address on this line."), (4, "No e-mail address on this line.")]
    assert [problem.text for problem in listed.problems] == ["Marie Dupont", "marie chez ville.fr"]


def test_names_are_kept_as_text_without_line_breaks_or_invisible_characters() -> None:
    listed = read_pasted("<b>Marie</b>\t<script>alert(1)</script> <m@x.fr>\n")
    # Markup is not interpreted: angle brackets around something without an @ are part of the name.
    assert people(listed) == [(1, "<b>Marie</b> <script>alert(1)</script>", "m@x.fr")]
    assert listed_name("Marie\r\nBcc: tous@ville.fr") == "Marie Bcc: tous@ville.fr"
    assert listed_name("Ana\u202eli\u200b\x07s") == "Analis"
    assert listed_name("  \"Jean   Martin\" ") == "Jean Martin"
    assert listed_name("x" * 200) == "x" * 80


def test_a_name_with_html_stays_text() -> None:
    listed = read_pasted("<i>Zoé</i> & Cie <zoe@ville.fr>\n<b>Léa</b>, lea@ville.fr\n"
                         "a@ville.fr, <img src=x onerror=alert(1)> <b@ville.fr>\n")
    assert people(listed) == [(1, "<i>Zoé</i> & Cie", "zoe@ville.fr"), (2, "<b>Léa</b>", "lea@ville.fr"),
                              (3, "", "a@ville.fr"), (3, "<img src=x onerror=alert(1)>", "b@ville.fr")]


# ---------------------------------------------------------------- CSV files

CSV_ROWS = "Prénom;Nom;Courriel\nÉlodie;Lefèvre;elodie@ville.fr\nFrançois;Nguyễn;francois@ville.fr\n"


@pytest.mark.parametrize(("encoded", "encoding"), [
    (CSV_ROWS.encode("utf-8"), "UTF-8"),
    (codecs.BOM_UTF8 + CSV_ROWS.encode("utf-8"), "UTF-8"),
    (CSV_ROWS.replace("Nguyễn", "Nguyen").encode("cp1252"), "Windows-1252"),
    (CSV_ROWS.replace("Nguyễn", "Nguyen").encode("latin-1") + b"Kate;\x81;kate@ville.fr\n", "Latin-1"),
    (CSV_ROWS.encode("utf-16"), "UTF-16"),
])
def test_odd_encodings_are_recognised(encoded: bytes, encoding: str) -> None:
    listed = read_csv(encoded)
    assert listed.encoding == encoding
    assert people(listed)[0] == (2, "Élodie Lefèvre", "elodie@ville.fr")
    assert people(listed)[1][1] in {"François Nguyễn", "François Nguyen"}
    assert listed.problems == []


def test_commas_tabs_and_no_header() -> None:
    by_commas = read_csv(b"marie@ville.fr,Marie Dupont\n\"Martin, Jean\",jean@ville.fr\nsolo@ville.fr\n")
    assert by_commas.delimiter == ","
    assert people(by_commas) == [(1, "Marie Dupont", "marie@ville.fr"), (2, "Martin, Jean", "jean@ville.fr"),
                                 (3, "", "solo@ville.fr")]
    by_tabs = read_csv(b"Name\tE-mail\nMarie Dupont\tmarie@ville.fr\n")
    assert by_tabs.delimiter == "\t"
    assert people(by_tabs) == [(2, "Marie Dupont", "marie@ville.fr")]


def test_a_header_names_the_columns_and_other_columns_are_ignored() -> None:
    listed = read_csv("Quartier;Adresse e-mail;Nom complet;Téléphone\n"
                      "Centre;marie@ville.fr;Marie Dupont;0102030405\n".encode())
    assert people(listed) == [(2, "Marie Dupont", "marie@ville.fr")]


def test_broken_lines_are_reported_with_their_number_and_the_others_read() -> None:
    listed = read_csv(
        b"Nom;Email\n"
        b"Marie;marie@ville.fr\n"
        b"\"Jean;jean@ville.fr\n"  # a quote never closed
        b"Paul;\n"  # no address
        b"Anne;anne@ville.fr;anne.bis@ville.fr\n"  # two addresses
        b"\n"
        b"Zoe;zoe@ville.fr\n"
    )
    assert people(listed) == [(2, "Marie", "marie@ville.fr"), (7, "Zoe", "zoe@ville.fr")]
    assert problems(listed) == [
        (3, "This line cannot be read: a quote mark is not closed."),
        (4, "No e-mail address on this line."),
        (5, "Several e-mail addresses on one line: give each person a line."),
    ]


def test_a_first_line_without_an_address_that_is_no_header_is_reported() -> None:
    listed = read_csv(b"Bonjour la liste\nmarie@ville.fr\n")
    assert problems(listed) == [(1, "No e-mail address on this line.")]
    assert people(listed) == [(2, "", "marie@ville.fr")]


@pytest.mark.parametrize("data", [b"PK\x03\x04workbook", b"\xd0\xcf\x11\xe0\x00\x00binary"])
def test_a_spreadsheet_is_not_taken_for_a_csv_file(data: bytes) -> None:
    with pytest.raises(InvalidValue) as refused:
        read_csv(data)
    assert refused.value.message == "This is not a CSV file. In your spreadsheet, save the list as CSV first."


def test_a_file_too_large_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        read_csv(b"a@x.fr\n" * 300_000)
    assert refused.value.params == {"size": 2}


# ---------------------------------------------------------------- addresses

@pytest.mark.parametrize(("typed", "canonical"), [
    ("Marie.Dupont@Ville.FR", "marie.dupont@ville.fr"),
    ("  jean+atelier@ville.fr ", "jean+atelier@ville.fr"),
    ("ab@münchen.de", "ab@xn--mnchen-3ya.de"),
])
def test_addresses_are_kept_in_one_form(typed: str, canonical: str) -> None:
    assert check_address(typed) == canonical


@pytest.mark.parametrize(("typed", "reason"), [
    ("marie.ville.fr", "An e-mail address has an @, as in name@ville.fr."),
    ("@ville.fr", "Nothing comes before the @."),
    ("marie@", "Nothing comes after the @."),
    ("marie@ville", "After the @ comes a domain name such as ville.fr: this one is incomplete."),
    ("marie..dupont@ville.fr", "A dot or a hyphen is out of place."),
    ("marie dupont@ville.fr",
     "The part before the @ has characters an address cannot have (a space, a comma, a bracket...)."),
    ("marie@ville_centre.fr", "The part after the @ is not a valid domain name."),
    ("élodie@ville.fr", "Accents and other special letters before the @ cannot be delivered by most mail servers."),
    ("marie@ville.invalid", "This domain name is reserved: it receives no mail."),
    ("m" * 250 + "@x.fr", "Too long for an e-mail address."),
])
def test_invalid_addresses_say_why(typed: str, reason: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        check_address(typed)
    assert refused.value.message == reason
