"""Lists of people to invite, as organisers have them: pasted from a mail client or a spreadsheet, or a CSV file.

Reading is forgiving about the form and exact about what it could not read. Pasted text takes one or more
people per line: `marie@ville.fr`, `Marie Dupont <marie@ville.fr>`, `marie@ville.fr, Marie Dupont`,
`Marie Dupont; marie@ville.fr`, several on one line separated by `;` or `,`. A CSV file may have a header or
not, names or not; it is read as UTF-8 (with or without a byte order mark), UTF-16 with its mark, or else
Windows-1252 (Latin-1 for the few bytes Windows-1252 leaves undefined), with `;`, `,` or tabs between cells.
A line that cannot be read becomes a `LineProblem` with its number; nothing is dropped without saying so.

Addresses are only *found* here; `invitations.review` checks them. Names are kept as text: line breaks and
invisible characters go, markup stays what it is (text), and a name longer than a display name is cut.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from dataclasses import dataclass, field

from domain.errors import InvalidValue
from domain.i18n import N_
from domain.names import JOINERS, MAX_NAME

INVISIBLE = ("Cc", "Cf", "Co", "Cn", "Cs")  # control, format (bidi, zero-width), private, unassigned, surrogates
MAX_FILE_BYTES = 2_000_000  # some 40,000 lines
MAX_LINES = 20_000
DELIMITERS = (";", ",", "\t")  # in order of preference when lines have as many of each (French spreadsheets: ;)
QUOTED_OR_PART = re.compile(r'"[^"]*"|[^;,]+')
ADDRESS_IN_BRACKETS = re.compile(r"<\s*(?P<address>[^<>\s]*@[^<>\s]*)\s*>")  # "Name <address>"
HEADER_WORDS = {
    "email": {"email", "e-mail", "mail", "courriel", "adresse", "adresse email", "adresse e-mail", "adresse mail",
              "adresse electronique", "email address", "e-mail address", "address", "mel"},
    "name": {"name", "nom complet", "full name", "display name", "nom et prenom", "prenom et nom", "prenom nom",
             "nom prenom", "participant", "participante", "personne", "contact"},
    "first": {"prenom", "first name", "firstname", "given name", "forename"},
    "last": {"nom", "last name", "lastname", "surname", "family name", "nom de famille"},
}


@dataclass(frozen=True)
class Entry:
    """One person as read: the line they came from, that line's text, their name, their address as written."""

    line: int
    text: str
    name: str
    address: str


@dataclass(frozen=True)
class LineProblem:
    """A line that gave nobody to invite, or a person who cannot be invited; `message` is for `translate`."""

    line: int
    text: str
    message: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass
class InviteeList:
    entries: list[Entry] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    encoding: str | None = None  # for a file: how its bytes were read
    delimiter: str | None = None  # for a file: what separates its cells


def listed_name(raw: str) -> str:
    """A name from someone else's list, kept as text: line breaks and runs of spaces become one space,
    invisible and control characters go (joiners that scripts need excepted), quotes around it too."""
    text = unicodedata.normalize("NFKC", raw)
    kept = "".join(" " if char.isspace() else char for char in text
                   if char.isspace() or char in JOINERS or unicodedata.category(char) not in INVISIBLE)
    name = " ".join(kept.split()).strip("\"'“”«» ,;")
    return name[:MAX_NAME].strip()


def _clean_address(text: str) -> str:
    address = text.strip().strip("\"'<>()[],;")
    return address[len("mailto:"):] if address.lower().startswith("mailto:") else address


def _line_text(line: str) -> str:
    return " ".join(line.split())[:300]


# ---------------------------------------------------------------- pasted text

def read_pasted(text: str) -> InviteeList:
    listed = InviteeList()
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise InvalidValue(N_("At most {count} lines at a time."), field="invitees", count=MAX_LINES)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        found = _people_on_line(line)
        if not found:
            listed.problems.append(LineProblem(number, _line_text(line), N_("No e-mail address on this line.")))
        listed.entries.extend(Entry(number, _line_text(line), listed_name(name), _clean_address(address))
                              for name, address in found)
    return listed


def _people_on_line(line: str) -> list[tuple[str, str]]:
    """(name, address) pairs on one pasted line."""
    if ADDRESS_IN_BRACKETS.search(line):
        people, start = [], 0
        for match in ADDRESS_IN_BRACKETS.finditer(line):
            people += _bare_addresses(line[start:match.start()])
            people.append((_without_addresses(line[start:match.start()]), match["address"]))
            start = match.end()
        return people + _bare_addresses(line[start:])
    parts = [part.strip() for part in re.split(r"[;,\t]", line) if part.strip()]
    pieces: list[tuple[str, str]] = []  # ("name", text) or ("address", text), in line order
    for part in parts:
        if "@" not in part:
            pieces.append(("name", part))
            continue
        words = part.split()
        for word in words:
            pieces.append(("address" if "@" in word else "name", word))
    addresses = [index for index, (kind, _) in enumerate(pieces) if kind == "address"]
    if not addresses:
        return []
    names_first = pieces[0][0] == "name" and len(addresses) > 1
    names: dict[int, list[str]] = {index: [] for index in addresses}  # address index -> name pieces
    for index, (kind, text) in enumerate(pieces):
        if kind == "address":
            continue
        before = [a for a in addresses if a < index]
        after = [a for a in addresses if a > index]
        owner = (after[0] if after else before[-1]) if names_first else (before[-1] if before else after[0])
        names[owner].append(text)
    return [(" ".join(names[index]), pieces[index][1]) for index in addresses]


def _parts(text: str) -> list[str]:
    """The text cut at ";" and "," except inside double quotes ("Dupont, Anne" stays one name)."""
    return [part.strip() for part in QUOTED_OR_PART.findall(text) if part.strip()]


def _bare_addresses(text: str) -> list[tuple[str, str]]:
    """Addresses written without a name between the bracketed ones ("a@x.fr, Bob <bob@x.fr>")."""
    return [("", word) for part in _parts(text) for word in part.split() if "@" in word]


def _without_addresses(text: str) -> str:
    return " ".join(part for part in _parts(text) if "@" not in part)


# ---------------------------------------------------------------- CSV files

def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the name of the encoding it was read in."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            pass  # a mark, then something else: read on as a Windows file
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _delimiter(lines: list[str]) -> str:
    sample = [line for line in lines if line.strip()][:50]
    counts = {candidate: sum(candidate in line for line in sample) for candidate in DELIMITERS}
    best = max(DELIMITERS, key=lambda candidate: counts[candidate])  # max keeps the first of equals
    return best if counts[best] else ","


def _header_key(cell: str) -> str:
    decomposed = unicodedata.normalize("NFKD", cell)
    plain = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    return " ".join(plain.casefold().replace("_", " ").replace(".", " ").split()).strip(" :")


def _columns(header: list[str]) -> dict[str, int]:
    """Which column holds what, from a header row's words (first match of each)."""
    roles: dict[str, int] = {}
    for index, cell in enumerate(header):
        word = _header_key(cell)
        for role, words in HEADER_WORDS.items():
            if role not in roles and (word in words or (role == "email" and ("mail" in word or "courriel" in word))):
                roles[role] = index
                break
    return roles


def read_csv(data: bytes) -> InviteeList:
    if len(data) > MAX_FILE_BYTES:
        raise InvalidValue(N_("The file is larger than {size} MB: split it in several."), field="file",
                           size=MAX_FILE_BYTES // 1_000_000)
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if data.startswith(b"PK\x03\x04") or (b"\x00" in data and not utf16):  # a workbook, or other binary file
        raise InvalidValue(N_("This is not a CSV file. In your spreadsheet, save the list as CSV first."),
                           field="file")
    text, encoding = decode(data)
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise InvalidValue(N_("At most {count} lines at a time."), field="file", count=MAX_LINES)
    delimiter = _delimiter(lines)
    listed = InviteeList(encoding=encoding, delimiter=delimiter)
    columns: dict[str, int] | None = None  # known once the first line with cells is read
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            cells = [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter, strict=True))]
        except csv.Error:
            listed.problems.append(LineProblem(number, _line_text(line),
                                               N_("This line cannot be read: a quote mark is not closed.")))
            continue
        if not any(cells):
            continue
        if columns is None:  # the first line with cells: a header when its words say which column is what
            columns = {} if any("@" in cell for cell in cells) else _columns(cells)
            if columns:
                continue
        _read_row(listed, number, line, cells, columns)
    return listed


def _read_row(listed: InviteeList, number: int, line: str, cells: list[str], columns: dict[str, int]) -> None:
    address_cells = [index for index, cell in enumerate(cells) if "@" in cell]
    email_column = columns.get("email")
    if email_column is not None and email_column < len(cells) and cells[email_column] \
            and email_column not in address_cells:
        address_cells.insert(0, email_column)  # what the header calls the address, even without an @
    if not address_cells:
        listed.problems.append(LineProblem(number, _line_text(line), N_("No e-mail address on this line.")))
        return
    if len(address_cells) > 1:
        listed.problems.append(LineProblem(number, _line_text(line),
                                           N_("Several e-mail addresses on one line: give each person a line.")))
        return

    def cell(role: str) -> str:
        index = columns.get(role)
        return cells[index] if index is not None and index < len(cells) else ""

    if any(role in columns for role in ("name", "first", "last")):
        name = cell("name") or f"{cell('first')} {cell('last')}"
    else:
        name = " ".join(value for index, value in enumerate(cells) if index not in address_cells and value)
    listed.entries.append(Entry(number, _line_text(line), listed_name(name), _clean_address(cells[address_cells[0]])))
