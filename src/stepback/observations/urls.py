from django.urls import path

from stepback.observations import views

app_name = "observations"

_OBSERVATIONS = "o/<slug:org>/initiatives/<int:initiative_id>/observations/"
_OBSERVATION = _OBSERVATIONS + "<int:observation_id>/"

urlpatterns = [
    path(_OBSERVATIONS, views.observation_list, name="list"),
    path(_OBSERVATIONS + "new/", views.observation_create, name="create"),
    path(_OBSERVATION, views.observation_detail, name="detail"),
    path(_OBSERVATION + "edit/", views.observation_edit, name="edit"),
    path(_OBSERVATION + "delete/", views.observation_delete, name="delete"),
]
