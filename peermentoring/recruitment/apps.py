from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "peermentoring.recruitment"
    label = "recruitment"
