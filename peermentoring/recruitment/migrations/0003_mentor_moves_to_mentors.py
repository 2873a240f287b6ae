"""Mentor has moved to the mentors app, keeping its table: Django's state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0002_add_rounds_applications_interviews"),
        ("mentors", "0001_initial"),
        ("training", "0002_mentor_moves_to_mentors"),
        ("matching", "0004_mentor_moves_to_mentors"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="application",
                    name="mentor",
                    field=models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="application",
                        to="mentors.mentor",
                    ),
                ),
                migrations.DeleteModel(name="Mentor"),
            ],
            database_operations=[],
        ),
    ]
