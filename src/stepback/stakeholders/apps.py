from django.apps import AppConfig


class StakeholdersConfig(AppConfig):
    name = "stepback.stakeholders"
    label = "stakeholders"
    verbose_name = "Stakeholders"
