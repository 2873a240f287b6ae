"""The evidence pack: one zip of a self-contained index.html and CSV files, mapping the ten
areas to the school's records, naming no pupil unless named samples are chosen, and never
saying what a safeguarding concern says."""

from __future__ import annotations

import datetime as dt
import html
import io
import zipfile

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.models import AuditEntry
from peermentoring.evaluation import evidence_pack, figures
from peermentoring.evaluation import evidence_services as services
from peermentoring.evaluation.evidence_forms import PERIOD_TOO_LONG
from peermentoring.evaluation.evidence_pack import Area, Names, Period, build_pack
from peermentoring.evaluation.evidence_zip import ROWS_SHOWN
from peermentoring.evaluation.models import Policy
from peermentoring.evaluation.tests.access_evidence import current_version, make_policy
from peermentoring.matching.models import MatchRun, Pairing
from peermentoring.referrals.models import Referral
from peermentoring.schools.models import Membership, Pupil, School, Term
from tests.support.factories import (
    ActionFactory,
    ApplicationFactory,
    ConcernFactory,
    InterviewFactory,
    MatchRunFactory,
    MeetingFactory,
    MembershipFactory,
    MentorFactory,
    ModuleCompletionFactory,
    PairingFactory,
    PupilFactory,
    RecruitmentRoundFactory,
    ReferralCategoryFactory,
    ReferralFactory,
    SessionMentorFactory,
    SupervisionSessionFactory,
    TrainingSessionFactory,
    UserFactory,
    this_year,
)

pytestmark = pytest.mark.django_db

CONCERN_WORDS = "Quxalot said the boiler room door is never locked"
# Pupils' names no anonymised pack may hold: each appears somewhere in the records.
MENTOR_NAME = ("Zebedee", "Quillfeather")
MENTEE_NAME = ("Ottoline", "Marchbanks")
CHILD_NAME = ("Peregrine", "Thistlewood")  # a Year 6 child referred by a primary
APPLICANT_NAME = ("Bartholomew", "Fennimore")
CONCERN_PUPIL = ("Winifred", "Ashdown")
PREFERRED = "Zeb"


def _day_in_term(school) -> dt.date:
    """A teaching day of this year's autumn term, on or before today."""
    autumn = this_year(school).terms.get(name=Term.Name.AUTUMN)
    day = min(timezone.localdate(), autumn.ends_on) - dt.timedelta(days=7)
    while not autumn.is_teaching_day(day):
        day -= dt.timedelta(days=1)
    return day


def _pupil(school, names, **fields) -> Pupil:
    given, family = names
    return PupilFactory(school=school, given_name=given, family_name=family, **fields)


@pytest.fixture
def records(school, coordinator):
    """A school with something recorded in each of the ten areas, every pupil named
    distinctively."""
    year = this_year(school)
    day = _day_in_term(school)
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(11)))
    mentor = MentorFactory(
        school=school,
        pupil=_pupil(school, MENTOR_NAME, year_group=10, preferred_name=PREFERRED),
        academic_year=year,
        status="trained",
    )
    mentor_account = MembershipFactory(
        user=UserFactory(username="zebedee"), school=school, role="mentor", pupil=mentor.pupil
    )
    category = ReferralCategoryFactory(school=school, name="Finding the move hard")
    referral = ReferralFactory(
        school=school,
        pupil=_pupil(school, MENTEE_NAME),
        status=Referral.Status.MATCHED,
        referred_at=at,
        reviewed_at=at,
        needs="Ottoline cries at lunch",
    )
    referral.categories.add(category)
    ReferralFactory(
        school=school,
        pupil=None,
        child_given_name=CHILD_NAME[0],
        child_family_name=CHILD_NAME[1],
        source=Referral.Source.PRIMARY,
        status=Referral.Status.NEW,
        referred_at=at,
    )
    run = MatchRunFactory(school=school, status=MatchRun.Status.CONFIRMED, confirmed_at=at)
    pairing = PairingFactory(
        school=school,
        mentor=mentor,
        referral=referral,
        mentee=referral.pupil,
        match_run=run,
        started_on=day,
        end_note="Ottoline Marchbanks moved to live with her aunt",
    )
    MeetingFactory(school=school, pairing=pairing, held_on=day)
    round_ = RecruitmentRoundFactory(
        school=school, academic_year=year, opens_on=day, closes_on=day + dt.timedelta(days=7)
    )
    application = ApplicationFactory(round=round_, pupil=_pupil(school, APPLICANT_NAME))
    InterviewFactory(application=application, starts_at=at, ends_at=at + dt.timedelta(minutes=15))
    session = TrainingSessionFactory(school=school, academic_year=year, held_on=day)
    completion = ModuleCompletionFactory(mentor=mentor, session=session, completed_on=day)
    session.modules.add(completion.module)
    supervision = SupervisionSessionFactory(school=school, week_of=day, held_on=day)
    SessionMentorFactory(session=supervision, mentor=mentor, problems="Zebedee feels tired")
    ActionFactory(school=school, group=supervision.group, session=supervision, created_at=at)
    ConcernFactory(
        school=school,
        pupil=_pupil(school, CONCERN_PUPIL),
        what_happened=CONCERN_WORDS,
        created_at=at,
    )
    aims = make_policy(school, "Our aims", "Every Year 7 has someone to talk to.", kind="aims")
    make_policy(school, "Safeguarding policy", by=coordinator)
    services.acknowledge(version=current_version(aims), membership=mentor_account)
    return year


def _pack_url(school) -> str:
    return reverse("evaluation:evidence-pack", kwargs={"school_slug": school.slug})


def _download(client, school, **fields) -> zipfile.ZipFile:
    response = client.post(_pack_url(school), fields)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def _texts(bundle: zipfile.ZipFile) -> dict[str, str]:
    return {name: bundle.read(name).decode("utf-8-sig") for name in bundle.namelist()}


def _pupil_names(school) -> set[str]:
    names = set()
    for pupil in Pupil.objects.for_school(school):
        names |= {pupil.given_name, pupil.family_name, pupil.full_name}
        if pupil.preferred_name:
            names.add(pupil.preferred_name)
    names |= {*CHILD_NAME, PREFERRED}
    return names


def test_the_pack_is_an_index_and_a_csv_for_each_list(school, coordinator, client_for, records):
    bundle = _download(client_for(coordinator), school, period=f"year-{records.pk}")

    names = bundle.namelist()
    assert names[0] == "index.html"
    assert {
        "csv/policies.csv",
        "csv/acknowledgements.csv",
        "csv/referrals.csv",
        "csv/needs.csv",
        "csv/recruitment.csv",
        "csv/training-sessions.csv",
        "csv/training-modules.csv",
        "csv/supervision.csv",
        "csv/matching-runs.csv",
        "csv/pairings.csv",
        "csv/meetings-by-term.csv",
    } <= set(names)
    index = bundle.read("index.html").decode()
    for area in (
        "Clear aims",
        "Resources",
        "Safety of staff, mentors and mentees",
        "Referral process",
        "Needs assessment",
        "Safe recruitment and selection",
        "Induction and training",
        "Support for mentors (supervision)",
        "Clear and consistent matching",
        "Monitoring of progress and outcomes",
    ):
        assert f"{area}</h2>" in index


def test_the_index_is_self_contained_with_no_script(school, coordinator, client_for, records):
    index = _download(client_for(coordinator), school, period=f"year-{records.pk}").read(
        "index.html"
    )

    text = index.decode().lower()
    assert "<script" not in text and "javascript:" not in text
    assert "http://" not in text and "https://" not in text and "src=" not in text
    assert "<link" not in text and "@import" not in text and "url(" not in text


def test_no_pupil_is_named_anywhere_in_the_pack_unless_chosen(
    school, coordinator, client_for, records
):
    texts = _texts(_download(client_for(coordinator), school, period=f"year-{records.pk}"))

    found = {
        (file, name)
        for file, text in texts.items()
        for name in _pupil_names(school)
        if name in text
    }
    assert found == set()
    assert "Mentor A" in texts["csv/pairings.csv"] and "Mentee 1" in texts["csv/pairings.csv"]
    assert "Our aims,1,Mentor A," in texts["csv/acknowledgements.csv"]


def test_named_samples_name_the_pupils_but_never_a_concern(
    school, coordinator, client_for, records
):
    texts = _texts(
        _download(client_for(coordinator), school, period=f"year-{records.pk}", include_names="on")
    )

    everything = "\n".join(texts.values())
    assert "Zeb Quillfeather" in texts["csv/pairings.csv"]
    assert "Zeb Quillfeather" in texts["csv/acknowledgements.csv"]
    assert "Ottoline Marchbanks" in texts["csv/pairings.csv"]
    assert "Peregrine Thistlewood" in texts["csv/referrals.csv"]
    assert "This pack names pupils" in texts["index.html"]
    for secret in (CONCERN_WORDS, "Winifred", "Ashdown", "cries at lunch", "feels tired", "aunt"):
        assert secret not in everything


def test_the_pack_counts_each_areas_records(school, records):
    pack = build_pack(school, Period.for_year(records))

    facts = {area.key: dict(area.facts) for area in pack.areas}
    assert facts["aims"]["Aims recorded"] == "Yes, version 1"
    assert facts["aims"]["Mentors who acknowledged the aims"] == "1 of 1"
    assert facts["safety"]["Safeguarding concerns raised through the scheme"] == 1
    assert facts["referral"]["Referrals received"] == 2
    assert facts["referral"]["From: feeder primary"] == 1
    assert facts["needs"]["Referrals reviewed in the period"] == 1
    assert facts["recruitment"]["Applications submitted in the period"] == 1
    assert facts["recruitment"]["Interviews held in the period"] == 1
    assert facts["training"]["Training sessions held"] == 1
    assert facts["training"]["Module completions"] == 1
    assert facts["supervision"]["Supervision sessions"] == 1
    assert facts["supervision"]["Actions agreed"] == 1
    assert facts["matching"]["Matching proposals confirmed"] == 1
    assert facts["matching"]["Pairings started in the period"] == 1
    assert facts["monitoring"]["One-to-one meetings that happened"] == 1
    tables = {table.filename: table for table in pack.tables()}
    assert tables["needs.csv"].rows == [["Finding the move hard", 1]]
    assert tables["matching-runs.csv"].rows[0][1] == 1


def test_the_packs_figures_are_the_term_reports(school, records):
    """The pack reads figures.py: the same numbers as the term report, never its own."""
    span = figures.Span.for_year(records)
    report = figures.by_school(School.objects.filter(pk=school.pk), span)[school.pk]

    pack = build_pack(school, Period.for_year(records))

    facts = {area.key: dict(area.facts) for area in pack.areas}
    assert facts["monitoring"]["One-to-one meetings that happened"] == report["meetings_held"]
    assert facts["monitoring"]["Drop-in visits"] == report["dropin_visits"]
    assert facts["referral"]["Referrals received"] == report["referrals_received"]
    assert facts["supervision"]["Mentors present"] == report["supervision_present"]
    assert (
        facts["safety"]["Safeguarding concerns raised through the scheme"]
        == (report["concerns_raised"])
    )
    by_term = {table.filename: table for table in pack.tables()}["meetings-by-term.csv"].rows
    assert sum(row[3] for row in by_term) == report["meetings_held"]


def test_a_period_before_the_records_counts_none_of_them(school, records):
    first = records.starts_on - dt.timedelta(days=400)
    pack = build_pack(school, Period.for_dates(first, first + dt.timedelta(days=30)))

    facts = {area.key: dict(area.facts) for area in pack.areas}
    assert facts["referral"]["Referrals received"] == 0
    assert facts["aims"]["Aims recorded"] == "No"
    assert facts["monitoring"]["One-to-one meetings that happened"] == 0
    assert pack.policies == []


def test_the_policy_in_force_is_the_one_published_by_the_periods_end(school, records):
    aims = Policy.objects.get(school=school, title="Our aims")
    version = current_version(aims)
    version.published_at = timezone.now() - dt.timedelta(days=30)
    version.save(update_fields=["published_at"])
    services.publish_version(policy=aims, text="Aims, second version.", based_on=1, by=None)
    before = timezone.localdate() - dt.timedelta(days=1)

    earlier = build_pack(school, Period.for_dates(before - dt.timedelta(days=60), before))
    now = build_pack(school, Period.for_dates(before, timezone.localdate()))

    assert [(p.title, p.number) for p in earlier.policies if p.is_aims] == [("Our aims", 1)]
    assert [(p.title, p.number) for p in now.policies if p.is_aims] == [("Our aims", 2)]
    # The mentor acknowledged version 1, not version 2.
    assert [p.acknowledged for p in now.policies if p.is_aims] == [0]


def test_labels_hold_across_the_pack(school):
    names = Names(school, include_names=False)

    assert [names.mentor(7), names.mentor(9), names.mentor(7)] == [
        "Mentor A",
        "Mentor B",
        "Mentor A",
    ]
    assert [names.mentee(3), names.mentee(None, referral_id=5), names.mentee(3)] == [
        "Mentee 1",
        "Mentee 2",
        "Mentee 1",
    ]
    for n in range(30):
        names.mentor(100 + n)
    assert names.mentor(100 + 27) == "Mentor AD"


def test_the_page_offers_the_schools_terms_and_years(school, coordinator, client_for):
    year = this_year(school)
    response = client_for(coordinator).get(
        reverse("evaluation:evidence-pack", kwargs={"school_slug": school.slug})
    )

    page = response.content.decode()
    assert f"The year {year.name}" in page and f"Autumn term {year.name}" in page
    assert 'name="include_names"' in page and "checked" not in page


def test_another_schools_term_is_refused(school, other_school, coordinator, client_for):
    theirs = this_year(other_school).terms.first()

    response = client_for(coordinator).post(_pack_url(school), {"period": f"term-{theirs.pk}"})

    assert response.status_code == 400
    assert "Choose one of the school's terms or years" in html.unescape(response.content.decode())


@pytest.mark.parametrize(
    "query, message",
    [
        ({"period": "dates", "first": "2026-09-01", "last": "2026-08-01"}, "on or after"),
        ({"period": "dates", "first": "2023-09-01", "last": "2026-08-01"}, PERIOD_TOO_LONG),
        ({"period": "dates", "first": "2026-09-01"}, "Give the first and the last day"),
        ({"period": "term-" + "9" * 30}, "Choose one of the school's terms"),
        # The last day of the calendar: one day more overflowed (a 500 before).
        ({"period": "dates", "first": "9999-12-31", "last": "9999-12-31"}, "from 2000 to 2099"),
        ({"period": "dates", "first": "0001-01-01", "last": "0001-01-02"}, "from 2000 to 2099"),
    ],
)
def test_a_period_that_makes_no_sense_is_refused(query, message, school, coordinator, client_for):
    response = client_for(coordinator).post(_pack_url(school), query)

    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())


def test_dates_i_choose_give_a_pack_of_those_dates(school, coordinator, client_for):
    bundle = _download(
        client_for(coordinator), school, period="dates", first="2026-09-01", last="2026-10-31"
    )

    assert "1 September 2026 to 31 October 2026" in bundle.read("index.html").decode()


def test_pairings_count_by_their_own_dates(school, records):
    Pairing.objects.update(started_on=records.starts_on - dt.timedelta(days=10))

    pack = build_pack(school, Period.for_year(records))

    facts = {area.key: dict(area.facts) for area in pack.areas}
    assert facts["matching"]["Pairings started in the period"] == 0
    assert facts["matching"]["Pairings running in the period"] == 1


def test_the_pack_reads_no_other_schools_records(school, other_school, records):
    ConcernFactory(school=other_school, created_at=timezone.now())
    ReferralFactory(school=other_school, referred_at=timezone.now())
    Membership.objects.filter(school=other_school).delete()

    pack = build_pack(school, Period.for_year(records))

    facts = {area.key: dict(area.facts) for area in pack.areas}
    assert facts["safety"]["Safeguarding concerns raised through the scheme"] == 1
    assert facts["referral"]["Referrals received"] == 2


def test_a_formula_in_a_title_is_neutralised_in_the_csv(school, coordinator, client_for):
    year = this_year(school)
    make_policy(school, '=HYPERLINK("http://evil.example","Click")')

    texts = _texts(_download(client_for(coordinator), school, period=f"year-{year.pk}"))

    assert "'=HYPERLINK" in texts["csv/policies.csv"]
    assert "\n=HYPERLINK" not in texts["csv/policies.csv"]


def test_another_area_of_the_product_can_add_to_an_area_of_the_pack(school, monkeypatch):
    """The hook the outcomes questionnaires use to add to 'monitoring of progress and outcomes'."""
    year = this_year(school)
    monkeypatch.setattr(evidence_pack, "_sources", {})

    def outcomes(school, period, names):
        return Area(0, "", "", "", facts=[("Mentees who answered a check-in", 7)])

    evidence_pack.register_evidence_source(key="outcomes", area="monitoring", source=outcomes)
    pack = build_pack(school, Period.for_year(year))

    facts = {area.key: dict(area.facts) for area in pack.areas}
    assert facts["monitoring"]["Mentees who answered a check-in"] == 7


def test_a_long_list_shows_its_first_rows_and_keeps_them_all_in_the_csv(
    school, coordinator, client_for
):
    year = this_year(school)
    at = timezone.make_aware(
        dt.datetime.combine(year.starts_on + dt.timedelta(days=20), dt.time(9))
    )
    for _ in range(ROWS_SHOWN + 3):
        ReferralFactory(school=school, referred_at=at)

    texts = _texts(_download(client_for(coordinator), school, period=f"year-{year.pk}"))

    assert f"The first {ROWS_SHOWN} of {ROWS_SHOWN + 3} rows" in texts["index.html"]
    assert texts["csv/referrals.csv"].count("Member of staff") == ROWS_SHOWN + 3
    assert f'data-label="Pupil">Mentee {ROWS_SHOWN}<' in texts["index.html"]
    assert f"Mentee {ROWS_SHOWN + 1}<" not in texts["index.html"]


def test_each_download_is_noted_in_the_audit_log_with_whether_it_names_pupils(
    school, coordinator, client_for
):
    year = this_year(school)
    client = client_for(coordinator)

    _download(client, school, period=f"year-{year.pk}")
    _download(client, school, period=f"year-{year.pk}", include_names="on")

    entries = AuditEntry.objects.filter(
        school=school, action="evaluation.evidence_pack_downloaded"
    ).order_by("pk")
    assert [e.changes["include_names"] for e in entries] == [False, True]
    assert {e.actor for e in entries} == {coordinator}
    assert entries[0].changes["first"] == year.starts_on.isoformat()


def test_a_link_with_a_period_shows_the_form_and_downloads_nothing(school, coordinator, client_for):
    """A GET from a link on another site: the form, filled in, but no pack and no audit entry."""
    year = this_year(school)
    autumn = year.terms.get(name=Term.Name.AUTUMN)

    response = client_for(coordinator).get(
        _pack_url(school), {"period": f"term-{autumn.pk}", "include_names": "on"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert f'value="term-{autumn.pk}" selected' in page
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    assert "checked" not in page
    assert not AuditEntry.objects.filter(action="evaluation.evidence_pack_downloaded").exists()


def test_a_download_without_the_forms_token_is_refused(school, coordinator):
    year = this_year(school)
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator, backend="peermentoring.core.auth.EmailOrUsernameBackend")
    fields = {"period": f"year-{year.pk}", "include_names": "on"}

    refused = client.post(_pack_url(school), fields)

    assert refused.status_code == 403
    assert not AuditEntry.objects.filter(action="evaluation.evidence_pack_downloaded").exists()
    # The same POST with the form's token downloads: the token was all that was missing.
    client.get(_pack_url(school))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    sent = client.post(_pack_url(school), fields | {"csrfmiddlewaretoken": token})
    assert sent.status_code == 200 and sent["Content-Type"] == "application/zip"
    assert AuditEntry.objects.filter(action="evaluation.evidence_pack_downloaded").count() == 1


def test_the_acknowledgements_say_how_and_who_recorded_a_paper_copy(
    school, coordinator, client_for, records
):
    coordinator.last_name = "Hewitt"
    coordinator.save(update_fields=["last_name"])
    safeguarding = Policy.objects.for_school(school).get(title="Safeguarding policy")
    mentor = Membership.objects.get(school=school, role="mentor")
    today = timezone.localdate()
    services.record_paper_acknowledgement(
        version=current_version(safeguarding), pupil=mentor.pupil, signed_on=today, by=coordinator
    )

    texts = _texts(_download(client_for(coordinator), school, period=f"year-{records.pk}"))

    rows = texts["csv/acknowledgements.csv"].splitlines()
    assert rows[0] == "Policy,Version,Mentor,Read and understood on,How,Recorded by"
    assert f"Safeguarding policy,1,Mentor A,{today.isoformat()},On paper,Helen Hewitt" in rows
    # On their account, `by` is the mentor's own account: never written, even anonymised.
    [aims] = [row for row in rows if row.startswith("Our aims,")]
    assert aims.endswith(",On their account,")
    assert "On paper" in texts["index.html"] and "Helen Hewitt" in texts["index.html"]
