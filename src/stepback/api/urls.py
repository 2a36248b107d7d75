from django.urls import path

from stepback.api import views

app_name = "api_tokens"

urlpatterns = [
    path("o/<slug:org>/tokens/", views.token_list, name="list"),
    path("o/<slug:org>/tokens/<int:token_id>/revoke/", views.token_revoke, name="revoke"),
]
