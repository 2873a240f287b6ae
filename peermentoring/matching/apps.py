from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "peermentoring.matching"
    label = "matching"
