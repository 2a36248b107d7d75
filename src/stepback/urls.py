from django.contrib import admin
from django.urls import include, path

from stepback.api.api import api

urlpatterns = [
    path("", include("stepback.core.urls")),
    path("", include("stepback.accounts.urls")),
    path("", include("stepback.initiatives.urls")),
    path("", include("stepback.goals.urls")),
    path("", include("stepback.observations.urls")),
    path("", include("stepback.api.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
