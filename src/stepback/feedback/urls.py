from django.urls import path

from stepback.feedback import public_views, survey_views, views

app_name = "feedback"

_INITIATIVE = "o/<slug:org>/initiatives/<int:initiative_id>/"
_ORG = "o/<slug:org>/feedback/"

urlpatterns = [
    # Open to anyone: the channel's form, the answers, the sender's follow-up.
    path("f/<str:key>/", public_views.channel_submit, name="submit"),
    path("f/<str:key>/answers/", public_views.channel_answers, name="answers"),
    path("feedback/follow-up/", public_views.receipt_lookup, name="receipt"),
    path("feedback/follow-up/<str:follow_up_token>/", public_views.follow_up, name="follow_up"),
    path("s/<str:round_key>/", survey_views.round_respond, name="respond"),
    path("s/i/<str:invitation_token>/", survey_views.invitation_respond, name="respond_personal"),
    # The team's pages.
    path(_INITIATIVE + "feedback/", views.item_list, name="inbox"),
    path(_INITIATIVE + "feedback/export.<str:fmt>", views.item_export, name="export"),
    path(_INITIATIVE + "feedback/bulk/", views.item_bulk, name="bulk"),
    path(_INITIATIVE + "feedback/channels/new/", views.channel_create, name="channel_create"),
    path(_ORG + "items/<int:item_id>/", views.item_detail, name="item"),
    path(_ORG + "channels/<int:channel_id>/", views.channel_detail, name="channel"),
    path(_ORG + "channels/<int:channel_id>/edit/", views.channel_edit, name="channel_edit"),
    path(_ORG + "channels/<int:channel_id>/qr.svg", views.channel_qr, name="channel_qr"),
    path(_INITIATIVE + "surveys/", survey_views.survey_list, name="surveys"),
    path(_INITIATIVE + "surveys/new/", survey_views.survey_create, name="survey_create"),
    path(_ORG + "surveys/<int:survey_id>/", survey_views.survey_detail, name="survey"),
    path(
        _ORG + "surveys/<int:survey_id>/questions/", survey_views.question_add, name="question_add"
    ),
    path(
        _ORG + "surveys/<int:survey_id>/rounds/new/", survey_views.round_create, name="round_create"
    ),
    path(_ORG + "rounds/<int:round_id>/", survey_views.round_detail, name="round"),
    path(_ORG + "rounds/<int:round_id>/close/", survey_views.round_close, name="round_close"),
    path(_ORG + "rounds/<int:round_id>/export.csv", survey_views.round_export, name="round_export"),
    path(_ORG + "settings/", survey_views.threshold_settings, name="settings"),
]
