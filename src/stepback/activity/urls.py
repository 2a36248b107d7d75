from django.urls import path

from stepback.activity import views

app_name = "activity"

urlpatterns = [
    path("o/<slug:org>/activity/", views.activity, name="organisation"),
]
