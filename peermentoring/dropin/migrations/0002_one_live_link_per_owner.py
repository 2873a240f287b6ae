"""One live (not stopped) calendar link per mentor and per room, one live screen link per
school and screen name (any case).

Two requests making a link at once (a double click, two tabs) could each leave one live.
The data step stops every such duplicate but the newest, so the constraints can be added;
undoing the migration drops the constraints and leaves the stopped links stopped.
"""

from django.db import migrations, models
from django.db.models.functions import Lower
from django.utils import timezone

LINK_MADE_TWICE = (
    "Two new links were asked for at the same moment (a double click, or two tabs open), "
    "so this one was not made. Make a new link again: it replaces the other one."
)


def _stop_all_but_newest(rows, key):
    """Rows newest first: the ids of all but the first row of each key (the ones to stop)."""
    kept, stopped = set(), []
    for row in rows:
        if key(row) in kept:
            stopped.append(row.pk)
        else:
            kept.add(key(row))
    return stopped


def revoke_live_duplicates(apps, schema_editor):
    """Stop every live calendar or screen link that a newer live one of the same owner
    (mentor, room, or school and screen name) would clash with."""
    CalendarFeed = apps.get_model("dropin", "CalendarFeed")
    ScreenLink = apps.get_model("dropin", "ScreenLink")
    now = timezone.now()
    feeds = CalendarFeed.objects.filter(revoked_at__isnull=True).order_by("-created_at", "-pk")
    stopped = _stop_all_but_newest(
        feeds.filter(mentor__isnull=False).only("pk", "mentor_id"), lambda f: f.mentor_id
    )
    stopped += _stop_all_but_newest(
        feeds.filter(room__isnull=False).only("pk", "room_id"), lambda f: f.room_id
    )
    CalendarFeed.objects.filter(pk__in=stopped).update(revoked_at=now)
    # The same lower() the constraint uses, so what is kept is exactly what it allows.
    links = (
        ScreenLink.objects.filter(revoked_at__isnull=True)
        .annotate(key=Lower("label"))
        .order_by("-created_at", "-pk")
        .only("pk", "school_id")
    )
    stopped = _stop_all_but_newest(links, lambda link: (link.school_id, link.key))
    ScreenLink.objects.filter(pk__in=stopped).update(revoked_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("dropin", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(revoke_live_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="calendarfeed",
            constraint=models.UniqueConstraint(
                condition=models.Q(("mentor__isnull", False), ("revoked_at__isnull", True)),
                fields=("mentor",),
                name="dropin_feed_one_live_per_mentor",
                violation_error_message=LINK_MADE_TWICE,
            ),
        ),
        migrations.AddConstraint(
            model_name="calendarfeed",
            constraint=models.UniqueConstraint(
                condition=models.Q(("revoked_at__isnull", True), ("room__isnull", False)),
                fields=("room",),
                name="dropin_feed_one_live_per_room",
                violation_error_message=LINK_MADE_TWICE,
            ),
        ),
        migrations.AddConstraint(
            model_name="screenlink",
            constraint=models.UniqueConstraint(
                models.F("school"),
                Lower("label"),
                condition=models.Q(("revoked_at__isnull", True)),
                name="dropin_screen_one_live_per_label",
                violation_error_message=LINK_MADE_TWICE,
            ),
        ),
    ]
