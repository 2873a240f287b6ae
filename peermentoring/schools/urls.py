from django.urls import path

from peermentoring.schools import (
    account_views,
    home_views,
    log_views,
    pupil_views,
    sign_on_views,
    views,
)

app_name = "schools"

urlpatterns = [
    path("", home_views.school_home, name="home"),
    path("figures/", home_views.school_figures_page, name="trust-school-figures"),
    path("settings/", views.school_settings, name="settings"),
    path("settings/sign-in/", sign_on_views.sign_on_list, name="sign-on"),
    path(
        "settings/sign-in/google/",
        sign_on_views.sign_on_edit,
        {"kind": "google"},
        name="sign-on-google",
    ),
    path(
        "settings/sign-in/microsoft/",
        sign_on_views.sign_on_edit,
        {"kind": "microsoft"},
        name="sign-on-microsoft",
    ),
    path(
        "settings/sign-in/oidc/",
        sign_on_views.sign_on_edit,
        {"kind": "oidc"},
        name="sign-on-oidc",
    ),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/new-year/", views.academic_year_create, name="academic-year-create"),
    path("calendar/terms/<int:term_pk>/", views.term_edit, name="term-edit"),
    path("school-day/", views.windows, name="windows"),
    path("school-day/edit/", views.windows_edit, name="windows-edit"),
    path("primaries/", views.primary_list, name="primary-list"),
    path("primaries/new/", views.primary_edit, name="primary-create"),
    path("primaries/<int:primary_pk>/", views.primary_edit, name="primary-edit"),
    path("pupils/", pupil_views.pupil_list, name="pupil-list"),
    path("pupils/<int:pupil_pk>/", pupil_views.pupil_detail, name="pupil-detail"),
    path(
        "pupils/<int:pupil_pk>/account/",
        account_views.pupil_account_create,
        name="pupil-account-create",
    ),
    path("pupils/import/", pupil_views.pupil_import, name="pupil-import"),
    path("pupils/import/<int:import_pk>/", pupil_views.import_detail, name="import-detail"),
    path("people/", account_views.people, name="people"),
    path("people/new-staff/", account_views.staff_account_create, name="staff-account-create"),
    path("people/<int:membership_pk>/", account_views.membership_detail, name="membership-detail"),
    path(
        "people/<int:membership_pk>/reset-password/",
        account_views.password_reset,
        name="password-reset",
    ),
    path(
        "people/<int:membership_pk>/reset-second-factor/",
        account_views.second_factor_reset,
        name="second-factor-reset",
    ),
    path(
        "people/<int:membership_pk>/access/",
        account_views.membership_toggle,
        name="membership-toggle",
    ),
    path("account/", account_views.account, name="account"),
    path("messages/", log_views.notification_list, name="notification-list"),
    path(
        "messages/<int:notification_pk>/open/",
        log_views.notification_open,
        name="notification-open",
    ),
    path("messages/read-all/", log_views.notification_read_all, name="notification-read-all"),
    path("audit/", log_views.audit_list, name="audit-list"),
    path("reads/", log_views.read_list, name="read-list"),
    path("emails/", log_views.email_list, name="email-list"),
    path("emails/<int:email_pk>/retry/", log_views.email_retry, name="email-retry"),
]
