from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "stepback.core"
    label = "core"
    verbose_name = "Stepback core"
