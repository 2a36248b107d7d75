from django.urls import path

from stepback.initiatives import views

app_name = "initiatives"

_INITIATIVE = "o/<slug:org>/initiatives/<int:initiative_id>/"
_GOAL = _INITIATIVE + "goals/<int:goal_id>/"

urlpatterns = [
    path("assets/vega-embed.js", views.vega_embed_js, name="vega_embed"),
    path("o/<slug:org>/initiatives/", views.initiative_list, name="list"),
    path("o/<slug:org>/initiatives/new/", views.initiative_create, name="create"),
    path(_INITIATIVE, views.initiative_detail, name="detail"),
    path(_INITIATIVE + "edit/", views.initiative_edit, name="edit"),
    path(_INITIATIVE + "archive/", views.initiative_archive, name="archive"),
    path(_INITIATIVE + "stage/", views.initiative_stage, name="stage"),
    path(_INITIATIVE + "checklist/", views.checklist_tick, name="checklist_tick"),
    path(_INITIATIVE + "activity/", views.initiative_activity, name="activity"),
    path(_INITIATIVE + "goals/new/", views.goal_create, name="goal_create"),
    path(_GOAL, views.goal_detail, name="goal"),
    path(_GOAL + "edit/", views.goal_edit, name="goal_edit"),
    path(_GOAL + "delete/", views.goal_delete, name="goal_delete"),
    path(_GOAL + "measurements/", views.measurement_add, name="measurement_add"),
    path(
        _GOAL + "measurements/<int:measurement_id>/delete/",
        views.measurement_delete,
        name="measurement_delete",
    ),
]

from stepback.initiatives import observation_views  # noqa: E402

_OBSERVATION = _INITIATIVE + "observations/<int:observation_id>/"
urlpatterns += [
    path(_INITIATIVE + "observations/", observation_views.observation_list, name="observations"),
    path(
        _INITIATIVE + "observations/new/",
        observation_views.observation_create,
        name="observation_create",
    ),
    path(_OBSERVATION, observation_views.observation_detail, name="observation"),
    path(_OBSERVATION + "edit/", observation_views.observation_edit, name="observation_edit"),
    path(_OBSERVATION + "delete/", observation_views.observation_delete, name="observation_delete"),
]

from stepback.initiatives import import_views  # noqa: E402

_IMPORT = "o/<slug:org>/imports/<int:import_id>/"

urlpatterns += [
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
