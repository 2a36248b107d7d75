from django.apps import AppConfig


class OwnershipConfig(AppConfig):
    name = "stepback.ownership"
    label = "ownership"
    verbose_name = "Ownership"
