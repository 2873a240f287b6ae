from allauth.account import views as allauth_views
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from peermentoring.core import views as core_views
from peermentoring.recruitment import pupil_views as recruitment_pupil_views
from peermentoring.schools import account_views, home_views, sign_on_views

urlpatterns = [
    path("", home_views.home, name="home"),
    # Signing in and out, second factors and school sign-on are django-allauth's; the
    # names "login" and "logout" stay for our own templates and settings.
    path("accounts/login/", allauth_views.login, name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
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
    # Our own password pages stand in for allauth's at allauth's addresses: changing a
    # password ends other sessions, and reset links go through the school's outbox.
    path(
        "accounts/password/change/",
        core_views.ChoosePasswordView.as_view(),
        name="account_change_password",
    ),
    path(
        "accounts/password/reset/",
        core_views.ResetPasswordView.as_view(),
        name="account_reset_password",
    ),
    path("accounts/password/set/", RedirectView.as_view(pattern_name="password_reset")),
    # Nobody signs up, and an e-mail address is changed by the school, not its owner.
    path("accounts/signup/", core_views.no_signup, name="account_signup"),
    path("accounts/email/", RedirectView.as_view(pattern_name="home"), name="account_email"),
    # A school's "Sign in with Google / Microsoft" page (schools/sign_on.py).
    path("accounts/school/", sign_on_views.choose_school, name="school-sign-in-choose"),
    path(
        "accounts/school/<slug:school>/",
        sign_on_views.school_sign_in,
        name="school-sign-in",
    ),
    path("accounts/", include("allauth.urls")),
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
    path("t/<slug:trust_slug>/evaluation/", include("peermentoring.evaluation.trust_urls")),
    path("s/<slug:school_slug>/", include("peermentoring.schools.urls")),
    path("s/<slug:school_slug>/recruitment/", include("peermentoring.recruitment.urls")),
    path("s/<slug:school_slug>/training/", include("peermentoring.training.urls")),
    path("s/<slug:school_slug>/matching/", include("peermentoring.referrals.urls")),
    path("s/<slug:school_slug>/matching/", include("peermentoring.matching.urls")),
    path("s/<slug:school_slug>/safeguarding/", include("peermentoring.safeguarding.urls")),
    path("s/<slug:school_slug>/meetings/", include("peermentoring.meetings.urls")),
    path("s/<slug:school_slug>/dropin/", include("peermentoring.dropin.urls")),
    path("s/<slug:school_slug>/supervision/", include("peermentoring.supervision.urls")),
    path("s/<slug:school_slug>/outreach/", include("peermentoring.outreach.urls")),
    path("s/<slug:school_slug>/evaluation/", include("peermentoring.evaluation.urls")),
]
