"""A list's row links, reversed once for the page, are the addresses `reverse` gives."""

from __future__ import annotations

import pytest
from django.urls import reverse

from peermentoring.core.row_urls import RowUrls


@pytest.mark.parametrize("slug", ["oakbrook", "st-mary-s-2", "x987654321"])
@pytest.mark.parametrize("pk", [1, 7, 42, 987654321, 1234567890])
def test_a_row_s_address_is_the_one_reverse_gives(slug, pk):
    rows = RowUrls("schools:pupil-detail", "pupil_pk", school_slug=slug)

    assert rows.of(pk) == reverse(
        "schools:pupil-detail", kwargs={"school_slug": slug, "pupil_pk": pk}
    )


def test_a_pk_in_the_middle_of_the_address_is_placed_there():
    rows = RowUrls("schools:pupil-account-create", "pupil_pk", school_slug="oakbrook")

    assert rows.of(5) == reverse(
        "schools:pupil-account-create", kwargs={"school_slug": "oakbrook", "pupil_pk": 5}
    )
