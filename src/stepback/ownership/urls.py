from django.urls import path

from stepback.ownership import support_views, views

app_name = "ownership"

_INITIATIVE = "o/<slug:org>/initiatives/<int:initiative_id>/"
_GROUP = "o/<slug:org>/groups/<int:group_id>/"

urlpatterns = [
    path(_INITIATIVE + "groups/", views.group_list, name="groups"),
    path(_INITIATIVE + "groups/new/", views.group_create, name="group_create"),
    path(_INITIATIVE + "barriers/", support_views.barrier_log, name="barriers"),
    path(_GROUP, views.group_detail, name="group"),
    path(_GROUP + "edit/", views.group_edit, name="group_edit"),
    path(_GROUP + "checkins.ics", views.group_calendar, name="calendar"),
    path(_GROUP + "sprints/new/", views.sprint_create, name="sprint_create"),
    path(_GROUP + "sprints/<int:sprint_id>/edit/", views.sprint_edit, name="sprint_edit"),
    path(_GROUP + "sprints/<int:sprint_id>/next/", views.sprint_follow, name="sprint_follow"),
    path(_GROUP + "handoff/", support_views.handoff, name="handoff"),
    path(_GROUP + "handoff/pause/", support_views.handoff_pause, name="handoff_pause"),
    path(_GROUP + "handoff/resume/", support_views.handoff_resume, name="handoff_resume"),
    path(_GROUP + "handoff/reverse/", support_views.handoff_reverse, name="handoff_reverse"),
    path(_GROUP + "checkins/<int:checkin_id>/", support_views.checkin_log, name="checkin"),
    path(_GROUP + "barriers/new/", support_views.barrier_create, name="barrier_create"),
    path(_GROUP + "barriers/<int:barrier_id>/", support_views.barrier_edit, name="barrier"),
    path("o/<slug:org>/settings/balance/", support_views.thresholds_edit, name="thresholds"),
]
