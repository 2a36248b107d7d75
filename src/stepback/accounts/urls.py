from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from stepback.accounts import views
from stepback.accounts.forms import SignInForm, TaskPasswordResetForm
from stepback.core.access import public_view, signed_in_view

app_name = "accounts"

urlpatterns = [
    path(
        "accounts/login/",
        public_view(
            auth_views.LoginView.as_view(
                form_class=SignInForm,
                template_name="accounts/login.html",
                redirect_authenticated_user=True,
            )
        ),
        name="login",
    ),
    path("accounts/logout/", public_view(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "accounts/password/change/",
        signed_in_view(
            auth_views.PasswordChangeView.as_view(
                template_name="accounts/password_change.html",
                success_url=reverse_lazy("accounts:password_change_done"),
            )
        ),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        signed_in_view(
            auth_views.PasswordChangeDoneView.as_view(
                template_name="accounts/password_change_done.html"
            )
        ),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        public_view(
            auth_views.PasswordResetView.as_view(
                form_class=TaskPasswordResetForm,
                template_name="accounts/password_reset.html",
                email_template_name="accounts/email/password_reset.txt",
                subject_template_name="accounts/email/password_reset_subject.txt",
                success_url=reverse_lazy("accounts:password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        public_view(
            auth_views.PasswordResetDoneView.as_view(
                template_name="accounts/password_reset_done.html"
            )
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        public_view(
            auth_views.PasswordResetConfirmView.as_view(
                template_name="accounts/password_reset_confirm.html",
                success_url=reverse_lazy("accounts:password_reset_complete"),
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        public_view(
            auth_views.PasswordResetCompleteView.as_view(
                template_name="accounts/password_reset_complete.html"
            )
        ),
        name="password_reset_complete",
    ),
    path("accounts/organisations/new/", views.org_create, name="org_create"),
    path("accounts/preferences/", views.preferences, name="preferences"),
    path("o/<slug:org>/settings/", views.org_settings, name="org_settings"),
    path("accounts/invitation/<str:signed>/", views.invitation_accept, name="invitation_accept"),
    path("o/<slug:org>/members/", views.members, name="members"),
    path("o/<slug:org>/members/invite/", views.member_invite, name="member_invite"),
    path("o/<slug:org>/members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path(
        "o/<slug:org>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "o/<slug:org>/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "o/<slug:org>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
