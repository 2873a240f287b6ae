"""The trust's evaluation pages under /t/<trust>/evaluation/ (figures only, no names)."""

from django.urls import URLPattern, path

from peermentoring.evaluation import trust_views

app_name = "evaluation_trust"

urlpatterns: list[URLPattern] = [
    path("", trust_views.trust_figures, name="figures"),
]
