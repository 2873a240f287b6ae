"""Checking a mentor's photo and making the copy the notice board shows.

A file is accepted only if Pillow decodes it as a JPEG or a PNG: its name and the type the
browser claims are never trusted. It must be at most 8 MB, at most about 40 megapixels
(a small file can declare a huge picture that fills the memory when decoded: a
"decompression bomb"), or 16 for a PNG (which cannot be decoded at a reduced size, as a
JPEG is), a still picture, and whole. What is kept is a new JPEG, turned the right way up
(the camera's EXIF orientation applied), at most 600 px on its long side, made from the
pixels alone: no EXIF (no location, no camera, no date), no colour profile, no comment.
Every refusal says in plain words what to do.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
# A PNG is decoded whole (a JPEG at as little as an eighth of its size): 8 to 9 bytes a
# pixel with Pillow's copy for resizing with transparency, so 16 megapixels peaks at about
# 150 to 165 MB (`make bench`). That takes a phone's 12 megapixel photo saved as a PNG and a
# 5K screen's screenshot; a photo-like PNG over about 4 megapixels is over 8 MB anyway.
MAX_PNG_PIXELS = 16_000_000
MIN_SIDE = 100
LONG_SIDE = 600
JPEG_QUALITY = 85
# Phones' JPEGs with a depth map open as MPO: a JPEG with extra pictures after the first.
FORMATS = ("JPEG", "PNG")
ORIENTATION = 0x0112
# How to undo each EXIF orientation (as `ImageOps.exif_transpose`); 1 and others: as it is.
_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

TOO_BIG = (
    "That file is {size} MB. Upload a photo of 8 MB or less (a phone's usual photo is 2 to 5 MB)."
)
TOO_MANY_PIXELS = (
    "That picture is too large ({width} × {height} pixels). "
    "Upload one of at most 40 megapixels, such as a phone's photo."
)
PNG_TOO_LARGE = (
    "That PNG is too large ({width} × {height} pixels): a PNG can be at most 16 megapixels. "
    "Save the picture as a JPEG, or make it smaller, and upload it again."
)
NOT_A_PHOTO = (
    "That file is not a JPEG or PNG photo. Save or take the photo as a JPEG or PNG "
    "and upload it again."
)
DAMAGED = "That photo is damaged or cut short, so it cannot be read. Upload the photo again."
MOVING = "That picture moves (an animation). Upload a still photo."
TOO_SMALL = (
    "That picture is too small ({width} × {height} pixels) to show on the notice board. "
    "Upload one at least {least} pixels wide and high."
)
ODD_COLOURS = "The colours in that photo cannot be read. Save it as an ordinary JPEG and try again."
EMPTY = "That file is empty. Choose the photo again."


@dataclass(frozen=True)
class CleanPhoto:
    """The re-encoded photo: JPEG bytes and their size in pixels."""

    data: bytes
    width: int
    height: int


def read_upload(upload: IO[bytes], *, size: int | None = None) -> bytes:
    """The upload's bytes, refused before reading it all if it is over `MAX_BYTES`.

    `size` is what the upload says of itself; a file that says less than it holds is read
    to one byte past the limit and no further.
    """
    if size is not None and size > MAX_BYTES:
        raise ValidationError(TOO_BIG.format(size=_megabytes(size)), code="too_big")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(
            TOO_BIG.format(size=f"more than {MAX_BYTES // 2**20}"), code="too_big"
        )
    if not data:
        raise ValidationError(EMPTY, code="empty")
    return data


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f}".removesuffix(".0")


def clean_photo(data: bytes) -> CleanPhoto:
    """The photo the board shows, made from `data`, or a ValidationError saying why not."""
    if len(data) > MAX_BYTES:
        raise ValidationError(TOO_BIG.format(size=_megabytes(len(data))), code="too_big")
    with warnings.catch_warnings():
        # Pillow warns past its own pixel limit and refuses at twice it; either is a refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                _check_header(image)
                return _re_encode(image)
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(
                TOO_MANY_PIXELS.format(width="many thousands of", height="thousands of"),
                code="too_many_pixels",
            ) from None
        except UnidentifiedImageError:
            raise ValidationError(NOT_A_PHOTO, code="not_a_photo") from None
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
            # Pillow's ways of saying the data stopped short or does not add up.
            raise ValidationError(DAMAGED, code="damaged") from None


def _check_header(image: Image.Image) -> None:
    """What the file declares, refused before a single pixel is decoded."""
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ValidationError(
            TOO_MANY_PIXELS.format(width=f"{width:,}", height=f"{height:,}"),
            code="too_many_pixels",
        )
    if image.format == "PNG" and width * height > MAX_PNG_PIXELS:
        raise ValidationError(
            PNG_TOO_LARGE.format(width=f"{width:,}", height=f"{height:,}"), code="png_too_large"
        )
    if min(width, height) < MIN_SIDE:
        raise ValidationError(
            TOO_SMALL.format(width=width, height=height, least=MIN_SIDE), code="too_small"
        )
    # An animated PNG; a phone's MPO (a JPEG with a depth map) keeps its first picture.
    if image.format == "PNG" and getattr(image, "is_animated", False):
        raise ValidationError(MOVING, code="animated")


def _re_encode(image: Image.Image) -> CleanPhoto:
    """The photo made small first, then put into colours a browser shows and turned upright.

    Decoded whole and converted at full size, a 40 megapixel photo took 480 MB (a PNG with
    transparency 920 MB); every step after `thumbnail` works on at most 600 × 600 pixels.
    """
    # Read before decoding, applied to the small picture at the end. (A PNG may keep its
    # EXIF after its pixels, so for a PNG this decodes it, as resizing would anyway.)
    orientation = image.getexif().get(ORIENTATION)
    turn = _TURNS.get(orientation) if isinstance(orientation, int) else None
    # A JPEG is decoded at 1/2, 1/4 or 1/8 of its size, still at least 600 pixels on each
    # side. Nothing else can be: hence a PNG's own limit (`MAX_PNG_PIXELS`).
    image.draft("RGB", (LONG_SIDE, LONG_SIDE))
    image.load()  # a file cut short or damaged fails here
    try:
        image = _smoothly_resizable(image)
        # Pillow cannot first reduce 16-bit greys by whole steps: they are resized in one.
        gap = None if image.mode.startswith("I;16") else 2.0
        image.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS, reducing_gap=gap)
        rgb = _as_rgb(image)
    except ValueError:
        raise ValidationError(ODD_COLOURS, code="odd_colours") from None
    upright = rgb.transpose(turn) if turn is not None else rgb
    # A new picture holding only the pixels: nothing of the file's EXIF, profile or comments.
    bare = Image.new("RGB", upright.size)
    bare.paste(upright)
    out = io.BytesIO()
    bare.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return CleanPhoto(data=out.getvalue(), width=bare.width, height=bare.height)


def _smoothly_resizable(image: Image.Image) -> Image.Image:
    """Palette and black-and-white pictures in full colour or grey: Pillow would resize them
    by picking the nearest pixel (jagged), so these alone are converted at full size."""
    if image.mode == "P":
        return image.convert("RGBA" if image.has_transparency_data else "RGB")
    if image.mode == "1":
        return image.convert("L")
    return image


def _as_rgb(image: Image.Image) -> Image.Image:
    """Red, green and blue: see-through parts on white, CMYK and greys converted."""
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greys: scale to 8 bits before converting.
        return image.point(lambda v: v / 256).convert("L").convert("RGB")
    return image.convert("RGB")
