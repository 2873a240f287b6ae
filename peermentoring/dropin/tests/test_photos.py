"""Mentors' photos: only a real, whole, still JPEG or PNG of sensible size is taken, and what
is kept is a small JPEG with nothing of the file but its pixels (no location, no EXIF)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageDraw, ImageOps, JpegImagePlugin

from peermentoring.core.models import AuditEntry
from peermentoring.dropin import board_services, photos
from peermentoring.dropin.models import MentorPhoto
from peermentoring.dropin.tests.board_support import (
    noisy_jpeg,
    picture,
    png_declaring,
    trained_mentor,
)

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def refusal(data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        photos.clean_photo(data)
    return caught.value


def opened(clean: photos.CleanPhoto) -> Image.Image:
    image = Image.open(io.BytesIO(clean.data))
    assert image.format == "JPEG"
    return image


# --- Hostile files --------------------------------------------------------------------


def test_a_png_that_is_really_text_is_refused_as_not_a_photo():
    error = refusal(b"Dear Sir, this is not a picture at all.\n" * 20)

    assert error.messages == [photos.NOT_A_PHOTO]


def test_a_jpeg_cut_short_is_refused_as_damaged():
    whole = noisy_jpeg()
    photos.clean_photo(whole)  # the whole file is fine

    error = refusal(whole[: len(whole) // 2])

    assert error.messages == [photos.DAMAGED]


def test_a_gif_is_refused_though_pillow_reads_it():
    gif = picture((1, 1), fmt="GIF", mode="P", colour=0)
    assert Image.open(io.BytesIO(gif)).format == "GIF"

    assert refusal(gif).messages == [photos.NOT_A_PHOTO]


def test_a_small_png_declaring_fifty_thousand_pixels_square_is_refused_before_decoding():
    bomb = png_declaring(50_000, 50_000)
    assert len(bomb) < 1000

    error = refusal(bomb)

    assert error.code == "too_many_pixels"
    assert "too large" in error.messages[0]


def test_a_picture_over_forty_megapixels_but_under_pillows_own_limit_is_refused():
    # 7,000 × 6,000 = 42 megapixels: Pillow itself would decode it (its limit is ~89).
    assert Image.MAX_IMAGE_PIXELS > 7000 * 6000

    error = refusal(png_declaring(7000, 6000))

    assert error.messages == [photos.TOO_MANY_PIXELS.format(width="7,000", height="6,000")]


def test_a_png_over_sixteen_megapixels_is_refused_before_decoding_with_what_to_do():
    # 5,000 × 4,000 = 20 megapixels: under the 40 for a JPEG, over the 16 for a PNG. The
    # file holds too few pixels for that size: decoding it would have said "damaged".
    error = refusal(png_declaring(5000, 4000))

    assert error.code == "png_too_large"
    assert error.messages == [photos.PNG_TOO_LARGE.format(width="5,000", height="4,000")]
    assert "Save the picture as a JPEG, or make it smaller" in error.messages[0]


def test_a_file_of_nine_megabytes_is_refused_without_being_read():
    class Unread(io.BytesIO):
        def read(self, *args):
            raise AssertionError("read a file already known to be too big")

    nine = 9 * 1024 * 1024

    with pytest.raises(ValidationError) as caught:
        photos.read_upload(Unread(), size=nine)

    assert caught.value.messages == [photos.TOO_BIG.format(size="9")]


def test_a_file_that_says_it_is_small_is_read_only_one_byte_past_the_limit():
    class Counting(io.BytesIO):
        taken = 0

        def read(self, n=-1):
            data = super().read(n)
            Counting.taken += len(data)
            return data

    liar = Counting(b"\xff" * (9 * 1024 * 1024))

    with pytest.raises(ValidationError) as caught:
        photos.read_upload(liar, size=1000)

    assert caught.value.code == "too_big"
    assert Counting.taken == photos.MAX_BYTES + 1


def test_a_file_of_nine_megabytes_is_refused_by_clean_photo_too():
    assert refusal(b"\xff\xd8" + b"\0" * (9 * 1024 * 1024)).code == "too_big"


def test_an_animated_png_is_refused():
    frames = [Image.new("RGB", (200, 200), c) for c in ((255, 0, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, format="PNG", save_all=True, append_images=frames[1:])

    assert refusal(out.getvalue()).messages == [photos.MOVING]


def test_a_tiny_picture_is_refused_as_too_small_for_the_board():
    assert refusal(picture((40, 40), fmt="PNG")).code == "too_small"


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as caught:
        photos.read_upload(io.BytesIO(b""), size=0)

    assert caught.value.messages == [photos.EMPTY]


# --- What is kept ----------------------------------------------------------------------


def jpeg_with_exif(orientation: int | None = None, size=(800, 400)) -> bytes:
    """A JPEG from a 'phone': GPS location, camera make, and optionally an orientation."""
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (size[0] // 2, 0, size[0], size[1]))  # right half blue
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"Kwame, 10B, home address")
    return out.getvalue()


def test_exif_location_in_the_upload_is_gone_from_what_is_kept():
    data = jpeg_with_exif()
    source = Image.open(io.BytesIO(data)).getexif()
    assert source.get_ifd(GPS_IFD)  # the test file really carries a location

    kept = opened(photos.clean_photo(data))

    assert len(kept.getexif()) == 0
    assert not kept.getexif().get_ifd(GPS_IFD)
    assert "exif" not in kept.info
    assert "comment" not in kept.info
    assert "icc_profile" not in kept.info


def test_the_exif_orientation_is_applied_before_it_is_removed():
    # Orientation 6: the camera was turned; the picture is shown turned 90° clockwise.
    data = jpeg_with_exif(orientation=6, size=(800, 400))

    clean = photos.clean_photo(data)
    kept = opened(clean)

    assert (clean.width, clean.height) == (300, 600)  # now tall, not wide
    assert kept.size == (300, 600)
    # Turned clockwise, the left (red) half is at the top and the blue half below.
    red, _, blue = kept.getpixel((150, 100))
    assert red > 200 and blue < 60
    red, _, blue = kept.getpixel((150, 500))
    assert blue > 200 and red < 60
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    assert expected.size == (400, 800)


def quarters(size: tuple[int, int], orientation: int | None = None) -> bytes:
    """A JPEG in four colours, one to each quarter, optionally with an EXIF orientation."""
    width, height = size
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 160, 0), (width // 2, 0, width, height // 2))
    image.paste((0, 0, 255), (0, height // 2, width // 2, height))
    image.paste((255, 255, 255), (width // 2, height // 2, width, height))
    exif = Image.Exif()
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95, exif=exif)
    return out.getvalue()


def quarter_colours(image: Image.Image) -> list[tuple[int, ...]]:
    """The colour at the middle of each quarter: top left, top right, bottom left, bottom right."""
    width, height = image.size
    return [image.getpixel((width * x // 4, height * y // 4)) for y in (1, 3) for x in (1, 3)]


def near(got: tuple[int, ...], wanted: tuple[int, ...], by: int = 16) -> bool:
    return all(abs(a - b) <= by for a, b in zip(got, wanted, strict=True))


@pytest.fixture
def decoded_sizes(monkeypatch) -> list[tuple[int, int]]:
    """The size of each JPEG as it is decoded (or loaded again, already decoded)."""
    sizes: list[tuple[int, int]] = []
    load = JpegImagePlugin.JpegImageFile.load

    def recording(self):
        sizes.append(self.size)
        return load(self)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", recording)
    return sizes


def test_a_big_phone_photo_is_decoded_at_a_quarter_of_its_size_and_still_turned(decoded_sizes):
    # 20 megapixels (too many for a PNG), from a phone held sideways (orientation 6).
    clean = photos.clean_photo(quarters((5000, 4000), orientation=6))

    assert (clean.width, clean.height) == (480, 600)
    assert decoded_sizes
    for width, height in decoded_sizes:
        assert width <= 5000 // 4 and height <= 4000 // 4  # 5 MB of pixels, not 80 MB
    # Turned clockwise: the bottom-left (blue) quarter is now at the top left.
    blue, red, white, green = quarter_colours(opened(clean))
    assert near(blue, (0, 0, 255)) and near(red, (255, 0, 0))
    assert near(white, (255, 255, 255)) and near(green, (0, 160, 0))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_applied_to_a_photo_decoded_at_a_reduced_size(orientation):
    data = quarters((2400, 1600), orientation)
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    expected.thumbnail((photos.LONG_SIDE, photos.LONG_SIDE))

    kept = opened(photos.clean_photo(data))

    assert kept.size == expected.size
    for got, wanted in zip(quarter_colours(kept), quarter_colours(expected), strict=True):
        assert near(got, wanted)


def two_halves(mode: str, fmt: str, left: object, right: object, save: dict | None = None) -> bytes:
    """A 2,400 × 1,600 picture in `mode`: its left half `left`; its right half `right`, or,
    for a pair of colours, stripes of them one pixel wide (grey when resized smoothly)."""
    image = Image.new(mode, (2400, 1600), left)
    if mode == "P":
        image.putpalette([0, 0, 255, 255, 0, 0, 0, 0, 0, 255, 255, 255])
    if isinstance(right, list):
        draw = ImageDraw.Draw(image)
        for x in range(1200, 2400):
            draw.line([(x, 0), (x, 1599)], fill=right[x % 2])
    else:
        image.paste(right, (1200, 0, 2400, 1600))
    out = io.BytesIO()
    image.save(out, format=fmt, **(save or {}))
    return out.getvalue()


WHITE, GREY = (255, 255, 255), (128, 128, 128)


@pytest.mark.parametrize(
    ("halves", "left", "right"),
    [
        pytest.param(
            ("RGBA", "PNG", (0, 0, 255, 0), (0, 0, 255, 255)),
            WHITE,
            (0, 0, 255),
            id="RGBA: see-through on white",
        ),
        pytest.param(
            ("P", "PNG", 0, [2, 3], {"transparency": 0}),
            WHITE,
            GREY,
            id="P with a see-through colour: on white, stripes smoothed",
        ),
        pytest.param(("P", "PNG", 0, 1), (0, 0, 255), (255, 0, 0), id="P: its palette's colours"),
        pytest.param(
            ("LA", "PNG", (0, 0), (60, 255)),
            WHITE,
            (60, 60, 60),
            id="LA: see-through grey on white",
        ),
        pytest.param(("I;16", "PNG", 32768, 65535), GREY, WHITE, id="I;16: 16-bit greys"),
        pytest.param(("1", "PNG", 0, [0, 1]), (0, 0, 0), GREY, id="1: stripes smoothed"),
        pytest.param(("L", "PNG", 100, 200), (100,) * 3, (200,) * 3, id="L PNG"),
        pytest.param(("L", "JPEG", 100, 200), (100,) * 3, (200,) * 3, id="L JPEG"),
        pytest.param(
            ("CMYK", "JPEG", (0, 255, 255, 0), (255, 255, 0, 0)),
            (255, 0, 0),
            (0, 0, 255),
            id="CMYK JPEG",
        ),
    ],
)
def test_each_kind_of_picture_becomes_an_rgb_jpeg_of_the_right_size_and_colours(
    halves, left, right
):
    clean = photos.clean_photo(two_halves(*halves))

    kept = opened(clean)
    assert kept.mode == "RGB"
    assert (clean.width, clean.height) == kept.size == (600, 400)
    assert near(kept.getpixel((150, 200)), left, by=20)
    assert near(kept.getpixel((450, 200)), right, by=20)


def test_what_is_kept_is_a_jpeg_at_most_600_pixels_on_its_long_side():
    clean = photos.clean_photo(picture((3000, 2000), fmt="PNG"))

    assert (clean.width, clean.height) == (600, 400)
    assert opened(clean).mode == "RGB"


def test_a_small_photo_is_not_made_larger():
    clean = photos.clean_photo(picture((300, 200)))

    assert (clean.width, clean.height) == (300, 200)


def test_a_cmyk_jpeg_is_converted_to_colours_a_browser_shows():
    clean = photos.clean_photo(picture((400, 400), mode="CMYK", colour=(0, 255, 255, 0)))

    kept = opened(clean)
    assert kept.mode == "RGB"
    red, green, blue = kept.getpixel((10, 10))
    assert red > 200 and green < 60 and blue < 60


def test_a_see_through_png_is_put_on_white():
    clean = photos.clean_photo(picture((300, 300), fmt="PNG", mode="RGBA", colour=(0, 0, 0, 0)))

    assert min(opened(clean).getpixel((10, 10))) > 245


def test_a_png_named_jpg_is_taken_for_what_it_is():
    upload = SimpleUploadedFile("photo.jpg", picture((300, 300), fmt="PNG"), "image/gif")

    clean = photos.clean_photo(photos.read_upload(upload, size=upload.size))

    assert opened(clean).size == (300, 300)


# --- Consent and uploads (services) --------------------------------------------------------


def jpeg_upload(data: bytes | None = None, name: str = "kwame.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data or noisy_jpeg(), "image/jpeg")


def test_a_photo_is_refused_until_consent_is_recorded(school, coordinator):
    mentor = trained_mentor(school)
    upload = jpeg_upload()

    with pytest.raises(ValidationError) as caught:
        board_services.upload_photo(mentor=mentor, upload=upload, size=upload.size, by=coordinator)

    assert caught.value.messages == [board_services.NO_CONSENT.format(name="Kwame")]
    assert not MentorPhoto.objects.filter(image__isnull=False).exists()


def test_withdrawing_consent_deletes_the_photo(school, coordinator):
    mentor = trained_mentor(school)
    board_services.record_photo_consent(mentor=mentor, by=coordinator)
    upload = jpeg_upload()
    board_services.upload_photo(mentor=mentor, upload=upload, size=upload.size, by=coordinator)
    assert MentorPhoto.objects.get(mentor=mentor).shows

    board_services.withdraw_photo_consent(mentor=mentor, by=coordinator)

    row = MentorPhoto.objects.get(mentor=mentor)
    assert row.image is None and row.width is None and not row.has_consent
    entry = AuditEntry.objects.get(action="dropin.photo_consent_withdrawn")
    assert entry.changes == {"photo_deleted": True}
    assert entry.school == school


def test_recording_consent_twice_writes_one_audit_entry(school, coordinator):
    mentor = trained_mentor(school)

    board_services.record_photo_consent(mentor=mentor, by=coordinator)
    board_services.record_photo_consent(mentor=mentor, by=coordinator)

    assert AuditEntry.objects.filter(action="dropin.photo_consent_recorded").count() == 1


def test_an_upload_keeps_the_clean_copy_and_audits_without_the_bytes(school, school_admin):
    mentor = trained_mentor(school)
    board_services.record_photo_consent(mentor=mentor, by=school_admin)
    upload = jpeg_upload(jpeg_with_exif(size=(1200, 900)))

    board_services.upload_photo(mentor=mentor, upload=upload, size=upload.size, by=school_admin)

    row = MentorPhoto.objects.get(mentor=mentor)
    assert (row.width, row.height) == (600, 450)
    assert b"PhoneMaker" not in bytes(row.image)
    assert row.uploaded_by == school_admin
    entry = AuditEntry.objects.get(action="dropin.photo_uploaded")
    assert entry.changes == {"width": 600, "height": 450, "replaced": False}


def test_removing_the_photo_keeps_the_consent(school, coordinator):
    mentor = trained_mentor(school)
    board_services.record_photo_consent(mentor=mentor, by=coordinator)
    upload = jpeg_upload()
    board_services.upload_photo(mentor=mentor, upload=upload, size=upload.size, by=coordinator)

    board_services.remove_photo(mentor=mentor, by=coordinator)

    row = MentorPhoto.objects.get(mentor=mentor)
    assert row.has_consent and not row.image and not row.shows


# --- Through the page ------------------------------------------------------------------------


def test_the_page_refuses_a_text_file_named_png_in_plain_words(school, coordinator, client_for):
    mentor = trained_mentor(school)
    board_services.record_photo_consent(mentor=mentor, by=coordinator)
    url = reverse("dropin:photo-edit", args=[school.slug, mentor.pk])
    fake = SimpleUploadedFile("kwame.png", b"not a picture " * 100, "image/png")

    response = client_for(coordinator).post(url, {"action": "upload", "photo": fake})

    assert response.status_code == 400
    assert photos.NOT_A_PHOTO.replace("'", "&#x27;") in response.text
    assert not MentorPhoto.objects.get(mentor=mentor).image


def test_the_page_refuses_a_nine_megabyte_file(school, coordinator, client_for):
    mentor = trained_mentor(school)
    board_services.record_photo_consent(mentor=mentor, by=coordinator)
    url = reverse("dropin:photo-edit", args=[school.slug, mentor.pk])
    big = SimpleUploadedFile("big.jpg", b"\xff" * (9 * 1024 * 1024), "image/jpeg")

    response = client_for(coordinator).post(url, {"action": "upload", "photo": big})

    assert response.status_code == 400
    assert "That file is 9 MB" in response.text


def test_the_page_uploads_a_photo_and_shows_it(school, coordinator, client_for):
    mentor = trained_mentor(school)
    board_services.record_photo_consent(mentor=mentor, by=coordinator)
    client = client_for(coordinator)
    url = reverse("dropin:photo-edit", args=[school.slug, mentor.pk])

    response = client.post(url, {"action": "upload", "photo": jpeg_upload()}, follow=True)

    assert "Photo of Kwame saved." in response.text
    image = client.get(reverse("dropin:photo", args=[school.slug, mentor.pk]))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert "private" in image["Cache-Control"]
    assert Image.open(io.BytesIO(image.content)).format == "JPEG"


def test_withdrawing_through_the_page_asks_once_then_deletes(school, coordinator, client_for):
    mentor = trained_mentor(school)
    board_services.record_photo_consent(mentor=mentor, by=coordinator)
    upload = jpeg_upload()
    board_services.upload_photo(mentor=mentor, upload=upload, size=upload.size, by=coordinator)
    client = client_for(coordinator)
    url = reverse("dropin:photo-edit", args=[school.slug, mentor.pk])

    asked = client.post(url, {"action": "withdraw"})
    assert "Withdraw photo consent for Kwame?" in asked.text
    assert MentorPhoto.objects.get(mentor=mentor).shows

    client.post(url, {"action": "withdraw", "confirmed": "yes"})

    assert not MentorPhoto.objects.get(mentor=mentor).image
    assert client.get(reverse("dropin:photo", args=[school.slug, mentor.pk])).status_code == 404
