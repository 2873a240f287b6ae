"""A list page's links to its rows' own pages, reversed once for the page.

`{% url %}` in a table's loop reverses the same URL pattern for every row, and a
50-row page spent a sixth of its time there. The rows' addresses differ only in their
pk, so a list works out the address once and puts each row's pk in it.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

# A pk no row has, to find where the pk sits in the reversed address.
_MARK = "987654321"


class RowUrls:
    """The addresses of one URL pattern's pages, one a row: `RowUrls(name, pk_name, **kwargs).of(pk)`
    is what `reverse(name, kwargs={**kwargs, pk_name: pk})` gives."""

    def __init__(self, url_name: str, pk_name: str, **kwargs: Any) -> None:
        self._url_name, self._pk_name, self._kwargs = url_name, pk_name, kwargs
        before, _, after = reverse(url_name, kwargs={**kwargs, pk_name: _MARK}).partition(_MARK)
        # Should another part of the address hold the mark too, each row is reversed.
        self._parts = None if _MARK in after else (before, after)

    def of(self, pk: int) -> str:
        """The address for the row `pk`."""
        if self._parts is None:
            return reverse(self._url_name, kwargs={**self._kwargs, self._pk_name: pk})
        before, after = self._parts
        return f"{before}{int(pk)}{after}"
