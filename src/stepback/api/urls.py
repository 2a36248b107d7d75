from django.urls import path

from stepback.api.api import api

urlpatterns = [path("api/v1/", api.urls)]
