from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "stepback.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"
