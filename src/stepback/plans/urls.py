from django.urls import path

from stepback.plans import revision_views, views

app_name = "plans"

_PLAN = "o/<slug:org>/initiatives/<int:initiative_id>/plan/"
_OBJECTIVE = _PLAN + "objectives/<int:objective_id>/"
_ACTION = _PLAN + "actions/<int:action_id>/"
_REVISION = _PLAN + "revisions/<int:number>/"

urlpatterns = [
    path(_PLAN, views.plan_detail, name="plan"),
    path(_PLAN + "objectives/new/", views.objective_create, name="objective_create"),
    path(_OBJECTIVE + "edit/", views.objective_edit, name="objective_edit"),
    path(_PLAN + "actions/new/", views.action_create, name="action_create"),
    path(_ACTION, views.action_detail, name="action"),
    path(_ACTION + "edit/", views.action_edit, name="action_edit"),
    path(_PLAN + "timeline/", views.timeline, name="timeline"),
    path(_PLAN + "export.csv", views.export, {"file_format": "csv"}, name="export_csv"),
    path(_PLAN + "export.xlsx", views.export, {"file_format": "xlsx"}, name="export_xlsx"),
    path(_PLAN + "revisions/", revision_views.revision_list, name="revisions"),
    path(_PLAN + "revisions/new/", revision_views.revision_create, name="revision_create"),
    path(_PLAN + "compare/", revision_views.revision_compare, name="compare"),
    path(_REVISION, revision_views.revision_detail, name="revision"),
    path(_REVISION + "restore/", revision_views.revision_restore, name="revision_restore"),
    path("o/<slug:org>/my-actions/", views.my_actions, name="my_actions"),
]
