from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "stepback.activity"
    label = "activity"
    verbose_name = "Activity"
