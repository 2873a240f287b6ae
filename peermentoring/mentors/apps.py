from django.apps import AppConfig


class MentorsConfig(AppConfig):
    name = "peermentoring.mentors"
    label = "mentors"
    verbose_name = "Mentors"
