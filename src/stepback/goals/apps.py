from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "stepback.goals"
    label = "goals"
    verbose_name = "Goals, measurements and pace"
