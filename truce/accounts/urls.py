from django.contrib.auth import views as auth_views
from django.urls import path

from truce.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/login/code/", views.login_code, name="login_code"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/two-step/", views.two_factor, name="two_factor"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/strength/", views.password_strength, name="password_strength"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/close/", views.account_close, name="close"),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/security/", views.security_log, name="security"),
    path(
        "accounts/security/sign-out-elsewhere/",
        views.sign_out_elsewhere,
        name="sign_out_elsewhere",
    ),
    path(
        "accounts/security/sessions/<int:session_id>/revoke/",
        views.session_revoke,
        name="session_revoke",
    ),
    path("accounts/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("workspaces/", views.workspaces, name="workspaces"),
    path("w/<slug:slug>/", views.overview, name="overview"),
    path("w/<slug:slug>/members/", views.members, name="members"),
    path("w/<slug:slug>/members/<int:member_id>/", views.member_update, name="member_update"),
    path(
        "w/<slug:slug>/members/<int:member_id>/remove/", views.member_remove, name="member_remove"
    ),
    path("w/<slug:slug>/invitations/new/", views.invitation_new, name="invitation_new"),
    path(
        "w/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("w/<slug:slug>/settings/", views.workspace_settings, name="settings"),
    path("w/<slug:slug>/audit/", views.audit_log, name="audit"),
]
