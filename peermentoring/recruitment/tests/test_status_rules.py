"""What each application status allows, in one place: the model's properties and querysets."""

from __future__ import annotations

import pytest

from peermentoring.recruitment.models import Application
from peermentoring.recruitment.tests.conftest import another_applicant, submit

S = Application.Status


@pytest.mark.parametrize(
    ("status", "shortlist", "book"),
    [
        (S.DRAFT, False, False),
        (S.SUBMITTED, True, False),
        (S.SHORTLISTED, False, True),
        (S.INTERVIEW_BOOKED, False, True),
        (S.OFFERED, False, False),
        (S.WAITING_LIST, False, False),
        (S.ACCEPTED, False, False),
        (S.OFFER_DECLINED, False, False),
        (S.NOT_SUCCESSFUL, False, False),
    ],
)
def test_only_a_submitted_application_is_shortlisted_and_only_a_shortlisted_one_interviewed(
    status, shortlist, book
):
    application = Application(status=status)
    assert (application.can_shortlist, application.can_book_interview) == (shortlist, book)


def test_offered_and_accepted_take_places_and_turned_down_ones_end_without():
    for status in S:
        application = Application(status=status)
        assert application.takes_a_place == (status in (S.ACCEPTED, S.OFFERED))
        assert application.ended_without_place == (status in (S.NOT_SUCCESSFUL, S.OFFER_DECLINED))


def test_taking_places_counts_accepted_and_offered_and_accepted_counts_accepted_only(
    round_, applicant, school
):
    statuses = [S.ACCEPTED, S.OFFERED, S.WAITING_LIST, S.OFFER_DECLINED]
    applications = [submit(round_, applicant)]
    for n in range(len(statuses) - 1):
        applications.append(submit(round_, another_applicant(school, f"Pupil{n}")))
    for application, status in zip(applications, statuses, strict=True):
        Application.objects.filter(pk=application.pk).update(status=status)

    of_round = Application.objects.filter(round=round_)
    assert set(of_round.taking_places().values_list("status", flat=True)) == {S.ACCEPTED, S.OFFERED}
    assert list(of_round.accepted().values_list("status", flat=True)) == [S.ACCEPTED]
