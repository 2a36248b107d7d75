from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "stepback.initiatives"
    label = "initiatives"
    verbose_name = "Initiatives"
