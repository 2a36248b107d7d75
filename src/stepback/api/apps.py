from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "stepback.api"
    label = "api"
    verbose_name = "JSON API"
