from django.urls import path

from stepback.stakeholders import map_views, network_views, views

app_name = "stakeholders"

_REGISTER = "o/<slug:org>/stakeholders/"
_STAKEHOLDER = _REGISTER + "<int:stakeholder_id>/"
_INITIATIVE = "o/<slug:org>/initiatives/<int:initiative_id>/"
_NETWORK = _INITIATIVE + "network/"
_CHAMPION = _NETWORK + "champions/<int:champion_id>/"

urlpatterns = [
    path(_REGISTER, views.register, name="register"),
    path(_REGISTER + "new/", views.stakeholder_create, name="create"),
    path(_REGISTER + "export/", views.register_export, name="export"),
    path(_REGISTER + "units/", views.units, name="units"),
    path(_REGISTER + "units/new/", views.unit_create, name="unit_create"),
    path(_STAKEHOLDER, views.stakeholder_detail, name="detail"),
    path(_STAKEHOLDER + "edit/", views.stakeholder_edit, name="edit"),
    path(_STAKEHOLDER + "notes/new/", views.stakeholder_note, name="note"),
    path(_STAKEHOLDER + "initiatives/new/", views.stakeholder_link, name="link"),
    path(_INITIATIVE + "stakeholders/", views.initiative_stakeholders, name="initiative"),
    path(
        _INITIATIVE + "stakeholders/new/", views.initiative_stakeholder_add, name="initiative_add"
    ),
    path(_INITIATIVE + "stakeholders/<int:stakeholder_id>/assess/", views.assess, name="assess"),
    path(_INITIATIVE + "map/", map_views.stakeholder_map, name="map"),
    path(_INITIATIVE + "map/cadence/", map_views.cadence_edit, name="cadence"),
    path(_INITIATIVE + "touchpoints/", map_views.touchpoints, name="touchpoints"),
    path(_INITIATIVE + "touchpoints/new/", map_views.touchpoint_create, name="touchpoint_create"),
    path(_NETWORK, network_views.network, name="network"),
    path(_NETWORK + "edit/", network_views.network_edit, name="network_edit"),
    path(_NETWORK + "champions/new/", network_views.champion_nominate, name="champion_nominate"),
    path(_CHAMPION + "invite/", network_views.champion_invite, name="champion_invite"),
    path(_CHAMPION + "active/", network_views.champion_toggle, name="champion_toggle"),
    path(_NETWORK + "feedback/new/", network_views.feedback_add, name="feedback_add"),
    path(_NETWORK + "resources/new/", network_views.resource_add, name="resource_add"),
    path("champions/<str:signed>/", network_views.champion_respond, name="champion_respond"),
]
