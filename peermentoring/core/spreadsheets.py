"""Spreadsheets in and out: one rule for formula-like cells, and safe reading of uploads.

Formulas (CSV or formula injection). Every CSV or Excel file the product writes passes
each cell through `neutralise`; every file it reads refuses a text cell for which
`looks_like_formula` is true. Both use the one rule below, after OWASP's CSV injection guidance: a cell is dangerous
when it starts with a tab or carriage return, or when its first visible character is
= + - or @. Spreadsheets skip leading spaces (including no-break and thin spaces)
before deciding a cell is a formula, so those are skipped here too.

Two kinds of text start with + or - and are never run: a plain signed number
("-5", "+447700900123", which a spreadsheet reads as a number) and a cell made only
of dashes ("-", "--", which schools use for "none"). They are left alone, so a
negative number or a placeholder dash is not refused or mangled.

Uploads. `open_zip` refuses a zip (an xlsx is one) whose contents would unpack past a
limit or that holds thousands of files; `read_member` reads one file from it and
refuses it if it lies about its size; `xlsx_rows` yields the first sheet's rows one at
a time, so a caller stops at its row limit without the rest being read. openpyxl
builds every style, shared string and cell of a row in memory, and reads a whole
sheet to find its size, which a crafted file of a few kilobytes turns into minutes
and gigabytes; so the sheet, its shared strings and its date styles are streamed
here with expat (keeping no tree), and openpyxl reads only the few small parts that
say where the first sheet is, each of which must be small.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any, TypeVar
from xml.parsers import expat

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.reader.excel import ExcelReader, _find_workbook_part
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_STYLE, SHARED_STRINGS

TRIGGERS = frozenset("=+-@")
CONTROL_STARTS = ("\t", "\r")
# Placeholders ("-", "--", "+") and plain signed numbers ("-12.5", "+447700900123").
HARMLESS_SIGNED = re.compile(r"[-+]+|[-+][0-9]+(?:[.,][0-9]+)?")
# Characters a reader cannot see: spaces of every width, line breaks, and format
# characters such as the zero-width space and the byte order mark.
INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})

Value = TypeVar("Value")


def _visible(text: str) -> str:
    """The text from its first visible character on."""
    for index, char in enumerate(text):
        if not (char.isspace() or unicodedata.category(char) in INVISIBLE_CATEGORIES):
            return text[index:]
    return ""


def formula_trigger(text: str) -> str:
    """The character that makes `text` a formula ("=", "tab"…), or "" if it is none."""
    if not text:
        return ""
    if text[0] == "\t":
        return "tab"
    if text[0] == "\r":
        return "carriage return"
    visible = _visible(text)
    if not visible or visible[0] not in TRIGGERS:
        return ""
    if visible[0] in "+-" and HARMLESS_SIGNED.fullmatch(visible):
        return ""
    return visible[0]


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet opening a cell holding `text` could run it as a formula."""
    return bool(formula_trigger(text))


def neutralise(value: Value) -> Value | str:
    """A cell value safe to write to CSV or Excel: formula-like text gets a leading quote.

    Numbers, dates and other non-text values are returned as they are.
    """
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


# --- Writing tables ------------------------------------------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Row = Sequence[Any]


def _xlsx_text(value: Any) -> Any:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def table_bytes(rows: Iterable[Row], file_format: str, *, sheet: str = "Sheet1") -> bytes:
    """Rows (the first is the heading) as a CSV (UTF-8 with a BOM, so Excel reads the
    accents) or an xlsx file; every cell through `neutralise`. The one writer of tables."""
    cells = ([neutralise(value) for value in row] for row in rows)
    if file_format == "xlsx":
        # Control characters pasted from other programs are not allowed in an xlsx cell.
        cells = ([_xlsx_text(value) for value in row] for row in cells)
        book = Workbook(write_only=True)
        page = book.create_sheet(sheet[:31] or "Sheet1")
        for row in cells:
            page.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    text = io.StringIO()
    csv.writer(text).writerows(cells)
    return ("\ufeff" + text.getvalue()).encode()


def table_response(
    rows: Iterable[Row], file_format: str, *, filename: str, sheet: str = "Sheet1"
) -> HttpResponse:
    """A download of `table_bytes`: `file_format` "xlsx", else CSV; `filename` without suffix."""
    xlsx = file_format == "xlsx"
    response = HttpResponse(
        table_bytes(rows, "xlsx" if xlsx else "csv", sheet=sheet),
        content_type=XLSX_TYPE if xlsx else "text/csv; charset=utf-8",
    )
    suffix = "xlsx" if xlsx else "csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{suffix}"'
    return response


# --- Reading uploads safely ---------------------------------------------------

DAMAGED_FILE = (
    "The file could not be read as CSV or Excel: it is damaged or is not a real Excel or zip file."
)
UNZIPS_TOO_BIG = "The file unpacks to {size} MB; the most accepted is {limit} MB."
TOO_MANY_FILES_IN_ZIP = "The zip file holds {count:,} files; the most accepted is {limit:,}."
# An xlsx is a few dozen files; a OneRoster bundle a handful.
MAX_ZIP_MEMBERS = 1_000
# The parts of an xlsx left to openpyxl, which reads each whole: its list of parts,
# the workbook and the workbook's links. Each is a few kilobytes in a real file.
MAX_SMALL_PART_BYTES = 1_000_000
# Excel allows 64,000 cell formats; a real file has a few dozen.
MAX_CELL_STYLES = 64_000
# Far more than a file of 20,000 pupils could use; each costs memory.
MAX_SHARED_STRINGS = 1_000_000
# What a damaged or hostile zip makes zipfile, zlib and expat raise while it is read.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    expat.ExpatError,
    EOFError,
    KeyError,
    ValueError,
    OSError,
    NotImplementedError,  # a compression method zipfile cannot unpack
    RuntimeError,  # an encrypted member
)


class SpreadsheetError(ValueError):
    """The file cannot be read safely; the message says why in plain words."""


def megabytes(size: int) -> str:
    """A size for people: "1.2", "5", "0.5" (megabytes)."""
    return f"{size / 1_000_000:.1f}".removesuffix(".0")


def open_zip(data: bytes, *, max_unzipped: int) -> zipfile.ZipFile:
    """The zip, once what it says it holds is a size and a number of files a pupil file can be."""
    try:
        bundle = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS:
        raise SpreadsheetError(DAMAGED_FILE) from None
    members = bundle.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise SpreadsheetError(
            TOO_MANY_FILES_IN_ZIP.format(count=len(members), limit=MAX_ZIP_MEMBERS)
        )
    unpacked = sum(info.file_size for info in members)
    if unpacked > max_unzipped:
        raise SpreadsheetError(
            UNZIPS_TOO_BIG.format(size=megabytes(unpacked), limit=megabytes(max_unzipped))
        )
    return bundle


def read_member(bundle: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """One file from the zip, refused if more or fewer bytes come out than it declares."""
    out = bytearray()
    try:
        with bundle.open(info) as member:
            while chunk := member.read(64 * 1024):
                out += chunk
                if len(out) > info.file_size:
                    raise SpreadsheetError(DAMAGED_FILE)
    except ZIP_ERRORS:
        raise SpreadsheetError(DAMAGED_FILE) from None
    if len(out) != info.file_size:
        raise SpreadsheetError(DAMAGED_FILE)
    return bytes(out)


def _parser(
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> expat.XMLParserType:
    """An XML parser calling the handlers by local tag name; it keeps no tree, refuses DTDs."""

    def refuse(*_: object) -> None:
        raise SpreadsheetError(DAMAGED_FILE)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = lambda name, attrs: start(name.rpartition(" ")[2], attrs)
    if end is not None:
        parser.EndElementHandler = lambda name: end(name.rpartition(" ")[2])
    if text is not None:
        parser.CharacterDataHandler = text
    return parser


def _stream_xml(
    source: IO[bytes],
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    parser = _parser(start, end, text)
    while chunk := source.read(64 * 1024):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _shared_strings(source: IO[bytes]) -> list[str]:
    """The shared strings table as openpyxl reads it (runs joined, phonetic guides left out)."""
    strings: list[str] = []
    parts: list[str] = []
    open_tags: list[str] = []

    def start(tag: str, _attrs: dict[str, str]) -> None:
        open_tags.append(tag)
        if tag == "si":
            parts.clear()

    def end(tag: str) -> None:
        open_tags.pop()
        if tag == "si":
            if len(strings) >= MAX_SHARED_STRINGS:
                raise SpreadsheetError(DAMAGED_FILE)
            strings.append("".join(parts).replace("x005F_", ""))

    def text(data: str) -> None:
        if open_tags[-1:] == ["t"] and open_tags[-2:-1] != ["rPh"]:
            parts.append(data)

    _stream_xml(source, start, end, text)
    return strings


def _date_styles(source: IO[bytes]) -> tuple[set[int], set[int]]:
    """Which cell styles show a date, and which a duration, as openpyxl decides it."""
    custom: dict[str, str] = {}
    dates: set[int] = set()
    durations: set[int] = set()
    count = 0
    in_cell_styles = False

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal count, in_cell_styles
        if tag == "numFmt":
            if len(custom) >= MAX_CELL_STYLES:
                raise SpreadsheetError(DAMAGED_FILE)
            custom[attrs.get("numFmtId", "")] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            in_cell_styles = True
        elif tag == "xf" and in_cell_styles:
            if count >= MAX_CELL_STYLES:
                raise SpreadsheetError(DAMAGED_FILE)
            number = attrs.get("numFmtId", "0")
            code = custom.get(number)
            if code is None:
                code = BUILTIN_FORMATS.get(int(number), "") if number.isdigit() else ""
            if is_date_format(code):
                dates.add(count)
            if is_timedelta_format(code):
                durations.add(count)
            count += 1

    def end(tag: str) -> None:
        nonlocal in_cell_styles
        if tag == "cellXfs":
            in_cell_styles = False

    _stream_xml(source, start, end)
    return dates, durations


class _SheetReader:
    """Rows of a worksheet's XML as they are parsed, each as (row number, cell values).

    Only the first `max_columns` cells of a row are kept, so no row costs more memory
    than that however many cells it holds. Values are what openpyxl gives with
    data_only=False: a formula as "=…", a number in a date style as a datetime.
    """

    def __init__(
        self,
        strings: list[str],
        dates: set[int],
        durations: set[int],
        epoch: dt.datetime,
        max_columns: int,
    ) -> None:
        self.strings, self.dates, self.durations, self.epoch = strings, dates, durations, epoch
        self.max_columns = max_columns
        self.done: list[tuple[int, tuple[Any, ...]]] = []
        self.row_number = 0
        self.cells: list[Any] = []
        self.column = 0
        self.kind, self.style, self.has_formula = "n", 0, False
        self.parts: dict[str, list[str]] = {"v": [], "f": [], "t": []}
        self.capturing: list[str] | None = None
        self.in_phonetic = False

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "c":
            reference = attrs.get("r", "")
            self.column = _column_number(reference) if reference else self.column + 1
            self.kind, self.style = attrs.get("t", "n"), int(attrs.get("s", "0"))
            self.has_formula = False
            for part in self.parts.values():
                part.clear()
        elif tag in ("v", "f") or tag == "t" and not self.in_phonetic:
            self.capturing = self.parts[tag]
            self.has_formula = self.has_formula or tag == "f"
        elif tag == "rPh":
            self.in_phonetic = True
        elif tag == "row":
            number = attrs.get("r", "")
            self.row_number = int(number) if number else self.row_number + 1
            self.cells, self.column = [], 0

    def end(self, tag: str) -> None:
        if tag in ("v", "f", "t"):
            self.capturing = None
        elif tag == "rPh":
            self.in_phonetic = False
        elif tag == "c" and self.column <= self.max_columns:
            self.cells.extend([None] * (self.column - len(self.cells)))
            self.cells[self.column - 1] = self._value()
        elif tag == "row":
            self.done.append((self.row_number, tuple(self.cells)))

    def text(self, data: str) -> None:
        if self.capturing is not None:
            self.capturing.append(data)

    def _value(self) -> Any:
        if self.has_formula:
            return "=" + "".join(self.parts["f"])
        if self.kind == "inlineStr":
            return "".join(self.parts["t"])
        raw = "".join(self.parts["v"])
        if self.kind in ("str", "e"):
            return raw
        if not raw:
            return None
        if self.kind == "s":
            return self.strings[int(raw)]
        if self.kind == "b":
            return raw == "1"
        if self.kind == "d":
            return from_ISO8601(raw)
        number = float(raw) if any(c in raw for c in ".eE") else int(raw)
        if self.style in self.durations:
            return from_excel(number, self.epoch, timedelta=True)
        if self.style in self.dates:
            return from_excel(number, self.epoch)
        return number

    def rows(self, source: IO[bytes]) -> Iterator[tuple[int, tuple[Any, ...]]]:
        parser = _parser(self.start, self.end, self.text)
        while chunk := source.read(64 * 1024):
            parser.Parse(chunk, False)
            yield from self.done
            self.done.clear()
        parser.Parse(b"", True)
        yield from self.done


def _column_number(reference: str) -> int:
    """3 from "C7"; 28 from "AB1"."""
    letters = reference.rstrip("0123456789")
    if not letters or len(letters) > 3 or not letters.isascii() or not letters.isalpha():
        raise SpreadsheetError(DAMAGED_FILE)
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _styles(bundle: zipfile.ZipFile, names: list[str]) -> tuple[set[int], set[int]]:
    if ARC_STYLE not in names:
        return set(), set()
    with bundle.open(ARC_STYLE) as source:
        return _date_styles(source)


def _small_part(bundle: zipfile.ZipFile, name: str) -> None:
    if bundle.getinfo(name).file_size > MAX_SMALL_PART_BYTES:
        raise SpreadsheetError(DAMAGED_FILE)


def xlsx_rows(
    data: bytes, *, max_unzipped: int, max_columns: int
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The first sheet's rows, one at a time: (row number, its first `max_columns` values).

    Rows the sheet leaves out (blank ones) are not yielded; the numbers say where rows are.

    Raises SpreadsheetError for a file that is too big unpacked, damaged, or not Excel.
    """
    open_zip(data, max_unzipped=max_unzipped).close()
    try:
        # zipfile never unpacks more of a part than the size checked above: a part that
        # lies about its size fails its CRC check, which is refused below.
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        bundle = reader.archive
        try:
            _small_part(bundle, ARC_CONTENT_TYPES)
            reader.read_manifest()
            workbook_part = _find_workbook_part(reader.package).PartName[1:]
            folder, _, name = workbook_part.rpartition("/")
            _small_part(bundle, workbook_part)
            _small_part(bundle, f"{folder}/_rels/{name}.rels".lstrip("/"))
            reader.read_workbook()
            strings_part = reader.package.find(SHARED_STRINGS)
            if strings_part is not None:
                with bundle.open(strings_part.PartName[1:]) as source:
                    strings = _shared_strings(source)
            else:
                strings = []
            book = reader.wb
            first = next(
                (
                    (sheet, rel)
                    for sheet, rel in reader.parser.find_sheets()
                    if rel.target in reader.valid_files and "chartsheet" not in rel.Type
                ),
                None,
            )
            if first is None:
                raise SpreadsheetError(DAMAGED_FILE)
            reading = _SheetReader(
                strings, *_styles(bundle, reader.valid_files), book.epoch, max_columns
            )
            with bundle.open(first[1].target) as source:
                yield from reading.rows(source)
        finally:
            bundle.close()
    except SpreadsheetError:
        raise
    except Exception:  # noqa: BLE001 - openpyxl, zipfile and XML raise many kinds for a bad file
        raise SpreadsheetError(DAMAGED_FILE) from None
