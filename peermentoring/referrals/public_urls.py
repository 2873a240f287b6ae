"""Pages outside any school's URL space: reached only through a signed link."""

from django.urls import path

from peermentoring.referrals import public_views

app_name = "refer"

urlpatterns = [
    path("<str:token>/", public_views.primary_referral, name="form"),
    path("<str:token>/thanks/", public_views.primary_referral_thanks, name="thanks"),
]
