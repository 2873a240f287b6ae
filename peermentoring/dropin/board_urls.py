"""The notice board's pages (board_views.py), under /s/<school>/dropin/."""

from django.urls import URLPattern, path

from peermentoring.dropin import board_views

urlpatterns: list[URLPattern] = [
    path("board/", board_views.board_page, name="board"),
    path("photos/", board_views.photo_list, name="photos"),
    path("photos/<int:mentor_pk>/", board_views.photo_edit, name="photo-edit"),
    path("photos/<int:mentor_pk>/photo.jpg", board_views.photo_image, name="photo"),
    path("screens/", board_views.screens, name="screens"),
    path("my-calendar/", board_views.my_calendar, name="my-calendar"),
    # Without sign-in: a secret, revocable token in the address.
    path("screen/<str:token>/", board_views.screen, name="screen"),
    path(
        "screen/<str:token>/photos/<int:mentor_pk>.jpg",
        board_views.screen_photo,
        name="screen-photo",
    ),
    path("feed/<str:token>.ics", board_views.feed, name="feed"),
]
