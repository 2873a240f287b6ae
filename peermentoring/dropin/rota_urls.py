"""The rota's pages (rota_views.py), merged into the dropin namespace by urls.py."""

from django.urls import URLPattern, path

from peermentoring.dropin import rota_views

urlpatterns: list[URLPattern] = [
    # The coordinator's (and the school admin's).
    path("rotas/", rota_views.rota_list, name="rotas"),
    path("rotas/<int:rota_pk>/", rota_views.rota_detail, name="rota"),
    path("rotas/<int:rota_pk>/build/", rota_views.rota_build, name="rota-build"),
    path("rotas/<int:rota_pk>/publish/", rota_views.rota_publish, name="rota-publish"),
    path("rotas/<int:rota_pk>/place/", rota_views.rota_place, name="rota-place"),
    path("rotas/<int:rota_pk>/openings/<slug:key>/", rota_views.rota_opening, name="rota-opening"),
    path("duties/<int:duty_pk>/lock/", rota_views.duty_lock, name="duty-lock"),
    path("duties/<int:duty_pk>/absent/", rota_views.duty_absent, name="duty-absent"),
    path("duties/<int:duty_pk>/attendance/", rota_views.duty_attendance, name="duty-attendance"),
    path("duties/<int:duty_pk>/swap/", rota_views.duty_swap, name="duty-swap"),
    path("duties/<int:duty_pk>/remove/", rota_views.duty_remove, name="duty-remove"),
    # The mentor's.
    path("my-duties/", rota_views.my_duties, name="my-duties"),
]
