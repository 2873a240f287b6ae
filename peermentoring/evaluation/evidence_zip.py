"""The evidence pack as one zip: index.html (printable, self-contained: no script, no
file or address outside itself) and one CSV per list, written by the one table writer."""

from __future__ import annotations

import io
import zipfile

from django.template.loader import render_to_string
from django.utils.text import slugify

from peermentoring.core.spreadsheets import table_bytes
from peermentoring.evaluation.evidence_pack import Pack

INDEX = "index.html"
# The index shows a list's first rows; the CSV beside it holds them all.
ROWS_SHOWN = 50


def zip_name(pack: Pack) -> str:
    """The download's name: "oakbrook-evidence-2025-09-01-to-2026-08-31.zip"."""
    return (
        f"{slugify(pack.school.slug)}-evidence-"
        f"{pack.period.first.isoformat()}-to-{pack.period.last.isoformat()}.zip"
    )


def pack_bytes(pack: Pack) -> bytes:
    """The zip of the pack: index.html first, then the CSV files under csv/."""
    areas = [
        (area, [(table, table.labelled_rows(ROWS_SHOWN)) for table in area.tables])
        for area in pack.areas
    ]
    index = render_to_string(
        "evaluation/evidence/pack_index.html",
        {"pack": pack, "areas": areas, "rows_shown": ROWS_SHOWN},
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(INDEX, index)
        for table in pack.tables():
            bundle.writestr(f"csv/{table.filename}", table_bytes(table.csv_rows(), "csv"))
    return out.getvalue()
