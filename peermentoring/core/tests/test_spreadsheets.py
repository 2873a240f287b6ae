"""The one rule for formula-like cells, shared by every import check and every export."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from openpyxl import load_workbook

from peermentoring.core.spreadsheets import (
    SpreadsheetError,
    formula_trigger,
    looks_like_formula,
    neutralise,
    xlsx_rows,
)

# Every kind of leading space a spreadsheet skips before it sees "=".
LEADING_SPACE = st.text(
    alphabet=" \n\u00a0\u2007\u202f\u2009\u3000\u200b\ufeff\x0b\x0c", min_size=0, max_size=4
)


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ('=HYPERLINK("http://x","y")', "="),
        (' =HYPERLINK("http://x","y")', "="),
        ("\n=1+cmd", "="),
        ("\u00a0@SUM(A1)", "@"),
        ("\u2007=1+1", "="),
        ("\u202f+cmd|' /C calc'!A0", "+"),
        ("\u200b=1+1", "="),
        ("\ufeff=1+1", "="),
        ("-2+3", "-"),
        ("-cmd|' /C calc'!A0", "-"),
        ("- Smith", "-"),
        ("-Smith", "-"),
        ("+1+1", "+"),
        ("@SUM(A1:A2)", "@"),
        ("\t=1+1", "tab"),
        ("\tAmelia", "tab"),
        ("\rAmelia", "carriage return"),
        # Left alone: ordinary names, placeholders and plain numbers.
        ("Amelia", ""),
        ("Smith-Jones", ""),
        ("O'Neill", ""),
        ("Amelia =1+1", ""),
        ("a@example.org", ""),
        ("-", ""),
        ("--", ""),
        ("+", ""),
        ("-5", ""),
        (" -12.5", ""),
        ("+447700900123", ""),
        ("", ""),
        ("   ", ""),
    ],
)
def test_the_rule_names_the_character_that_makes_a_cell_a_formula(text, trigger):
    assert formula_trigger(text) == trigger
    assert looks_like_formula(text) is bool(trigger)


@given(
    space=LEADING_SPACE,
    trigger=st.sampled_from("=@"),
    rest=st.text(max_size=20),
)
def test_a_formula_behind_any_leading_space_is_caught(space, trigger, rest):
    assert looks_like_formula(space + trigger + rest)
    assert neutralise(space + trigger + rest) == "'" + space + trigger + rest


@given(space=LEADING_SPACE, sign=st.sampled_from("+-"), rest=st.text(min_size=1, max_size=20))
def test_a_sign_followed_by_anything_but_a_number_is_caught(space, sign, rest):
    assume(set(rest) - set("+-"))  # not a placeholder dash
    assume(not re.fullmatch(r"[0-9]+(?:[.,][0-9]+)?", rest))  # not a plain number
    assert looks_like_formula(space + sign + rest)


@given(st.text(max_size=30))
def test_neutralised_text_is_never_a_formula_and_keeps_its_characters(text):
    safe = neutralise(text)
    assert not looks_like_formula(safe)
    assert safe in (text, "'" + text)


@pytest.mark.parametrize(
    "value", [None, 5, -5, -2.5, Decimal("-3"), dt.date(2026, 9, 1), dt.datetime(2026, 9, 1), True]
)
def test_numbers_dates_and_empty_cells_are_written_as_they_are(value):
    assert neutralise(value) is value


def test_safe_text_is_written_as_it_is():
    assert neutralise("Smith-Jones") == "Smith-Jones"
    assert neutralise("-") == "-"
    assert neutralise("=1+1") == "'=1+1"


# --- Reading an xlsx as openpyxl does, without its costs --------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
HAND_MADE = {
    "[Content_Types].xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{SML}.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SML}.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="{SML}.sharedStrings+xml"/>
<Override PartName="/xl/styles.xml" ContentType="{SML}.styles+xml"/>
</Types>""",
    "_rels/.rels": f"""<Relationships xmlns="{RELS}"><Relationship Id="rId1"
Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>""",
    "xl/workbook.xml": f"""<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>
<sheet name="Pupils" sheetId="1" r:id="rId1"/></sheets></workbook>""",
    "xl/_rels/workbook.xml.rels": f"""<Relationships xmlns="{RELS}">
<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId3" Type="{DOC_RELS}/styles" Target="styles.xml"/></Relationships>""",
    "xl/sharedStrings.xml": f"""<sst xmlns="{MAIN}">
<si><t>Forename</t></si>
<si><r><rPr><b/></rPr><t>Ame</t></r><r><t xml:space="preserve">lia </t></r></si>
<si><t>大翔</t><rPh sb="0" eb="2"><t>ヒロト</t></rPh></si>
<si><t>Smith_x005F_x000D_</t></si>
</sst>""",
    "xl/styles.xml": f"""<styleSheet xmlns="{MAIN}">
<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>
<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="46"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>""",
    "xl/worksheets/sheet1.xml": f"""<worksheet xmlns="{MAIN}"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>DOB</t></is></c></row>
<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" s="1"><v>41000</v></c><c r="C2" s="2"><v>41001.5</v></c>
<c r="D2" t="b"><v>1</v></c><c r="E2"><v>-7</v></c><c r="F2" s="3"><v>1.25</v></c></row>
<row r="5"><c r="A5" t="s"><v>2</v></c><c r="B5"><f>HYPERLINK("http://x","y")</f><v>y</v></c>
<c r="C5" t="str"><f>1+1</f><v>2</v></c><c r="D5" t="s"><v>3</v></c><c r="E5" t="e"><v>#N/A</v></c>
<c r="F5"><v>2.5E3</v></c></row>
</sheetData></worksheet>""",
}


def hand_made_xlsx(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode())
    return out.getvalue()


def test_xlsx_rows_gives_the_values_openpyxl_gives():
    data = hand_made_xlsx(HAND_MADE)
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    expected = [tuple(row) for row in book.worksheets[0].iter_rows(max_col=6, values_only=True)]
    book.close()

    rows = dict(xlsx_rows(data, max_unzipped=10_000_000, max_columns=6))

    assert sorted(rows) == [1, 2, 5]
    for number, values in rows.items():
        assert values + (None,) * (6 - len(values)) == expected[number - 1]
    assert rows[2][:2] == ("Amelia ", dt.datetime(2012, 4, 1))
    assert rows[5][:3] == ("大翔", '=HYPERLINK("http://x","y")', "=1+1")


def test_xlsx_rows_keeps_only_the_first_columns_of_a_row():
    sheet = HAND_MADE["xl/worksheets/sheet1.xml"]
    parts = HAND_MADE | {
        "xl/worksheets/sheet1.xml": sheet.replace(
            '<row r="1">', '<row r="1">' + "<c><v>1</v></c>" * 500
        )
    }

    rows = list(xlsx_rows(hand_made_xlsx(parts), max_unzipped=10_000_000, max_columns=3))

    assert [len(values) for _, values in rows] == [3, 3, 3]
    # The 500 cells without a reference come first; A1 and C1 then take their places.
    assert rows[0] == (1, ("Forename", 1, "DOB"))


@pytest.mark.parametrize(
    "part",
    [
        "[Content_Types].xml",
        "xl/workbook.xml",
        "xl/worksheets/sheet1.xml",
        "xl/sharedStrings.xml",
        "xl/styles.xml",
    ],
)
def test_a_damaged_part_of_an_xlsx_is_refused_as_damaged(part):
    data = hand_made_xlsx(HAND_MADE | {part: HAND_MADE[part][:-20]})

    with pytest.raises(SpreadsheetError, match="damaged"):
        list(xlsx_rows(data, max_unzipped=10_000_000, max_columns=6))


def test_an_xlsx_with_a_doctype_is_refused_before_any_entity_is_expanded():
    laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
    data = hand_made_xlsx(
        HAND_MADE | {"xl/sharedStrings.xml": laughs + HAND_MADE["xl/sharedStrings.xml"]}
    )

    with pytest.raises(SpreadsheetError, match="damaged"):
        list(xlsx_rows(data, max_unzipped=10_000_000, max_columns=6))


def test_an_oversized_workbook_part_is_refused_before_openpyxl_reads_it():
    workbook = HAND_MADE["xl/workbook.xml"].replace("<sheets>", "<sheets>" + " " * 1_100_000)

    with pytest.raises(SpreadsheetError, match="damaged"):
        list(
            xlsx_rows(
                hand_made_xlsx(HAND_MADE | {"xl/workbook.xml": workbook}),
                max_unzipped=10_000_000,
                max_columns=6,
            )
        )


def test_the_table_writer_neutralises_every_cell_and_excel_reads_the_accents():
    import csv as csv_module

    from openpyxl import load_workbook

    from peermentoring.core.spreadsheets import table_bytes

    rows = [["Name", "Meetings"], ["=cmd|' /C calc'!A0", 3], ["Zoë", -2]]
    data = table_bytes(rows, "csv")
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 only after a BOM
    read = list(csv_module.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert read == [["Name", "Meetings"], ["'=cmd|' /C calc'!A0", "3"], ["Zoë", "-2"]]
    sheet = load_workbook(io.BytesIO(table_bytes(rows, "xlsx", sheet="Figures"))).active
    assert sheet.title == "Figures"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Name", "Meetings"],
        ["'=cmd|' /C calc'!A0", 3],
        ["Zoë", -2],
    ]


def test_control_characters_pasted_into_a_cell_do_not_break_the_excel_file():
    from openpyxl import load_workbook

    from peermentoring.core.spreadsheets import table_bytes

    # openpyxl refuses these in a cell (IllegalCharacterError): a question pasted from
    # another program made every Excel download of it a 500.
    rows = [["Question"], ["I feel\x02 happy\x1f at school"], ["Tab\tand new line\nstay"]]
    sheet = load_workbook(io.BytesIO(table_bytes(rows, "xlsx"))).active
    assert [row[0].value for row in sheet.iter_rows()] == [
        "Question",
        "I feel happy at school",
        "Tab\tand new line\nstay",
    ]
