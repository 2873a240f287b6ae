from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from peermentoring.core import views as core_views
from peermentoring.recruitment import pupil_views as recruitment_pupil_views
from peermentoring.schools import account_views, home_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("accounts/login/", core_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", core_views.ChoosePasswordView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password-reset/", core_views.ResetPasswordView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    # A school's invitation to someone whose account another school made.
    path(
        "invitations/<int:membership_pk>/accept/",
        account_views.invitation_answer,
        {"answer": "accept"},
        name="invitation-accept",
    ),
    path(
        "invitations/<int:membership_pk>/decline/",
        account_views.invitation_answer,
        {"answer": "decline"},
        name="invitation-decline",
    ),
    # A tutor's reference: a signed, expiring link, no account, outside any school's pages.
    path(
        "reference/<str:token>/",
        recruitment_pupil_views.tutor_reference,
        name="tutor-reference",
    ),
    # A feeder primary refers Year 6 children through a signed, expiring link, with no account.
    path("refer/", include("peermentoring.referrals.public_urls")),
    path("t/<slug:trust_slug>/", home_views.trust_dashboard, name="trust-dashboard"),
    path("s/<slug:school_slug>/", include("peermentoring.schools.urls")),
    path("s/<slug:school_slug>/recruitment/", include("peermentoring.recruitment.urls")),
    path("s/<slug:school_slug>/training/", include("peermentoring.training.urls")),
    path("s/<slug:school_slug>/matching/", include("peermentoring.referrals.urls")),
    path("s/<slug:school_slug>/matching/", include("peermentoring.matching.urls")),
]
