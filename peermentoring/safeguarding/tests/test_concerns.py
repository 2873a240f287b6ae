"""Raising a concern, the lead's alert (no detail), the receipt, the chronology that is
only ever added to, the access log, and a canary written into a concern that no page of
anyone but the safeguarding lead shows."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from peermentoring.core.models import Notification, OutboundEmail
from peermentoring.core.roles import Role
from peermentoring.safeguarding import services
from peermentoring.safeguarding.models import (
    AccessLogEntry,
    AppendOnlyError,
    ChronologyEntry,
    Concern,
)
from tests.support.factories import (
    ChronologyEntryFactory,
    ConcernFactory,
    MembershipFactory,
    PupilFactory,
    UserFactory,
)

CANARY = "CANARY-7f3e-kestrel"


def raise_form(**extra):
    return {
        "submission_key": str(uuid.uuid4()),
        "what_happened": f"He said his uncle hits him. {CANARY}",
        "child_words": f"'I don't want to go home' {CANARY}",
        "told_staff": "no",
        "urgency": "now",
        **extra,
    }


@pytest.fixture
def raised(school, coordinator, dsl, client_for, django_capture_on_commit_callbacks):
    pupil = PupilFactory(school=school, given_name="Sam", family_name="Okafor")
    client = client_for(coordinator)
    url = reverse("safeguarding:concern-raise", args=[school.slug]) + f"?pupil={pupil.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, raise_form(pupil=pupil.pk))
    return Concern.objects.get(), response


def test_a_coordinator_raises_a_concern_from_a_pupils_page_and_sees_only_the_receipt(
    raised, school, coordinator, client_for
):
    concern, response = raised
    assert concern.pupil.given_name == "Sam"
    assert concern.raised_by == coordinator
    assert response["Location"] == reverse(
        "safeguarding:concern-received", args=[school.slug, concern.pk]
    )
    receipt = client_for(coordinator).get(response["Location"]).content.decode()
    assert "Received by the safeguarding lead at" in receipt
    assert CANARY not in receipt
    assert "Sam" not in receipt


def test_the_lead_is_alerted_at_once_with_no_detail(raised, school, dsl):
    concern, _ = raised
    alert = Notification.objects.get(recipient=dsl)
    assert alert.kind == Notification.Kind.SAFEGUARDING
    mail = OutboundEmail.objects.get(to_address=dsl.email)
    for text in (alert.title, alert.body, mail.subject, mail.body):
        assert CANARY not in text
        assert "Sam" not in text and "Okafor" not in text
    assert reverse("safeguarding:concern-detail", args=[school.slug, concern.pk]) in mail.body


def test_a_double_submit_makes_one_concern(school, mentor, client_for):
    client = client_for(mentor)
    url = reverse("safeguarding:concern-raise", args=[school.slug])
    form = raise_form(about_name="Jo in 7B")
    first, second = client.post(url, form), client.post(url, form)
    assert Concern.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_pupil_types_a_name_and_cannot_choose_a_pupil_record(school, mentor, client_for):
    other = PupilFactory(school=school)
    client = client_for(mentor)
    url = reverse("safeguarding:concern-raise", args=[school.slug])
    client.post(url + f"?pupil={other.pk}", raise_form(about_name="Jo", pupil=other.pk))
    concern = Concern.objects.get()
    assert concern.pupil is None
    assert concern.about_name == "Jo"


def test_a_pupil_must_say_who_they_mean(school, mentor, client_for):
    url = reverse("safeguarding:concern-raise", args=[school.slug])
    response = client_for(mentor).post(url, raise_form())
    assert response.status_code == 200
    assert "Say who you are worried about." in response.content.decode()
    assert not Concern.objects.exists()


def test_a_megabyte_of_text_is_refused_plainly(school, mentor, client_for):
    url = reverse("safeguarding:concern-raise", args=[school.slug])
    form = raise_form(about_name="Jo", what_happened="x" * 1_000_000)
    response = client_for(mentor).post(url, form)
    assert response.status_code == 200
    assert "at most 10,000 characters" in response.content.decode()
    assert not Concern.objects.exists()


def test_only_the_person_who_raised_it_sees_the_receipt(raised, school, client_for, mentor):
    concern, response = raised
    assert client_for(mentor).get(response["Location"]).status_code == 404


@pytest.mark.parametrize("role", ["coordinator", "school_admin", "mentor", "mentee"])
def test_the_canary_is_on_no_page_anyone_but_the_lead_can_open(
    raised, school, request, client_for, role
):
    concern, _ = raised
    user = request.getfixturevalue(role)
    client = client_for(user)
    pages = [
        reverse("schools:home", args=[school.slug]),
        reverse("schools:notification-list", args=[school.slug]),
        reverse("schools:audit-list", args=[school.slug]),
        reverse("safeguarding:concern-detail", args=[school.slug, concern.pk]),
        reverse("safeguarding:concern-list", args=[school.slug]),
        reverse("safeguarding:access-log", args=[school.slug]),
        reverse("schools:pupil-detail", args=[school.slug, concern.pupil_id]),
    ]
    for url in pages:
        assert CANARY not in client.get(url).content.decode(), url


def test_the_lead_reads_it_and_every_read_is_logged(raised, school, dsl, client_for):
    concern, _ = raised
    client = client_for(dsl)
    page = client.get(reverse("safeguarding:concern-detail", args=[school.slug, concern.pk]))
    assert CANARY in page.content.decode()
    client.get(reverse("safeguarding:concern-list", args=[school.slug]))
    log = list(AccessLogEntry.objects.for_school(school).values_list("who", "what", "concern"))
    assert (dsl.pk, "concern", concern.pk) in log
    assert (dsl.pk, "list", None) in log
    assert CANARY in page.content.decode()


def test_the_lead_works_the_chronology_to_closure(raised, school, dsl, client_for):
    concern, _ = raised
    client = client_for(dsl)
    url = reverse("safeguarding:concern-detail", args=[school.slug, concern.pk])
    client.post(url, {"action": "acknowledge"})
    client.post(url, {"kind": "action", "text": "Spoke to Sam with his form tutor."})
    refused = client.post(url, {"kind": "decision", "text": "Refer to social care."})
    assert "Write down the reasons for this decision." in refused.content.decode()
    client.post(url, {"kind": "decision", "text": "Refer.", "reason": "Disclosure of harm."})
    client.post(url, {"kind": "referral", "agency": "social_care", "agency_reference": "CS-4411"})
    client.post(url, {"kind": "closed", "text": "Social care have the case."})

    concern.refresh_from_db()
    kinds = list(concern.entries.values_list("kind", flat=True))
    assert kinds == ["raised", "acknowledged", "action", "decision", "referral", "closed"]
    assert concern.status == Concern.Status.CLOSED
    late = client.post(url, {"kind": "action", "text": "Another thing"})
    assert "only a correction" in late.content.decode()


def test_an_entry_sent_after_the_step_up_ran_out_waits_for_the_code_and_is_offered_again(
    raised, school, dsl, client_for
):
    """Writing a long entry can take more than 15 minutes: the code is asked for again,
    and the text comes back in the form, unsent, once it is entered."""
    from tests.support.mfa import give_authenticator, totp_code

    concern, _ = raised
    give_authenticator(dsl)
    client = client_for(dsl)
    session = client.session
    records = session["account_authentication_methods"]
    for record in records:
        record["at"] -= 16 * 60
    session["account_authentication_methods"] = records
    session.save()
    url = reverse("safeguarding:concern-detail", args=[school.slug, concern.pk])
    text = "Phoned his mother at 15:20; she will come in tomorrow. " + CANARY

    asked = client.post(
        url, {"kind": "action", "text": text, "shared_with_coordinator": "on"}, HTTP_REFERER=url
    )
    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("mfa_reauthenticate"))
    assert not concern.entries.filter(kind="action").exists()

    back = client.post(asked["Location"], {"code": totp_code()})
    assert back["Location"] == url
    page = client.get(url).content.decode()
    assert "Your entry was kept while you entered your code" in page
    assert text in page  # in the form's text box, unsent
    assert not concern.entries.filter(kind="action").exists()
    assert text not in client.get(url).content.decode()  # offered once, then gone

    client.post(url, {"kind": "action", "text": text})
    assert concern.entries.get(kind="action").text == text


def test_a_correction_points_to_the_entry_it_corrects(raised, dsl):
    concern, _ = raised
    wrong = services.add_entry(concern=concern, by=dsl, kind="action", text="Phoned on Monday")
    fixed = services.add_entry(
        concern=concern, by=dsl, kind="correction", text="It was Tuesday", corrects=wrong
    )
    assert fixed.corrects == wrong
    wrong.refresh_from_db()
    assert wrong.text == "Phoned on Monday"


def test_nothing_updates_or_deletes_a_chronology_entry_or_a_concern(school):
    entry = ChronologyEntryFactory(concern=ConcernFactory(school=school))
    concern = entry.concern
    entry.text = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        ChronologyEntry.objects.filter(pk=entry.pk).update(text="changed")
    with pytest.raises(AppendOnlyError):
        ChronologyEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        Concern.objects.filter(pk=concern.pk).update(what_happened="changed")
    with pytest.raises(AppendOnlyError):
        concern.delete()
    concern.what_happened = "changed"
    with pytest.raises(AppendOnlyError):
        concern.save()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()


def test_concerns_are_not_in_the_django_admin():
    from django.contrib import admin

    for model in (Concern, ChronologyEntry, AccessLogEntry):
        assert model not in admin.site._registry


def test_another_schools_pupil_is_refused_by_the_service(school, other_school, coordinator):
    with pytest.raises(ValidationError):
        services.raise_concern(
            school=school,
            raised_by=coordinator,
            role=Role.COORDINATOR,
            pupil=PupilFactory(school=other_school),
            what_happened="x",
            told_staff="no",
            urgency="soon",
        )


def test_the_leads_home_page_lists_new_concerns_first_and_a_pupil_can_say_they_are_worried(
    raised, school, dsl, mentee, client_for
):
    home = client_for(dsl).get(reverse("schools:home", args=[school.slug])).content.decode()
    assert "Safeguarding concern to acknowledge" in home
    assert CANARY not in home
    pupil_home = client_for(mentee).get(reverse("schools:home", args=[school.slug]))
    assert "I&#x27;m worried about someone" in pupil_home.content.decode()


def test_the_coordinator_sees_that_a_concern_about_a_mentee_exists_and_only_shared_entries(
    school, coordinator, dsl, mentee, client_for
):
    pupil = mentee.memberships.get().pupil
    concern = ConcernFactory(school=school, pupil=pupil, what_happened=CANARY)
    ConcernFactory(school=school, what_happened=CANARY)  # not one of the scheme's pupils
    services.add_entry(concern=concern, by=dsl, kind="action", text=f"secret {CANARY}")
    services.add_entry(
        concern=concern,
        by=dsl,
        kind="action",
        text="Please keep an eye on Lily at lunch.",
        shared_with_coordinator=True,
    )

    page = client_for(coordinator).get(reverse("safeguarding:concern-status", args=[school.slug]))

    text = page.content.decode()
    assert pupil.full_name in text
    assert "Acknowledged" in text
    assert "Please keep an eye on Lily at lunch." in text
    assert CANARY not in text
    assert text.count("<tr><td") == 1


def test_exports_carry_the_whole_record_and_are_logged(raised, school, dsl, client_for):
    concern, _ = raised
    client = client_for(dsl)
    services.add_entry(
        concern=concern, by=dsl, kind="referral", agency="police", agency_reference="P-77"
    )

    record = client.get(reverse("safeguarding:concern-json", args=[school.slug, concern.pk]))
    printed = client.get(reverse("safeguarding:concern-print", args=[school.slug, concern.pk]))

    assert record["Content-Disposition"] == f'attachment; filename="concern-{concern.pk}.json"'
    data = record.json()
    assert CANARY in data["what_happened"]
    assert [e["kind"] for e in data["chronology"]] == [
        "Concern raised",
        "Referred to an outside agency",
    ]
    assert data["chronology"][1]["agency_reference"] == "P-77"
    assert CANARY in printed.content.decode()
    assert AccessLogEntry.objects.filter(what="export", concern=concern).count() == 2


def test_a_pupils_whole_chronology_for_the_lead(raised, school, dsl, client_for):
    concern, _ = raised
    later = ConcernFactory(school=school, pupil=concern.pupil, what_happened="Second worry")
    page = client_for(dsl).get(
        reverse("safeguarding:pupil-chronology", args=[school.slug, concern.pupil_id])
    )
    text = page.content.decode()
    assert text.index(CANARY) < text.index("Second worry")
    assert AccessLogEntry.objects.filter(what="pupil").exists()
    assert later.pk


def test_the_lead_sees_who_was_alerted_and_whether_the_email_went(raised, school, dsl, client_for):
    concern, _ = raised
    page = client_for(dsl).get(
        reverse("safeguarding:concern-detail", args=[school.slug, concern.pk])
    )
    text = page.content.decode()
    assert "Who was told" in text
    assert dsl.display_name in text
    assert "waiting to send" in text or "sent" in text


def test_a_mentor_raises_a_worry_about_their_own_mentee_from_my_mentee(
    school, other_school, client_for
):
    from tests.support.factories import PairingFactory

    pairing = PairingFactory(school=school)
    mentor = MembershipFactory(
        user=UserFactory(), school=school, role=Role.MENTOR, pupil=pairing.mentor.pupil
    ).user
    stranger = PupilFactory(school=school)
    client = client_for(mentor)
    page = client.get(reverse("meetings:my-mentee", args=[school.slug])).content.decode()
    link = reverse("safeguarding:concern-raise", args=[school.slug]) + f"?pupil={pairing.mentee_id}"
    assert link in page

    client.post(link, raise_form(pupil=pairing.mentee_id))
    # Not someone else's record: a pupil cannot point a concern at any pupil of the school.
    client.post(
        reverse("safeguarding:concern-raise", args=[school.slug]) + f"?pupil={stranger.pk}",
        raise_form(pupil=stranger.pk, about_name="Kai"),
    )

    mine, other = Concern.objects.order_by("pk")
    assert mine.pupil_id == pairing.mentee_id
    assert other.pupil is None and other.about_name == "Kai"


def test_a_deputy_is_alerted_with_the_lead_and_works_the_concern(
    school, coordinator, dsl, client_for, django_capture_on_commit_callbacks
):
    deputy = MembershipFactory(
        user=UserFactory(first_name="Dan"), school=school, role=Role.DEPUTY_SAFEGUARDING_LEAD
    ).user
    with django_capture_on_commit_callbacks(execute=True):
        concern = services.raise_concern(
            school=school,
            raised_by=coordinator,
            role=Role.COORDINATOR,
            about_name="Jo",
            what_happened=CANARY,
            told_staff="no",
            urgency="now",
        )
    assert set(concern.alerts.values_list("recipient", flat=True)) == {dsl.pk, deputy.pk}
    client = client_for(deputy)
    url = reverse("safeguarding:concern-detail", args=[school.slug, concern.pk])
    assert CANARY in client.get(url).content.decode()
    client.post(url, {"action": "acknowledge"})
    assert concern.entries.filter(kind="acknowledged", written_by=deputy).exists()


def test_the_canary_is_in_no_log_line_or_error_report(
    school, coordinator, dsl, client_for, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    import logging

    from django.views.debug import ExceptionReporter

    caplog.set_level(logging.DEBUG)
    client = client_for(coordinator)
    pupil = PupilFactory(school=school)
    url = reverse("safeguarding:concern-raise", args=[school.slug]) + f"?pupil={pupil.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, raise_form(pupil=pupil.pk))
    concern = Concern.objects.get()
    lead = client_for(dsl)
    lead.get(reverse("safeguarding:concern-detail", args=[school.slug, concern.pk]))
    lead.post(
        reverse("safeguarding:concern-detail", args=[school.slug, concern.pk]),
        {"kind": "action", "text": f"Told the head {CANARY}"},
    )
    assert CANARY not in caplog.text

    # An error while the form is handled: the report Django e-mails the admins (built from
    # the logged request, as AdminEmailHandler builds it) shows none of what was typed.
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "raise_concern", broken)
    caplog.clear()
    client.raise_request_exception = False
    assert client.post(url, raise_form(pupil=pupil.pk)).status_code == 500
    record = next(r for r in caplog.records if r.name == "django.request")
    report = ExceptionReporter(record.request, *record.exc_info).get_traceback_text()
    assert "the database went away" in report
    assert CANARY not in report
    assert CANARY not in caplog.text


def test_a_pupils_whole_chronology_exports_as_one_file_and_is_logged(
    raised, school, dsl, client_for
):
    concern, _ = raised
    ConcernFactory(school=school, pupil=concern.pupil, what_happened="Second worry")
    ConcernFactory(school=school, what_happened="About someone else")

    response = client_for(dsl).get(
        reverse("safeguarding:pupil-json", args=[school.slug, concern.pupil_id])
    )

    data = response.json()
    assert [c["what_happened"][:12] for c in data["concerns"]] == [
        concern.what_happened[:12],
        "Second worry",
    ]
    assert AccessLogEntry.objects.filter(what="export", who=dsl).exists()


def test_the_trust_lead_sees_counts_only(school, client_for):
    from peermentoring.schools.models import Trust

    trust = Trust.objects.create(name="Riverside Learning Trust", slug="riverside")
    school.trust = trust
    school.save()
    lead = MembershipFactory(
        user=UserFactory(first_name="Anne"), school=school, role=Role.TRUST_LEAD
    ).user
    ConcernFactory(school=school, what_happened=CANARY)
    ConcernFactory(school=school, what_happened=CANARY, status=Concern.Status.CLOSED)

    client = client_for(lead)
    page = client.get(reverse("trust-dashboard", args=["riverside"])).content.decode()
    figures = client.get(reverse("schools:trust-school-figures", args=[school.slug]))

    assert "Safeguarding concerns" in page
    for text in (page, figures.content.decode()):
        assert CANARY not in text
    assert client.get(reverse("safeguarding:concern-list", args=[school.slug])).status_code == 403
    from peermentoring.safeguarding.home import (
        concerns_this_year_by_school,
        open_concerns_by_school,
    )

    assert open_concerns_by_school([school]) == {school.pk: 1}
    assert concerns_this_year_by_school([school]) == {school.pk: 2}


@pytest.mark.parametrize(
    ("role", "words"),
    [
        ("coordinator", "Raise a safeguarding concern"),
        ("school_admin", "Raise a safeguarding concern"),
        ("mentor", "I'm worried about someone"),
    ],
)
def test_every_page_of_the_school_offers_a_concern_from_the_account_menu(
    school, request, client_for, role, words
):
    client = client_for(request.getfixturevalue(role))
    for url in (
        reverse("schools:account", args=[school.slug]),
        reverse("schools:notification-list", args=[school.slug]),
    ):
        page = client.get(url).content.decode()
        assert words in page
        assert reverse("safeguarding:concern-raise", args=[school.slug]) in page
