"""The QR code on the printed board, its posters and the corridor screen: it opens the
school's "tell us" form (`outreach:tell-us`), where a pupil signs in and reports bullying.

Drawn on the server as SVG (the `qrcode` package, which django-allauth's second factor
already brings) and put in the page itself: no picture to fetch, nothing for the CSP to
refuse, sharp at any size on paper. The address is the site's own (`SITE_URL`), never the
Host header of the request that drew it, so a printed code always leads to the school.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import qrcode  # type: ignore[import-untyped]
import qrcode.constants  # type: ignore[import-untyped]
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from qrcode.image.svg import SvgPathImage  # type: ignore[import-untyped]

from peermentoring.schools.models import School


def tell_us_url(school: School) -> str:
    """The full address of the school's "tell us" form."""
    return f"{settings.SITE_URL}{reverse('outreach:tell-us', kwargs={'school_slug': school.slug})}"


def qr_svg(text: str, *, label: str) -> SafeString:
    """`text` as a QR code in SVG markup, sized by CSS (class "qr"), named `label` for a
    screen reader. Medium error correction: a poster may be scuffed or pinned at a corner."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
        image_factory=SvgPathImage,
    )
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image()
    root: ET.Element = image.get_image()
    for size in ("width", "height"):
        root.attrib.pop(size, None)
    root.set("class", "qr")
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("focusable", "false")
    for path in root.iter("path"):
        path.attrib.pop("id", None)  # two codes on one page must not share an id
    markup = ET.tostring(root, encoding="unicode")
    return mark_safe(markup)  # noqa: S308 - made here from the code's own elements


def tell_us_qr(school: School) -> SafeString:
    """The QR code of the school's "tell us" form."""
    return qr_svg(tell_us_url(school), label="QR code: tell us about bullying")
