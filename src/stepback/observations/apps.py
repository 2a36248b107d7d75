from django.apps import AppConfig


class ObservationsConfig(AppConfig):
    name = "stepback.observations"
    label = "observations"
    verbose_name = "Observations"
