"""The bullying board's pages (board_views.py), under /s/<school>/outreach/."""

from django.urls import URLPattern, path

from peermentoring.outreach import board_views

urlpatterns: list[URLPattern] = [
    path("board/", board_views.board_page, name="board"),
    path("board/items/", board_views.board_items, name="board-items"),
    path("board/print/", board_views.board_print, name="board-print"),
    path("board/add/", board_views.item_add, name="board-item-add"),
    path("board/<int:item_pk>/", board_views.item_edit, name="board-item-edit"),
    path("board/<int:item_pk>/move/", board_views.item_move, name="board-item-move"),
    path("board/<int:item_pk>/show/", board_views.item_show, name="board-item-show"),
    path("board/<int:item_pk>/delete/", board_views.item_delete, name="board-item-delete"),
    path("board/<int:item_pk>/picture.jpg", board_views.picture, name="board-picture"),
    # Without sign-in: a corridor screen's secret, revocable token (dropin's ScreenLink).
    path(
        "board/screen/<str:token>/pictures/<int:item_pk>.jpg",
        board_views.screen_picture,
        name="screen-picture",
    ),
]
