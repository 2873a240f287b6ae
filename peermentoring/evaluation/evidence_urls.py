"""The evidence area's pages, under /s/<school>/evaluation/: aims and policies for staff
(evidence_views.py), a mentor's policies to read (evidence_read_views.py), and the
evidence pack for the Approved Provider Standard."""

from django.urls import URLPattern, path

from peermentoring.evaluation import evidence_read_views, evidence_views

urlpatterns: list[URLPattern] = [
    path("policies/", evidence_views.policy_list, name="policies"),
    path("policies/add/", evidence_views.policy_add, name="policy-add"),
    path("policies/<int:policy_pk>/", evidence_views.policy_detail, name="policy"),
    path("policies/<int:policy_pk>/change/", evidence_views.policy_edit, name="policy-edit"),
    path("policies/<int:policy_pk>/paper/", evidence_views.policy_paper, name="policy-paper"),
    path(
        "policies/<int:policy_pk>/paper/<int:ack_pk>/remove/",
        evidence_views.policy_paper_remove,
        name="policy-paper-remove",
    ),
    path(
        "policies/<int:policy_pk>/versions/<int:number>/",
        evidence_views.policy_version,
        name="policy-version",
    ),
    path("my-policies/", evidence_read_views.my_policies, name="my-policies"),
    path("my-policies/<int:policy_pk>/", evidence_read_views.policy_read, name="policy-read"),
    path("evidence/", evidence_views.evidence_pack, name="evidence-pack"),
]
