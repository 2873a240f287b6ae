"""Photo figures for `make bench`: the peak memory of cleaning a mentor's upload.

Printed, never asserted. Run alone with `python -m peermentoring.dropin.photo_bench`
(no database: `photos.clean_photo` takes bytes), or from `peermentoring.bench`.

Each picture is written to a file first, then cleaned in a fresh Python process that reads
the file and calls `clean_photo` once; the figure is that process's peak resident memory
(Linux's `VmHWM`). Pillow allocates its pixels outside Python's allocator, so `tracemalloc`
would miss most of it; a fresh process per picture keeps one picture's peak from hiding
another's. "Above start" is the peak less the process's peak before cleaning (Python,
Django's exceptions, Pillow, and the file's bytes).

The pictures are the largest a mentor or coordinator could send, under the 8 MB limit:
JPEGs of gradients with smooth noise, as a phone's photo might be, and smooth PNGs (a
photo-like PNG that large would be far over 8 MB). The 40 megapixel PNGs show what the
PNG limit refuses, and how cheaply.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops

from peermentoring.dropin import photos

ORIENTATION = 0x0112
# 7,680 × 5,120 = 39.3 megapixels, just under the 40 megapixel limit; 8,333 × 4,799 is as
# large, but its short side, just under 8 × 600, lets a JPEG be decoded at only 1/4 size.
FORTY_MP = (7680, 5120)
FORTY_MP_LEAST_REDUCED = (8333, 4799)
PROJECT = Path(__file__).resolve().parents[2]


def _layers(size: tuple[int, int]) -> tuple[Image.Image, Image.Image, Image.Image]:
    """Three greys a photo's channels can be made of: across, down, and a blotchy one."""
    across = Image.linear_gradient("L").rotate(90).resize(size)
    down = Image.linear_gradient("L").resize(size)
    blotches = Image.effect_noise((size[0] // 4, size[1] // 4), 20).resize(size)
    return across, down, ImageChops.add(Image.radial_gradient("L").resize(size), blotches, 1, -128)


def _encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def phone_jpeg(size: tuple[int, int]) -> bytes:
    """A colour JPEG at quality 90 that a phone held sideways marks as turned (orientation 6)."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    return _encode(Image.merge("RGB", _layers(size)), "JPEG", quality=90, exif=exif)


def see_through_png(size: tuple[int, int]) -> bytes:
    """A colour PNG with transparency (RGBA), smooth enough for 40 megapixels to fit in 8 MB."""
    across, down, _ = _layers(size)
    round_ = Image.radial_gradient("L").resize(size)
    return _encode(Image.merge("RGBA", (across, down, round_, down)), "PNG")


def palette_png(size: tuple[int, int]) -> bytes:
    """A palette PNG (P) whose first colour is see-through, as drawing programs save them."""
    picture = Image.radial_gradient("L").resize(size)
    picture.putpalette([channel for i in range(256) for channel in (i, 255 - i, i // 2)])
    return _encode(picture, "PNG", transparency=0)


def _png_cap_size() -> tuple[int, int]:
    """The largest 3:2 picture the PNG limit takes."""
    height = int((photos.MAX_PNG_PIXELS * 2 / 3) ** 0.5)
    return (height * 3 // 2, height)


def cases() -> list[tuple[str, Callable[[tuple[int, int]], bytes], tuple[int, int]]]:
    """What is measured: each the largest of its kind a mentor could send."""
    at_cap = _png_cap_size()
    return [
        ("JPEG, turned by EXIF", phone_jpeg, FORTY_MP),
        ("JPEG, turned by EXIF", phone_jpeg, FORTY_MP_LEAST_REDUCED),
        ("PNG with transparency", see_through_png, FORTY_MP),
        ("PNG with transparency", see_through_png, at_cap),
        ("palette PNG", palette_png, FORTY_MP),
        ("palette PNG", palette_png, at_cap),
    ]


@dataclass(frozen=True)
class Figures:
    """One cleaning's figures, in MB and seconds."""

    before: float
    peak: float
    seconds: float
    outcome: str


def measure(path: str) -> Figures:
    """Clean the picture in `path` in a fresh process: its peak memory and the outcome."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and module, a file we wrote
        [sys.executable, "-m", "peermentoring.dropin.photo_bench", "--clean", path],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT,  # so the child imports this copy of the code, as `-m` does
    )
    return Figures(**json.loads(done.stdout))


def clean_one(path: str) -> None:
    """The child's half: read, clean, print the peaks (in MB) and the outcome as JSON."""
    from django.core.exceptions import ValidationError

    with open(path, "rb") as file:
        data = file.read()
    before = _peak_megabytes()
    started = time.perf_counter()
    try:
        clean = photos.clean_photo(data)
        outcome = f"kept {clean.width} × {clean.height}"
    except ValidationError as error:
        outcome = f"refused ({error.code})"
    seconds = time.perf_counter() - started
    peak = _peak_megabytes()
    print(json.dumps({"before": before, "peak": peak, "seconds": seconds, "outcome": outcome}))


def _peak_megabytes() -> float:
    """This process's peak resident memory since it started its program.

    Linux's `VmHWM`, not `ru_maxrss`: Linux carries `ru_maxrss` across `exec`, so a child
    would start with the parent's peak (the parent has just made a 40 megapixel picture).
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    print("\n== mentors' photos: peak memory of cleaning one upload (a fresh process each) ==")
    with tempfile.TemporaryDirectory(prefix="pm-photo-bench-") as folder:
        for label, make, size in cases():
            data = make(size)
            path = os.path.join(folder, "upload")
            with open(path, "wb") as file:
                file.write(data)
            del data
            figures = measure(path)
            megapixels = size[0] * size[1] / 1_000_000
            print(
                f"{label}, {size[0]:,} × {size[1]:,} ({megapixels:.1f} MP, "
                f"{os.path.getsize(path) / 2**20:.1f} MB): {figures.outcome} "
                f"in {figures.seconds:.2f} s, peak {figures.peak:.0f} MB "
                f"({figures.peak - figures.before:.0f} MB above start)"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--clean"]:
        clean_one(sys.argv[2])
    else:
        main()
