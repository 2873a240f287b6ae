"""The trust's evaluation pages under /t/<trust>/evaluation/ (figures only, no names)."""

from django.urls import URLPattern

app_name = "evaluation_trust"

urlpatterns: list[URLPattern] = []
