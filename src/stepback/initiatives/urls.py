from django.urls import path

from stepback.initiatives import views

app_name = "initiatives"

_INITIATIVE = "o/<slug:org>/initiatives/<int:initiative_id>/"

urlpatterns = [
    path("o/<slug:org>/initiatives/", views.initiative_list, name="list"),
    path("o/<slug:org>/initiatives/new/", views.initiative_create, name="create"),
    path(_INITIATIVE, views.initiative_detail, name="detail"),
    path(_INITIATIVE + "edit/", views.initiative_edit, name="edit"),
    path(_INITIATIVE + "archive/", views.initiative_archive, name="archive"),
    path(_INITIATIVE + "stage/", views.initiative_stage, name="stage"),
    path(_INITIATIVE + "checklist/", views.checklist_tick, name="checklist_tick"),
    path(_INITIATIVE + "activity/", views.initiative_activity, name="activity"),
]
