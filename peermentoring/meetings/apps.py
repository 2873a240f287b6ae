from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "peermentoring.meetings"
    label = "meetings"
    verbose_name = "Meetings"
