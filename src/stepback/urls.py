from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("stepback.core.urls")),
    path("", include("stepback.accounts.urls")),
    path("", include("stepback.initiatives.urls")),
    path("", include("stepback.goals.urls")),
    path("", include("stepback.observations.urls")),
    path("", include("stepback.plans.urls")),
    path("", include("stepback.ownership.urls")),
    path("", include("stepback.stakeholders.urls")),
    path("", include("stepback.feedback.urls")),
    path("", include("stepback.tokens.urls")),
    path("", include("stepback.activity.urls")),
    path("", include("stepback.api.urls")),
    path("admin/", admin.site.urls),
]
