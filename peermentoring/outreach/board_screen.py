"""The bullying board on the corridor screen: each item on the board is a slide, shown in
turn with the drop-in's notice board (dropin/screen_slides.py), with the QR code of the
"tell us" form. A poster's picture is fetched through the same screen link."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.urls import reverse

from peermentoring.dropin.screen_slides import ScreenRequest, ScreenSlide
from peermentoring.outreach.board_qr import tell_us_qr
from peermentoring.outreach.models import BoardItem

QR_CAPTION = "Scan to tell us about bullying"
KICKERS: dict[str, str] = {BoardItem.Kind.HELP: "Where to get help"}
KICKER = "Anti-bullying"


def with_picture_flag(items: QuerySet[BoardItem]) -> QuerySet[BoardItem]:
    """Items without their picture's bytes, each with `has_picture`."""
    return items.defer("image").annotate(
        has_picture=ExpressionWrapper(Q(image__isnull=False), output_field=BooleanField())
    )


def has_picture(item: BoardItem) -> bool:
    """Whether an item read through `with_picture_flag` has a picture."""
    return bool(getattr(item, "has_picture", False))


def picture_version(item: BoardItem) -> str:
    """Changes whenever the item does, so a screen never shows a replaced picture."""
    return f"{item.changed_at:%Y%m%d%H%M%S%f}"


def slides(screen: ScreenRequest) -> list[ScreenSlide]:
    """The items on the board, in the board's order: one query, and the QR code once."""
    items = list(
        with_picture_flag(
            BoardItem.objects.for_school(screen.school).filter(is_published=True)
        ).order_by("position", "pk")
    )
    if not items:
        return []
    qr = tell_us_qr(screen.school)
    made = []
    for item in items:
        picture_url = ""
        if has_picture(item):
            url = reverse(
                "outreach:screen-picture", args=[screen.school.slug, screen.token, item.pk]
            )
            picture_url = f"{url}?v={picture_version(item)}"
        made.append(
            ScreenSlide(
                title=item.title,
                text=item.body,
                kicker=KICKERS.get(item.kind, KICKER),
                picture_url=picture_url,
                picture_alt=f"Poster: {item.title}" if picture_url else "",
                qr_svg=qr,
                qr_caption=QR_CAPTION,
            )
        )
    return made
