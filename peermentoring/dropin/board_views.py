"""The notice board's pages: the printable board, mentors' photos, screen links and
calendar links, and the three addresses that need no sign-in (a corridor screen, its
photos, a calendar feed).

Staff see the board; the coordinator and the school admin (the office uploads photos)
manage photos, screens and room calendars; a mentor makes their own calendar link. Rows
are loaded through `for_school`, so another school's id, in the URL or in a form, is a 404.

The addresses without sign-in are found by their token alone, within the school in the
URL: an unknown or stopped token, or another school's, is the same 404. They show the
board or the duties and nothing more, set no cookie, and tell browsers to send no
referrer and search engines to keep out.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from peermentoring.core.roles import SETUP_ROLES, STAFF_ROLES, Role
from peermentoring.dropin import board, board_services, ical
from peermentoring.dropin.board_forms import PhotoForm, ScreenLinkForm
from peermentoring.dropin.models import CalendarFeed, MentorPhoto, Room, ScreenLink
from peermentoring.dropin.schedule import rooms_for
from peermentoring.dropin.screen_slides import ScreenRequest, screen_slides
from peermentoring.mentors.models import Mentor
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import AcademicYear, School

PAPERS = {"a4": "A4", "a3": "A3"}
# The corridor screen reads the board again every ten minutes.
SCREEN_REFRESH_SECONDS = 600


def _board_context(
    board_: board.Board, photo_url: Callable[[board.BoardMentor], str]
) -> dict[str, Any]:
    return {
        "board": board_,
        "cards": [(m, photo_url(m) if m.shows_photo else "") for m in board_.mentors],
    }


@require_GET
@school_role_required(*STAFF_ROLES)
def board_page(request: SchoolRequest) -> HttpResponse:
    """The notice board to print, on A4 or A3 landscape (?paper=a3)."""
    school = request.school
    paper = request.GET.get("paper", "a4")
    paper = paper if paper in PAPERS else "a4"
    board_ = board.board_for(school, board.today())

    def photo_url(m: board.BoardMentor) -> str:
        url = reverse("dropin:photo", args=[school.slug, m.mentor_id])
        return f"{url}?v={m.photo_version}"

    context = _board_context(board_, photo_url) | {
        "paper": paper,
        "papers": PAPERS,
        "can_manage": request.membership.role in SETUP_ROLES,
    }
    return render(request, "dropin/board_print.html", context)


# --- Mentors' photos ------------------------------------------------------------------


def _this_years_mentors(school: School) -> list[Mentor]:
    year = AcademicYear.objects.for_school(school).containing(board.today()).first()
    if year is None:
        return []
    return list(
        Mentor.objects.for_school(school)
        .for_year(year)
        .select_related("pupil", "photo")
        .defer("photo__image")
        .annotate(
            has_image=ExpressionWrapper(Q(photo__image__isnull=False), output_field=BooleanField())
        )
    )


@require_GET
@school_role_required(*SETUP_ROLES)
def photo_list(request: SchoolRequest) -> HttpResponse:
    """This year's mentors: whether their photo consent is recorded, their photo."""
    return render(
        request, "dropin/board_photos.html", {"mentors": _this_years_mentors(request.school)}
    )


def _photo_of(mentor: Mentor) -> MentorPhoto | None:
    return MentorPhoto.objects.filter(mentor=mentor).defer("image").first()


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def photo_edit(request: SchoolRequest, mentor_pk: int) -> HttpResponse:
    """One mentor: record or withdraw photo consent; upload, replace or remove the photo."""
    school = request.school
    mentor = get_object_or_404(
        Mentor.objects.for_school(school).select_related("pupil"), pk=mentor_pk
    )
    form = PhotoForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("withdraw", "remove") and request.POST.get("confirmed") != "yes":
            return _confirm(request, mentor, action)
        if action == "upload":
            form = PhotoForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["photo"]
                try:
                    board_services.upload_photo(
                        mentor=mentor, upload=upload, size=upload.size, by=request.user
                    )
                except ValidationError as error:
                    form.add_error("photo", error)
                else:
                    messages.success(request, f"Photo of {mentor.pupil.first_name} saved.")
                    return redirect("dropin:photo-edit", school.slug, mentor.pk)
        elif action in PHOTO_ACTIONS:
            done, said = PHOTO_ACTIONS[action]
            done(mentor=mentor, by=request.user)
            messages.success(request, said.format(name=mentor.pupil.first_name))
            return redirect("dropin:photo-edit", school.slug, mentor.pk)
        else:
            messages.error(request, "Choose what to do with the photo.")
            return redirect("dropin:photo-edit", school.slug, mentor.pk)
    photo = _photo_of(mentor)
    context = {
        "mentor": mentor,
        "photo": photo,
        "form": form,
        "photo_url": reverse("dropin:photo", args=[school.slug, mentor.pk])
        + (f"?v={photo.uploaded_at:%Y%m%d%H%M%S}" if photo and photo.uploaded_at else ""),
    }
    return render(
        request, "dropin/board_photo_edit.html", context, status=400 if form.errors else 200
    )


PHOTO_ACTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "consent": (board_services.record_photo_consent, "Photo consent for {name} recorded."),
    "withdraw": (
        board_services.withdraw_photo_consent,
        "Photo consent for {name} withdrawn; their photo is deleted.",
    ),
    "remove": (board_services.remove_photo, "Photo of {name} removed."),
}


def _confirm(request: SchoolRequest, mentor: Mentor, action: str) -> HttpResponse:
    name = mentor.pupil.first_name
    if action == "withdraw":
        title = f"Withdraw photo consent for {name}?"
        message = f"{name}'s photo is deleted at once; the board and screens show their initial."
        button = "Withdraw consent and delete the photo"
    else:
        title = f"Remove {name}'s photo?"
        message = "The photo is deleted; the consent stays recorded, so a new one can be uploaded."
        button = "Remove the photo"
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "message": message,
            "button": button,
            "hidden": {"action": action, "confirmed": "yes"},
            "cancel_url": reverse("dropin:photo-edit", args=[request.school.slug, mentor.pk]),
            "danger": True,
        },
    )


def _image_response(photo: MentorPhoto | None) -> HttpResponse:
    if photo is None or not photo.shows:
        raise Http404("No photo")
    response = HttpResponse(bytes(photo.image or b""), content_type="image/jpeg")
    response["Content-Disposition"] = 'inline; filename="photo.jpg"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, private=True, max_age=3600)
    return response


@require_GET
@school_role_required(*STAFF_ROLES)
def photo_image(request: SchoolRequest, mentor_pk: int) -> HttpResponse:
    """A mentor's photo, for the school's staff: only while consent is recorded."""
    mentor = get_object_or_404(Mentor.objects.for_school(request.school), pk=mentor_pk)
    return _image_response(MentorPhoto.objects.filter(mentor=mentor).first())


# --- Screens and calendars (staff) ------------------------------------------------------


def _made_page(request: HttpRequest, made: board_services.MadeLink, **context: Any) -> HttpResponse:
    """The new address, shown this once."""
    return render(request, "dropin/board_link_made.html", {"made": made, **context})


def _feed_urls(request: HttpRequest, school: School, token: str) -> dict[str, str]:
    https = request.build_absolute_uri(reverse("dropin:feed", args=[school.slug, token]))
    return {"https_url": https, "webcal_url": "webcal://" + https.split("://", 1)[1]}


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def screens(request: SchoolRequest) -> HttpResponse:
    """Links for corridor screens, the rooms' calendars, and every mentor's calendar link."""
    school = request.school
    form = ScreenLinkForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "make-screen":
            form = ScreenLinkForm(request.POST)
            if form.is_valid():
                try:
                    made = board_services.create_screen_link(
                        school=school, label=form.cleaned_data["label"], by=request.user
                    )
                except ValidationError as error:
                    form.add_error("label", error)
                else:
                    url = reverse("dropin:screen", args=[school.slug, made.token])
                    return _made_page(
                        request, made, link_for="screen", screen_url=request.build_absolute_uri(url)
                    )
        elif action == "make-room-feed":
            room = get_object_or_404(
                Room.objects.for_school(school), pk=_pk(request.POST.get("room"))
            )
            try:
                made = board_services.create_calendar_feed(
                    school=school, room=room, by=request.user
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
                return redirect("dropin:screens", school.slug)
            return _made_page(
                request, made, link_for="room", room=room, **_feed_urls(request, school, made.token)
            )
        elif action in ("revoke-screen", "revoke-feed"):
            return _revoke(request, action)
        else:
            messages.error(request, "Choose what to do.")
            return redirect("dropin:screens", school.slug)
    return render(
        request,
        "dropin/board_screens.html",
        _screens_context(school, form),
        status=400 if form.errors else 200,
    )


def _pk(raw: str | None) -> int:
    """A row's id from a form: anything that is not a plausible id is a 404."""
    if not raw or not raw.isdecimal() or len(raw) > 18:
        raise Http404("No such row")
    return int(raw)


def _revoke(request: SchoolRequest, action: str) -> HttpResponse:
    school = request.school
    row: ScreenLink | CalendarFeed
    if action == "revoke-screen":
        row = get_object_or_404(
            ScreenLink.objects.filter(school=school).live(), pk=_pk(request.POST.get("link"))
        )
        what = f"the screen link for {row.label}"
        field, after = "link", "That screen shows a 'not found' page until it gets a new link."
    else:
        row = get_object_or_404(
            CalendarFeed.objects.filter(school=school)
            .live()
            .select_related("mentor__pupil", "room"),
            pk=_pk(request.POST.get("feed")),
        )
        what = f"the calendar link for {_feed_owner(row)}"
        field, after = "feed", "Calendars subscribed to it stop getting duties."
    if request.POST.get("confirmed") != "yes":
        return render(
            request,
            "core/confirm.html",
            {
                "title": f"Stop {what}?",
                "message": f"The link stops working at once. {after}",
                "button": "Stop the link",
                "hidden": {"action": action, field: row.pk, "confirmed": "yes"},
                "cancel_url": reverse("dropin:screens", args=[school.slug]),
                "danger": True,
            },
        )
    if isinstance(row, ScreenLink):
        board_services.revoke_screen_link(link=row, by=request.user)
    else:
        board_services.revoke_calendar_feed(feed=row, by=request.user)
    messages.success(request, f"Stopped {what}.")
    return redirect("dropin:screens", school.slug)


def _feed_owner(feed: CalendarFeed) -> str:
    if feed.mentor is not None:
        return feed.mentor.pupil.full_name
    return str(feed.room)


def _screens_context(school: School, form: ScreenLinkForm) -> dict[str, Any]:
    feeds = list(
        CalendarFeed.objects.filter(school=school)
        .live()
        .select_related("mentor__pupil", "room", "created_by")
        .order_by("-created_at")
    )
    room_feeds = {f.room_id: f for f in feeds if f.room_id is not None}
    return {
        "form": form,
        "links": list(ScreenLink.objects.filter(school=school).live().select_related("created_by")),
        "rooms": [(room, room_feeds.get(room.pk)) for room in rooms_for(school)],
        "mentor_feeds": sorted(
            (f for f in feeds if f.mentor is not None),
            key=lambda f: f.mentor.pupil.full_name if f.mentor else "",
        ),
    }


# --- A mentor's own calendar link ------------------------------------------------------


def _own_mentor(request: SchoolRequest) -> Mentor | None:
    """The signed-in mentor's latest mentor record in this school."""
    return (
        Mentor.objects.for_school(request.school)
        .filter(pupil=request.membership.pupil_id or 0)
        .select_related("pupil")
        .order_by("-academic_year__starts_on")
        .first()
    )


@require_http_methods(["GET", "POST"])
@school_role_required(Role.MENTOR)
def my_calendar(request: SchoolRequest) -> HttpResponse:
    """Put my duties in my phone's calendar: make a link, make a new one, or stop it."""
    school = request.school
    mentor = _own_mentor(request)
    if request.method == "POST":
        if mentor is None:
            raise Http404("Not a mentor here")
        action = request.POST.get("action", "")
        if action == "make":
            try:
                made = board_services.create_calendar_feed(
                    school=school, mentor=mentor, by=request.user
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
                return redirect("dropin:my-calendar", school.slug)
            return _made_page(
                request, made, link_for="mentor", **_feed_urls(request, school, made.token)
            )
        if action == "stop":
            feed = CalendarFeed.objects.filter(school=school, mentor=mentor).live().first()
            if feed is not None and request.POST.get("confirmed") != "yes":
                return render(
                    request,
                    "core/confirm.html",
                    {
                        "title": "Stop your calendar link?",
                        "message": "Your duties leave the calendar it is in. You can make a "
                        "new link at any time.",
                        "button": "Stop the link",
                        "hidden": {"action": "stop", "confirmed": "yes"},
                        "cancel_url": reverse("dropin:my-calendar", args=[school.slug]),
                        "danger": True,
                    },
                )
            if feed is not None:
                board_services.revoke_calendar_feeds(school=school, mentor=mentor, by=request.user)
            messages.success(request, "Your calendar link is stopped.")
        else:
            messages.error(request, "Choose what to do.")
        return redirect("dropin:my-calendar", school.slug)
    feed = (
        CalendarFeed.objects.filter(school=school, mentor=mentor).live().first()
        if mentor is not None
        else None
    )
    return render(request, "dropin/board_my_calendar.html", {"mentor": mentor, "feed": feed})


# --- Without sign-in: the corridor screen and calendar feeds ----------------------------


def public_link(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page opened by a secret link: no referrer sent on, kept out of search engines, and
    out of every cache unless it says otherwise (a photo, kept by the screen's browser)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            # Not the site's 404 page: that one is for signed-in people, with a menu and a
            # form token (a cookie). A stopped screen link shows this until it is replaced.
            response = render(request, "dropin/board_link_gone.html", status=404)
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapper


def _school(slug: str) -> School:
    school = School.objects.filter(slug=slug).first()
    if school is None:
        raise Http404("No such school")
    return school


def _screen_link(school_slug: str, token: str) -> ScreenLink:
    school = _school(school_slug)
    link = board_services.live_screen_link(school, token)
    if link is None:
        raise Http404("No such screen link")
    link.school = school
    return link


@require_safe
@public_link
def screen(request: HttpRequest, school_slug: str, token: str) -> HttpResponse:
    """The notice board on a corridor screen: large, and read again every ten minutes."""
    link = _screen_link(school_slug, token)
    board_services.note_screen_used(link)
    school = link.school
    on = board.today()
    board_ = board.board_for(school, on, with_today=True)

    def photo_url(m: board.BoardMentor) -> str:
        url = reverse("dropin:screen-photo", args=[school.slug, token, m.mentor_id])
        return f"{url}?v={m.photo_version}"

    context = _board_context(board_, photo_url) | {
        "school": school,
        "today": on,
        "refresh": SCREEN_REFRESH_SECONDS,
        # Other apps' slides (the bullying board), shown in turn with the board.
        "slides": screen_slides(ScreenRequest(school=school, token=token)),
    }
    return render(request, "dropin/board_screen.html", context)


@require_safe
@public_link
def screen_photo(
    request: HttpRequest, school_slug: str, token: str, mentor_pk: int
) -> HttpResponse:
    """A photo the screen's board shows: only of a mentor on the board today."""
    link = _screen_link(school_slug, token)
    if mentor_pk not in board.board_mentor_ids(link.school, board.today()):
        raise Http404("Not on the board")
    return _image_response(MentorPhoto.objects.filter(mentor_id=mentor_pk).first())


@require_safe
@public_link
def feed(request: HttpRequest, school_slug: str, token: str) -> HttpResponse:
    """A calendar feed: a mentor's duties or a room's rota, as iCalendar."""
    school = _school(school_slug)
    calendar_feed = board_services.live_calendar_feed(school, token)
    if calendar_feed is None:
        raise Http404("No such calendar")
    response = HttpResponse(
        ical.feed_calendar(calendar_feed, board.today()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="drop-in-duties.ics"'
    return response
