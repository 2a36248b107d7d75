from django.urls import path

from stepback.core import activity_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("o/<slug:org>/activity/", activity_views.activity, name="activity"),
]
