from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "peermentoring.training"
    label = "training"
