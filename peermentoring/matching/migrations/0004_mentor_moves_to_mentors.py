"""Pairing.mentor points at mentors.Mentor and MentorFreeWindow moves to mentors.

Both tables stay as they are (mentors.MentorFreeWindow keeps `matching_mentorfreewindow`),
so these are changes to Django's state only.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0003_add_link_form_nonce"),
        ("mentors", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="pairing",
                    name="mentor",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="pairings",
                        to="mentors.mentor",
                    ),
                ),
                migrations.DeleteModel(name="MentorFreeWindow"),
            ],
            database_operations=[],
        ),
    ]
