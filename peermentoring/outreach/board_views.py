"""The bullying board's pages: the board for everyone in the school, the staff's list of its
items, the printable A4 board with its QR code, the coordinator's changes to items, and the
posters' pictures.

Everyone in the school sees the board (the items on it); staff see every item, on the
board or off it. The coordinator and the school admin add, change, move, take off and
delete items. A picture is served only through the school's pages (to
its members: pupils only an item on the board) and through a corridor screen's secret
link (only an item on the board). Rows are loaded through `for_school`, so another
school's item, in the address or in a form, is a 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from peermentoring.core.forms import add_validation_error
from peermentoring.core.privacy import pupil_text
from peermentoring.core.roles import SETUP_ROLES, STAFF_ROLES, Role
from peermentoring.dropin import board_services as dropin_board_services
from peermentoring.dropin.board_views import public_link
from peermentoring.outreach import board_services as services
from peermentoring.outreach.board_forms import BoardItemForm
from peermentoring.outreach.board_qr import tell_us_qr, tell_us_url
from peermentoring.outreach.board_screen import has_picture, picture_version, with_picture_flag
from peermentoring.outreach.models import BoardItem
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import School

EVERYONE = tuple(Role)


def _items_seen_by(request: SchoolRequest) -> Any:
    """Staff: every item; everyone else: the items on the board."""
    items = BoardItem.objects.for_school(request.school)
    if request.membership.role not in STAFF_ROLES:
        items = items.filter(is_published=True)
    return items


def _cards(request: SchoolRequest, items: Any) -> list[tuple[BoardItem, str]]:
    """(item, its picture's address or "") in the board's order, without the pictures' bytes."""
    slug = request.school.slug
    cards = []
    for item in with_picture_flag(items).order_by("position", "pk"):
        url = ""
        if has_picture(item):
            url = f"{reverse('outreach:board-picture', args=[slug, item.pk])}?v={picture_version(item)}"
        cards.append((item, url))
    return cards


@require_GET
@school_role_required(*EVERYONE)
def board_page(request: SchoolRequest) -> HttpResponse:
    """The bullying board as pupils see it: the items on it, and how to tell us."""
    items = BoardItem.objects.for_school(request.school).filter(is_published=True)
    context = {
        "cards": _cards(request, items),
        "is_staff": request.membership.role in STAFF_ROLES,
        "tell_us": reverse("outreach:tell-us", args=[request.school.slug]),
    }
    return render(request, "outreach/board_page.html", context)


@require_GET
@school_role_required(*STAFF_ROLES)
def board_items(request: SchoolRequest) -> HttpResponse:
    """Every item, on the board or off it; the coordinator's buttons to change them."""
    context = {
        "cards": _cards(request, BoardItem.objects.for_school(request.school)),
        "can_manage": request.membership.role in SETUP_ROLES,
        "most": services.MOST_ITEMS,
    }
    return render(request, "outreach/board_items.html", context)


@require_GET
@school_role_required(*STAFF_ROLES)
def board_print(request: SchoolRequest) -> HttpResponse:
    """The items on the board, to print on A4 with the QR code of the "tell us" form."""
    school = request.school
    items = BoardItem.objects.for_school(school).filter(is_published=True)
    context = {
        "cards": _cards(request, items),
        "qr": tell_us_qr(school),
        "tell_us_url": tell_us_url(school),
    }
    return render(request, "outreach/board_print.html", context)


def _item(request: SchoolRequest, item_pk: int) -> BoardItem:
    return get_object_or_404(BoardItem.objects.for_school(request.school), pk=item_pk)


def _form_page(request: SchoolRequest, form: BoardItemForm, item: BoardItem | None) -> HttpResponse:
    picture_url = ""
    if item is not None and item.image is not None:
        picture_url = f"{reverse('outreach:board-picture', args=[request.school.slug, item.pk])}?v={picture_version(item)}"
    context = {"form": form, "item": item, "picture_url": picture_url}
    return render(
        request, "outreach/board_item_form.html", context, status=400 if form.errors else 200
    )


@pupil_text
@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def item_add(request: SchoolRequest) -> HttpResponse:
    """Add a message, a poster or where to get help, at the end of the board."""
    school = request.school
    if request.method == "POST":
        form = BoardItemForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["picture"]
            try:
                item = services.create_item(
                    school=school,
                    fields=form.fields_for_item(),
                    upload=upload,
                    size=upload.size if upload else None,
                    submission_key=form.cleaned_data["submission_key"],
                    by=request.user,
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, f"“{item.title}” added to the board list.")
                return redirect("outreach:board-items", school_slug=school.slug)
    else:
        form = BoardItemForm(initial={"submission_key": uuid.uuid4(), "is_published": True})
    return _form_page(request, form, None)


@pupil_text
@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def item_edit(request: SchoolRequest, item_pk: int) -> HttpResponse:
    """Change an item's words or kind, put it on or take it off the board, its picture."""
    school = request.school
    item = _item(request, item_pk)
    if request.method == "POST":
        form = BoardItemForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["picture"]
            try:
                item = services.change_item(
                    item=item,
                    fields=form.fields_for_item(),
                    upload=upload,
                    size=upload.size if upload else None,
                    remove_picture=form.cleaned_data["remove_picture"],
                    by=request.user,
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, f"“{item.title}” saved.")
                return redirect("outreach:board-items", school_slug=school.slug)
    else:
        form = BoardItemForm(
            initial={
                "kind": item.kind,
                "title": item.title,
                "body": item.body,
                "is_published": item.is_published,
            }
        )
    return _form_page(request, form, item)


@require_POST
@school_role_required(*SETUP_ROLES)
def item_move(request: SchoolRequest, item_pk: int) -> HttpResponse:
    """Move an item up or down the board (`direction` "up" or "down")."""
    item = _item(request, item_pk)
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        messages.error(request, "Choose whether to move the item up or down.")
    else:
        services.move_item(item=item, up=direction == "up", by=request.user)
    return redirect(f"{reverse('outreach:board-items', args=[request.school.slug])}#item-{item.pk}")


@require_POST
@school_role_required(*SETUP_ROLES)
def item_show(request: SchoolRequest, item_pk: int) -> HttpResponse:
    """Put an item on the board (`on` "yes") or take it off (`on` "no")."""
    item = _item(request, item_pk)
    on = request.POST.get("on", "")
    if on not in ("yes", "no"):
        messages.error(request, "Choose whether to put the item on the board or take it off.")
    else:
        services.set_on_board(item=item, on=on == "yes", by=request.user)
        said = "is on the board" if on == "yes" else "is off the board: kept here to put back later"
        messages.success(request, f"“{item.title}” {said}.")
    return redirect(f"{reverse('outreach:board-items', args=[request.school.slug])}#item-{item.pk}")


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def item_delete(request: SchoolRequest, item_pk: int) -> HttpResponse:
    """Ask once, then delete the item and its picture."""
    item = _item(request, item_pk)
    if request.method == "POST":
        title = item.title
        services.delete_item(item=item, by=request.user)
        messages.success(request, f"“{title}” deleted.")
        return redirect("outreach:board-items", school_slug=request.school.slug)
    where = "It comes off the board, the printed board and the corridor screens at once."
    return render(
        request,
        "core/confirm.html",
        {
            "title": f"Delete “{item.title}”?",
            "message": f"{where} To keep it for later, take it off the board instead. "
            "Deleting cannot be undone.",
            "button": "Delete the item",
            "hidden": {},
            "cancel_url": reverse("outreach:board-items", args=[request.school.slug]),
            "danger": True,
        },
    )


def _picture_response(item: BoardItem | None) -> HttpResponse:
    if item is None or item.image is None:
        raise Http404("No picture")
    response = HttpResponse(bytes(item.image), content_type="image/jpeg")
    response["Content-Disposition"] = 'inline; filename="poster.jpg"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, private=True, max_age=3600)
    return response


@require_GET
@school_role_required(*EVERYONE)
def picture(request: SchoolRequest, item_pk: int) -> HttpResponse:
    """A poster's picture, for the school's members: pupils only of an item on the board."""
    return _picture_response(_items_seen_by(request).filter(pk=item_pk).first())


@require_safe
@public_link
def screen_picture(
    request: HttpRequest, school_slug: str, token: str, item_pk: int
) -> HttpResponse:
    """A poster's picture for a corridor screen's link: only of an item on the board."""
    school = School.objects.filter(slug=school_slug).first()
    if school is None or dropin_board_services.live_screen_link(school, token) is None:
        raise Http404("No such screen link")
    item = BoardItem.objects.for_school(school).filter(pk=item_pk, is_published=True).first()
    return _picture_response(item)
