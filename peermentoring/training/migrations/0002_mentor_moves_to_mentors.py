"""ModuleCompletion.mentor now points at mentors.Mentor: the same table, so state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("mentors", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="modulecompletion",
                    name="mentor",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="completions",
                        to="mentors.mentor",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
