"""Messages sent before kinds existed get theirs from where they point, so the messages page
groups them too; anything not recognised stays "general"."""

from django.db import migrations

# (kind, what the message's link or title holds), first match wins.
KNOWN = [
    ("interviews", "url__contains", "/recruitment/interviews/"),
    ("interviews", "title__startswith", "You are on an interview panel"),
    ("applications", "url__regex", r"/recruitment/[0-9]+/apply/"),
    ("pairings", "url__contains", "/matching/my-mentee/"),
    ("pairings", "title__startswith", "You have a new mentee"),
    ("pairings", "title__startswith", "You have a peer mentor"),
]


def set_kinds(apps, schema_editor):
    Notification = apps.get_model("core", "Notification")
    for kind, lookup, value in KNOWN:
        Notification.objects.filter(kind="general", **{lookup: value}).update(kind=kind)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_add_notification_kind"),
    ]

    operations = [
        migrations.RunPython(set_kinds, migrations.RunPython.noop),
    ]
