from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "stepback.plans"
    label = "plans"
    verbose_name = "Plans"
