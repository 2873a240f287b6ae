"""The visits area's pages: the overview, recording visitors, rooms and times, availability."""

from django.urls import URLPattern, path

from peermentoring.dropin import availability_views, room_views, visit_views

urlpatterns: list[URLPattern] = [
    path("", visit_views.overview, name="overview"),
    path("visit/", visit_views.record, name="visit"),
    path("visits/", visit_views.visit_list, name="visits"),
    path("rooms/", room_views.rooms, name="rooms"),
    path("availability/", availability_views.availability, name="availability"),
    path("my-availability/", availability_views.my_availability, name="my-availability"),
]
