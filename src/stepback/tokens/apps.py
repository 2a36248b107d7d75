from django.apps import AppConfig


class TokensConfig(AppConfig):
    name = "stepback.tokens"
    label = "tokens"
    verbose_name = "API tokens"
