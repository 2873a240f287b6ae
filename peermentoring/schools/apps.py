from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "peermentoring.schools"
    label = "schools"
    verbose_name = "Schools"
