from django.urls import path

from stepback.tokens import views

app_name = "tokens"

urlpatterns = [
    path("o/<slug:org>/tokens/", views.token_list, name="list"),
    path("o/<slug:org>/tokens/<int:token_id>/revoke/", views.token_revoke, name="revoke"),
]
