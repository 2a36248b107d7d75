from django.urls import path

from stepback.goals import import_views, views

app_name = "goals"

_GOALS = "o/<slug:org>/initiatives/<int:initiative_id>/goals/"
_GOAL = _GOALS + "<int:goal_id>/"
_IMPORT = "o/<slug:org>/imports/<int:import_id>/"

urlpatterns = [
    path("o/<slug:org>/", views.dashboard, name="dashboard"),
    path(_GOALS + "new/", views.goal_create, name="create"),
    path(_GOAL, views.goal_detail, name="detail"),
    path(_GOAL + "edit/", views.goal_edit, name="edit"),
    path(_GOAL + "delete/", views.goal_delete, name="delete"),
    path(_GOAL + "measurements/", views.measurement_add, name="measurement_add"),
    path(
        _GOAL + "measurements/<int:measurement_id>/delete/",
        views.measurement_delete,
        name="measurement_delete",
    ),
    path(
        "o/<slug:org>/goals/<int:goal_id>/import/", import_views.import_start, name="import_start"
    ),
    path(
        "o/<slug:org>/goals/<int:goal_id>/measurements/export/",
        import_views.measurements_export,
        name="measurements_export",
    ),
    path(_IMPORT, import_views.import_preview, name="import_preview"),
    path(_IMPORT + "columns/", import_views.import_map, name="import_map"),
    path(_IMPORT + "commit/", import_views.import_commit, name="import_commit"),
    path(_IMPORT + "retry/", import_views.import_retry, name="import_retry"),
    path(_IMPORT + "problems.csv", import_views.import_problems, name="import_problems"),
]
