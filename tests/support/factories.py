"""The test suite's factory_boy factories: one module for every model, each object kept in one school.

Not shipped with the package: tests only (factory_boy is a test extra)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from peermentoring.core.models import AuditEntry, Notification, OutboundEmail, ReadEntry, User
from peermentoring.core.roles import Role
from peermentoring.dropin.models import (
    CalendarFeed,
    Duty,
    DutyAvailability,
    MentorPhoto,
    Room,
    RoomOpening,
    Rota,
    ScreenLink,
    Visit,
    token_digest,
)
from peermentoring.evaluation.models import (
    Answer,
    ClosedYear,
    Policy,
    PolicyAcknowledgement,
    PolicyVersion,
    Question,
    Questionnaire,
    Response,
)
from peermentoring.matching.models import DoNotPair, MatchingSettings, MatchRun, Pairing
from peermentoring.meetings.models import Meeting, Topic, UsualWindow, WeekCount
from peermentoring.mentors.models import Mentor, MentorFreeWindow
from peermentoring.outreach.models import (
    BoardItem,
    Event,
    PrimaryVisit,
    TellUsRecipient,
    TellUsReport,
    VisitFollowUp,
)
from peermentoring.recruitment.models import (
    Application,
    Interview,
    InterviewScore,
    RecruitmentRound,
    TutorReference,
)
from peermentoring.referrals.models import PrimaryReferralLink, Referral, ReferralCategory
from peermentoring.safeguarding.models import (
    AccessLogEntry,
    ChronologyEntry,
    Concern,
    ConcernAlert,
    EscalationContact,
    SafeguardingSettings,
)
from peermentoring.schools.calendar import (
    DEFAULT_WINDOWS,
    academic_year_name,
    academic_year_start,
    default_term_dates,
)
from peermentoring.schools.models import (
    AcademicYear,
    FeederPrimary,
    Membership,
    Pupil,
    PupilImport,
    School,
    SchoolDayWindow,
    SchoolSignOn,
    Term,
    Trust,
)
from peermentoring.supervision.models import Action, Session, SessionMentor, SupervisionGroup
from peermentoring.training.models import ModuleCompletion, TrainingModule, TrainingSession


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Taylor{n}")
    username = factory.LazyAttribute(lambda u: f"{u.first_name}.{u.last_name}@example.org".lower())
    email = factory.LazyAttribute(lambda u: u.username if "@" in u.username else "")
    password = factory.django.Password("correct horse battery")


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust

    name = factory.Sequence(lambda n: f"Riverside Learning Trust {n}")
    slug = factory.Sequence(lambda n: f"riverside-{n}")


def _usual_windows(school: School, create: bool, extracted: object, **kwargs: object) -> None:
    """The usual free windows, Monday to Friday, on the school just made."""
    if not create:
        return
    for weekday in range(5):
        for kind, (start, end) in DEFAULT_WINDOWS.items():
            SchoolDayWindow.objects.create(
                school=school, weekday=weekday, kind=kind, start_time=start, end_time=end
            )


class SchoolFactory(factory.django.DjangoModelFactory):
    """A school with the usual free windows, like one made by `create_school`."""

    class Meta:
        model = School
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Oakbrook Academy {n}")
    slug = factory.Sequence(lambda n: f"oakbrook-{n}")
    urn = factory.Sequence(lambda n: f"{140000 + n}")

    windows = factory.PostGeneration(_usual_windows)


class FeederPrimaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeederPrimary

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Meadowside Primary {n}")


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil

    school = factory.SubFactory(SchoolFactory)
    given_name = "Amelia"
    family_name = factory.Sequence(lambda n: f"Okafor{n}")
    year_group = 7
    form_group = "7A"
    date_of_birth = dt.date(2014, 3, 1)
    admission_number = factory.Sequence(lambda n: f"{1000 + n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = Role.COORDINATOR
    # The account belongs to the first school that gives the person a role.
    owns_account = factory.LazyAttribute(
        lambda m: not Membership.objects.filter(user=m.user, owns_account=True).exists()
    )


class SchoolSignOnFactory(factory.django.DjangoModelFactory):
    """A school's switched-on "Sign in with Google"."""

    class Meta:
        model = SchoolSignOn

    school = factory.SubFactory(SchoolFactory)
    kind = SchoolSignOn.Kind.GOOGLE
    is_enabled = True
    client_id = factory.Sequence(lambda n: f"client-{n}.apps.example.org")
    client_secret = factory.Sequence(lambda n: f"GOCSPX-secret-{n:06d}-kept-private")
    allowed_domains = "example.org"


def pupil_member(school: School, role: str, **pupil_fields: object) -> Membership:
    """A pupil of the school with an account holding a pupil role."""
    pupil: Pupil = PupilFactory.create(school=school, **pupil_fields)
    user = UserFactory.create(
        username=f"pupil{pupil.pk}",
        first_name=pupil.given_name,
        last_name=pupil.family_name,
        email="",
    )
    membership: Membership = MembershipFactory.create(
        user=user, school=school, role=role, pupil=pupil
    )
    return membership


# The one "this year" every test uses: the school's real academic year with its terms.
def this_year(school: School) -> AcademicYear:
    """The academic year holding today, with its three usual terms."""
    today = timezone.localdate()
    existing = AcademicYear.objects.for_school(school).containing(today).first()
    if existing:
        return existing
    start = academic_year_start(today)
    year = AcademicYear.objects.create(
        school=school,
        name=academic_year_name(start),
        starts_on=dt.date(start, 9, 1),
        ends_on=dt.date(start + 1, 8, 31),
    )
    for dates in default_term_dates(start):
        Term.objects.create(
            academic_year=year,
            name=dates.name,
            starts_on=dates.starts_on,
            ends_on=dates.ends_on,
            half_term_starts_on=dates.half_term_starts_on,
            half_term_ends_on=dates.half_term_ends_on,
        )
    return year


# --- Every other model: each factory keeps its rows in the one school it is given ----
#
# Pass `school=` (or a parent row) and every row made along the way belongs to that
# school: a mentor's pupil, a referral's pupil, a pairing's mentor and mentee, an
# interview's application. Nothing reaches into a second school by accident.


class AcademicYearFactory(factory.django.DjangoModelFactory):
    """A past or future year; `this_year(school)` is the one holding today."""

    class Meta:
        model = AcademicYear

    school = factory.SubFactory(SchoolFactory)
    starts_on = factory.Sequence(lambda n: dt.date(2000 + n, 9, 1))
    ends_on = factory.LazyAttribute(lambda y: dt.date(y.starts_on.year + 1, 8, 31))
    name = factory.LazyAttribute(lambda y: academic_year_name(y.starts_on.year))


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    academic_year = factory.SubFactory(AcademicYearFactory)
    name = Term.Name.AUTUMN
    starts_on = factory.LazyAttribute(lambda t: t.academic_year.starts_on)
    ends_on = factory.LazyAttribute(lambda t: dt.date(t.academic_year.starts_on.year, 12, 18))


class SchoolDayWindowFactory(factory.django.DjangoModelFactory):
    """Monday break (SchoolFactory already makes the usual windows: this finds its one)."""

    class Meta:
        model = SchoolDayWindow
        django_get_or_create = ("school", "weekday", "kind")

    school = factory.SubFactory(SchoolFactory)
    weekday = 0
    kind = SchoolDayWindow.Kind.BREAK
    start_time = dt.time(10, 40)
    end_time = dt.time(11, 0)


class PupilImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PupilImport

    school = factory.SubFactory(SchoolFactory)
    filename = "pupils.csv"
    file_format = "csv"
    outcome = PupilImport.Outcome.IMPORTED


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEntry

    school = factory.SubFactory(SchoolFactory)
    actor = factory.SubFactory(UserFactory)
    action = "pupil.updated"
    target_type = "schools.pupil"
    target_id = "1"
    target_label = "Amelia Okafor"


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    school = factory.SubFactory(SchoolFactory)
    recipient = factory.SubFactory(UserFactory)
    title = "Something to look at"


class OutboundEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboundEmail

    school = factory.SubFactory(SchoolFactory)
    to_address = "form.tutor@example.org"
    subject = "A reference, please"
    body = "Dear colleague,"


class ReadEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadEntry

    school = factory.SubFactory(SchoolFactory)
    reader = factory.SubFactory(UserFactory)
    kind = ReadEntry.Kind.PUPIL_LIST
    path = "/"


class MentorFactory(factory.django.DjangoModelFactory):
    """A Year 10 pupil serving as a mentor this year (no training: see ModuleCompletionFactory)."""

    class Meta:
        model = Mentor

    school = factory.SubFactory(SchoolFactory)
    pupil = factory.SubFactory(
        PupilFactory,
        school=factory.SelfAttribute("..school"),
        given_name="Kofi",
        year_group=10,
        form_group="10B",
    )
    academic_year = factory.LazyAttribute(lambda m: this_year(m.school))


class MentorFreeWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorFreeWindow

    mentor = factory.SubFactory(MentorFactory)
    window = factory.LazyAttribute(
        lambda w: (
            SchoolDayWindow.objects.for_school(w.mentor.school).order_by("pk").first()
            or SchoolDayWindowFactory(school=w.mentor.school)
        )
    )


class RecruitmentRoundFactory(factory.django.DjangoModelFactory):
    """A round for Year 9 taking applications today."""

    class Meta:
        model = RecruitmentRound

    school = factory.SubFactory(SchoolFactory)
    academic_year = factory.LazyAttribute(lambda r: this_year(r.school))
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted application from a Year 9 pupil of the round's school."""

    class Meta:
        model = Application

    round = factory.SubFactory(RecruitmentRoundFactory)
    pupil = factory.SubFactory(
        PupilFactory,
        school=factory.SelfAttribute("..round.school"),
        given_name="Noor",
        year_group=9,
        form_group="9C",
    )
    status = Application.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    answers = factory.LazyAttribute(
        lambda a: [{"question": q, "answer": "Because I like helping."} for q in a.round.questions]
    )
    availability = factory.LazyFunction(lambda: ["break"])


class TutorReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TutorReference

    application = factory.SubFactory(ApplicationFactory)
    tutor_name = "Ms Patel"
    tutor_email = "r.patel@example.org"


class InterviewFactory(factory.django.DjangoModelFactory):
    """An interview tomorrow at 13:20, the panel led by a member of staff."""

    class Meta:
        model = Interview

    application = factory.SubFactory(ApplicationFactory, status=Application.Status.INTERVIEW_BOOKED)
    starts_at = factory.LazyFunction(
        lambda: (
            timezone.now().replace(hour=13, minute=20, second=0, microsecond=0)
            + dt.timedelta(days=1)
        )
    )
    ends_at = factory.LazyAttribute(lambda i: i.starts_at + dt.timedelta(minutes=15))
    staff_member = factory.SubFactory(UserFactory)


class InterviewScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterviewScore

    interview = factory.SubFactory(InterviewFactory)
    scorer = factory.SelfAttribute("interview.staff_member")
    scores = factory.LazyAttribute(
        lambda s: {criterion: 3 for criterion in s.interview.application.round.criteria}
    )


class TrainingModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingModule
        django_get_or_create = ("school", "order")

    school = factory.SubFactory(SchoolFactory)
    order = 5
    title = "Ground rules and safeguarding"
    is_required = True


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    school = factory.SubFactory(SchoolFactory)
    academic_year = factory.LazyAttribute(lambda s: this_year(s.school))
    title = "Training day 1"
    held_on = factory.LazyFunction(timezone.localdate)


class ModuleCompletionFactory(factory.django.DjangoModelFactory):
    """The mentor present at the required module: with it, a mentor is trained."""

    class Meta:
        model = ModuleCompletion

    mentor = factory.SubFactory(MentorFactory)
    module = factory.SubFactory(
        TrainingModuleFactory, school=factory.SelfAttribute("..mentor.school")
    )
    status = ModuleCompletion.Status.PRESENT
    completed_on = factory.LazyFunction(timezone.localdate)


class ReferralCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralCategory

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Worried about the move {n}")


class PrimaryReferralLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrimaryReferralLink

    school = factory.SubFactory(SchoolFactory)
    primary = factory.SubFactory(FeederPrimaryFactory, school=factory.SelfAttribute("..school"))
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=28))


class ReferralFactory(factory.django.DjangoModelFactory):
    """A Year 7 pupil's referral by staff, accepted into the matching queue."""

    class Meta:
        model = Referral

    school = factory.SubFactory(SchoolFactory)
    pupil = factory.SubFactory(
        PupilFactory, school=factory.SelfAttribute("..school"), year_group=7, form_group="7C"
    )
    source = Referral.Source.STAFF
    status = Referral.Status.ACCEPTED
    consent = Referral.Consent.GIVEN


class MatchingSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchingSettings
        django_get_or_create = ("school",)

    school = factory.SubFactory(SchoolFactory)


class DoNotPairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DoNotPair

    school = factory.SubFactory(SchoolFactory)
    pupil = factory.SubFactory(PupilFactory, school=factory.SelfAttribute("..school"))
    other = factory.SubFactory(PupilFactory, school=factory.SelfAttribute("..school"))


class MatchRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchRun

    school = factory.SubFactory(SchoolFactory)


class PairingFactory(factory.django.DjangoModelFactory):
    """An active pairing: a mentor and the pupil of an accepted referral, in one school."""

    class Meta:
        model = Pairing

    school = factory.SubFactory(SchoolFactory)
    mentor = factory.SubFactory(MentorFactory, school=factory.SelfAttribute("..school"))
    referral = factory.SubFactory(ReferralFactory, school=factory.SelfAttribute("..school"))
    mentee = factory.SelfAttribute("referral.pupil")


class ConcernFactory(factory.django.DjangoModelFactory):
    """A concern raised by a member of staff about a pupil of the same school."""

    class Meta:
        model = Concern

    school = factory.SubFactory(SchoolFactory)
    pupil = factory.SubFactory(PupilFactory, school=factory.SelfAttribute("..school"))
    raised_by = factory.SubFactory(UserFactory)
    raised_by_role = Role.COORDINATOR
    what_happened = "Said someone at home shouts at them every night."
    told_staff = Concern.ToldStaff.NO
    urgency = Concern.Urgency.TODAY


class ChronologyEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChronologyEntry

    concern = factory.SubFactory(ConcernFactory)
    kind = ChronologyEntry.Kind.ACTION
    text = "Spoke to the form tutor."
    happened_at = factory.LazyFunction(timezone.now)
    written_by = factory.SubFactory(UserFactory)


class AccessLogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessLogEntry

    school = factory.SubFactory(SchoolFactory)
    who = factory.SubFactory(UserFactory)
    what = AccessLogEntry.What.LIST


class ConcernAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConcernAlert

    concern = factory.SubFactory(ConcernFactory)
    recipient = factory.SubFactory(UserFactory)


class SafeguardingSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafeguardingSettings

    school = factory.SubFactory(SchoolFactory)


class EscalationContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EscalationContact

    school = factory.SubFactory(SchoolFactory)
    user = factory.SubFactory(UserFactory)


# --- Meetings and supervision (issue 13) ------------------------------------------------


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("school", "name")

    school = factory.SubFactory(SchoolFactory)
    name = "Friendships"


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting of a pairing at Tuesday break (no rules checked: services.log_meeting does)."""

    class Meta:
        model = Meeting

    school = factory.SubFactory(SchoolFactory)
    pairing = factory.SubFactory(PairingFactory, school=factory.SelfAttribute("..school"))
    held_on = dt.date(2025, 11, 18)
    window = factory.SubFactory(
        SchoolDayWindowFactory, school=factory.SelfAttribute("..school"), weekday=1
    )
    minutes = 15
    mood = 4


class WeekCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeekCount

    school = factory.SubFactory(SchoolFactory)
    pairing = factory.SubFactory(PairingFactory, school=factory.SelfAttribute("..school"))
    week_of = dt.date(2025, 11, 17)
    count = 2


class UsualWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UsualWindow

    pairing = factory.SubFactory(PairingFactory)
    window = factory.SubFactory(
        SchoolDayWindowFactory, school=factory.SelfAttribute("..pairing.school")
    )


class SupervisionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionGroup

    school = factory.SubFactory(SchoolFactory)
    name = "Year 10 mentors"
    coordinator = factory.SubFactory(UserFactory)
    window = factory.SubFactory(
        SchoolDayWindowFactory, school=factory.SelfAttribute("..school"), kind="lunch"
    )


class SupervisionSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    school = factory.SubFactory(SchoolFactory)
    group = factory.SubFactory(SupervisionGroupFactory, school=factory.SelfAttribute("..school"))
    week_of = dt.date(2025, 11, 17)
    held_on = dt.date(2025, 11, 17)
    led_by = factory.SelfAttribute("group.coordinator")


class SessionMentorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionMentor

    session = factory.SubFactory(SupervisionSessionFactory)
    mentor = factory.SubFactory(MentorFactory, school=factory.SelfAttribute("..session.school"))
    attendance = SessionMentor.Attendance.PRESENT


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    school = factory.SubFactory(SchoolFactory)
    group = factory.SubFactory(SupervisionGroupFactory, school=factory.SelfAttribute("..school"))
    session = factory.SubFactory(
        SupervisionSessionFactory,
        school=factory.SelfAttribute("..school"),
        group=factory.SelfAttribute("..group"),
    )
    text = "Find a quieter place to meet at lunch"
    owner = factory.SelfAttribute("group.coordinator")
    created_by = factory.SelfAttribute("group.coordinator")
    due_on = dt.date(2025, 11, 28)


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: "Peer Mentoring room" if n == 0 else f"Room {n}")
    where = "Room S12"


class RoomOpeningFactory(factory.django.DjangoModelFactory):
    """The room open at Tuesday lunch, two or three on duty."""

    class Meta:
        model = RoomOpening

    room = factory.SubFactory(RoomFactory)
    window = factory.SubFactory(
        SchoolDayWindowFactory,
        school=factory.SelfAttribute("..room.school"),
        weekday=1,
        kind="lunch",
    )


class DutyAvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DutyAvailability

    mentor = factory.SubFactory(MentorFactory)
    window = factory.SubFactory(
        SchoolDayWindowFactory, school=factory.SelfAttribute("..mentor.school"), kind="lunch"
    )


class RotaFactory(factory.django.DjangoModelFactory):
    """A draft rota of the second half of the autumn term 2025."""

    class Meta:
        model = Rota

    school = factory.SubFactory(SchoolFactory)
    starts_on = dt.date(2025, 11, 3)
    ends_on = dt.date(2025, 12, 19)


class DutyFactory(factory.django.DjangoModelFactory):
    """A mentor on duty at Tuesday lunch (no rules checked: rota_services does)."""

    class Meta:
        model = Duty

    school = factory.SubFactory(SchoolFactory)
    rota = factory.SubFactory(RotaFactory, school=factory.SelfAttribute("..school"))
    room = factory.SubFactory(RoomFactory, school=factory.SelfAttribute("..school"))
    window = factory.SubFactory(
        SchoolDayWindowFactory, school=factory.SelfAttribute("..school"), weekday=1, kind="lunch"
    )
    held_on = dt.date(2025, 11, 18)
    mentor = factory.SubFactory(MentorFactory, school=factory.SelfAttribute("..school"))


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    school = factory.SubFactory(SchoolFactory)
    room = factory.SubFactory(RoomFactory, school=factory.SelfAttribute("..school"))
    window = factory.SubFactory(
        SchoolDayWindowFactory, school=factory.SelfAttribute("..school"), weekday=1, kind="lunch"
    )
    held_on = dt.date(2025, 11, 18)
    year7 = 4
    year8 = 1


class MentorPhotoFactory(factory.django.DjangoModelFactory):
    """Photo consent recorded, no photo uploaded yet."""

    class Meta:
        model = MentorPhoto

    mentor = factory.SubFactory(MentorFactory)
    consent_recorded_at = factory.LazyFunction(timezone.now)


class ScreenLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScreenLink

    school = factory.SubFactory(SchoolFactory)
    label = "Year 7 corridor"
    token_hash = factory.Sequence(lambda n: token_digest(f"screen-{n}"))


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    """A mentor's calendar feed."""

    class Meta:
        model = CalendarFeed

    school = factory.SubFactory(SchoolFactory)
    mentor = factory.SubFactory(MentorFactory, school=factory.SelfAttribute("..school"))
    token_hash = factory.Sequence(lambda n: token_digest(f"feed-{n}"))


# --- Outreach -------------------------------------------------------------------------------


class PrimaryVisitFactory(factory.django.DjangoModelFactory):
    """A visit to a feeder primary on Tuesday 16 June 2026, 1:30 to 2:30 (no rules checked)."""

    class Meta:
        model = PrimaryVisit

    school = factory.SubFactory(SchoolFactory)
    primary = factory.SubFactory(FeederPrimaryFactory, school=factory.SelfAttribute("..school"))
    visit_on = dt.date(2026, 6, 16)
    starts_at = dt.time(13, 30)
    ends_at = dt.time(14, 30)
    staff_name = "Mrs Hewitt"
    plan = "What secondary school is like; how the mentors can help."
    contact_email = "office@meadowside.example"


class VisitFollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitFollowUp

    visit = factory.SubFactory(PrimaryVisitFactory)
    school = factory.SelfAttribute("visit.school")
    kind = VisitFollowUp.Kind.WANTS_MENTOR
    child_given_name = "Maisie"
    child_family_name = "Clarke"
    note = "Worried about getting lost."


class EventFactory(factory.django.DjangoModelFactory):
    """An assembly in this school's first academic year (pass academic_year to choose)."""

    class Meta:
        model = Event

    school = factory.SubFactory(SchoolFactory)
    academic_year = factory.SubFactory(
        AcademicYearFactory, school=factory.SelfAttribute("..school")
    )
    kind = Event.Kind.ASSEMBLY
    name = "Year 7 assembly"
    starts_on = factory.LazyAttribute(lambda e: e.academic_year.starts_on + dt.timedelta(days=30))
    ends_on = factory.SelfAttribute("starts_on")
    audience = "Year 7"
    reach = 180


class BoardItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardItem

    school = factory.SubFactory(SchoolFactory)
    kind = BoardItem.Kind.MESSAGE
    title = "You are not on your own"
    body = "Come to the Peer Mentoring room at break or lunch."
    is_published = True


class TellUsRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TellUsRecipient

    school = factory.SubFactory(SchoolFactory)
    user = factory.SubFactory(UserFactory)


class TellUsReportFactory(factory.django.DjangoModelFactory):
    """An anonymous report (no reporter, no pupil)."""

    class Meta:
        model = TellUsReport

    school = factory.SubFactory(SchoolFactory)
    is_anonymous = True
    about = TellUsReport.About.SOMEONE_ELSE
    category = TellUsReport.Category.NAME_CALLING
    what_happened = "Some Year 8s keep calling a boy in my form names at lunch."
    where = "The canteen"


# --- Evaluation -----------------------------------------------------------------------------


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    school = factory.SubFactory(SchoolFactory)
    title = factory.Sequence(lambda n: f"Code of conduct for peer mentors {n}")
    kind = Policy.Kind.POLICY


class PolicyVersionFactory(factory.django.DjangoModelFactory):
    """Version 1 of a policy, in force."""

    class Meta:
        model = PolicyVersion

    policy = factory.SubFactory(PolicyFactory)
    school = factory.SelfAttribute("policy.school")
    number = 1
    text = "Peer mentors listen, keep what they hear private, and tell staff of any worry."


class PolicyAcknowledgementFactory(factory.django.DjangoModelFactory):
    """A pupil of the policy's school has read and understood a version."""

    class Meta:
        model = PolicyAcknowledgement

    version = factory.SubFactory(PolicyVersionFactory)
    school = factory.SelfAttribute("version.school")
    pupil = factory.SubFactory(
        PupilFactory, school=factory.SelfAttribute("..school"), year_group=10
    )


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    school = factory.SubFactory(SchoolFactory)
    kind = Questionnaire.Kind.MENTEE_CHECK_IN


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    order = factory.Sequence(lambda n: n % 99 + 1)
    text = "I feel happy at school"
    answer_type = Question.AnswerType.SCALE


class ResponseFactory(factory.django.DjangoModelFactory):
    """A mentee's start-of-pairing check-in, answered on their own account."""

    class Meta:
        model = Response

    pairing = factory.SubFactory(PairingFactory)
    school = factory.SelfAttribute("pairing.school")
    questionnaire = factory.SubFactory(
        QuestionnaireFactory, school=factory.SelfAttribute("..school")
    )
    pupil = factory.SelfAttribute("pairing.mentee")
    moment = Response.Moment.START
    entered_by = factory.SubFactory(UserFactory)


class AnswerFactory(factory.django.DjangoModelFactory):
    """A 4 ("Mostly") to a question of the response's own questionnaire."""

    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(
        QuestionFactory, questionnaire=factory.SelfAttribute("..response.questionnaire")
    )
    score = 4


class ClosedYearFactory(factory.django.DjangoModelFactory):
    """A closed year and the year after it, in one school."""

    class Meta:
        model = ClosedYear

    school = factory.SubFactory(SchoolFactory)
    academic_year = factory.SubFactory(
        AcademicYearFactory, school=factory.SelfAttribute("..school")
    )
    next_year = factory.SubFactory(
        AcademicYearFactory,
        school=factory.SelfAttribute("..school"),
        starts_on=factory.LazyAttribute(
            lambda y: y.factory_parent.academic_year.ends_on + dt.timedelta(days=1)
        ),
    )
    figures = factory.LazyFunction(lambda: {"meetings_held": 527})
