"""Referral pages. They sit under the school's matching pages (the paths schools already use)."""

from django.urls import path

from peermentoring.referrals import views

app_name = "referrals"

urlpatterns = [
    path("referrals/", views.referral_list, name="referral-list"),
    path("referrals/pupil/<int:pupil_pk>/", views.referral_create, name="referral-create"),
    path("referrals/<int:referral_pk>/", views.referral_detail, name="referral-detail"),
    path("referrals/<int:referral_pk>/edit/", views.referral_edit, name="referral-edit"),
    path("referrals/<int:referral_pk>/review/", views.referral_review, name="referral-review"),
    path("referrals/categories/", views.category_list, name="category-list"),
    path("referrals/categories/<int:category_pk>/", views.category_edit, name="category-edit"),
    path("primary-links/", views.link_list, name="link-list"),
    path("primary-links/<int:link_pk>/revoke/", views.link_revoke, name="link-revoke"),
]
