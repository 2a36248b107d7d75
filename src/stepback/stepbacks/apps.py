from django.apps import AppConfig


class StepbacksConfig(AppConfig):
    name = "stepback.stepbacks"
    label = "stepbacks"
    verbose_name = "Stepback reviews"
