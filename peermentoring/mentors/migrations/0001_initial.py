"""Mentor (from recruitment) and MentorFreeWindow (from matching) move to this app.

Only Django's idea of where the models live changes: both keep their tables
(`recruitment_mentor`, `matching_mentorfreewindow`), so no row is copied or lost.
The audit trail's label for these rows and their content types follow the move.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

MOVED = [
    ("recruitment", "mentor", "mentors"),
    ("matching", "mentorfreewindow", "mentors"),
]
AUDIT_LABELS = [("recruitment.Mentor", "mentors.Mentor")]


def follow_the_move(apps, schema_editor, *, backwards=False):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("core", "AuditEntry")
    for old_app, model, new_app in MOVED:
        old, new = (new_app, old_app) if backwards else (old_app, new_app)
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)
    for old_label, new_label in AUDIT_LABELS:
        old, new = (new_label, old_label) if backwards else (old_label, new_label)
        AuditEntry.objects.filter(target_type=old).update(target_type=new)


def follow_the_move_back(apps, schema_editor):
    follow_the_move(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0004_add_outboundemail_holds_secret"),
        ("schools", "0006_set_account_owners"),
        ("recruitment", "0002_add_rounds_applications_interviews"),
        ("matching", "0003_add_link_form_nonce"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Mentor",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("in_training", "In training"),
                                    ("trained", "Trained"),
                                    ("paused", "Paused"),
                                    ("stepped_down", "Stepped down"),
                                ],
                                default="in_training",
                                max_length=15,
                            ),
                        ),
                        (
                            "capacity",
                            models.PositiveSmallIntegerField(
                                default=1,
                                help_text="How many mentees they may have at once.",
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(3),
                                ],
                            ),
                        ),
                        (
                            "is_experienced",
                            models.BooleanField(
                                default=False,
                                help_text="Mentored last year: may sit on interview panels and help at training.",
                            ),
                        ),
                        ("interests", models.TextField(blank=True)),
                        (
                            "languages",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="languages spoken"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "academic_year",
                            models.ForeignKey(
                                help_text="The year they mentor in (Year 10 for a new mentor).",
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="mentors",
                                to="schools.academicyear",
                            ),
                        ),
                        (
                            "pupil",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="mentor_records",
                                to="schools.pupil",
                            ),
                        ),
                        (
                            "school",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="mentors",
                                to="schools.school",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "recruitment_mentor",
                        "ordering": ["pupil__family_name", "pupil__given_name"],
                    },
                ),
                migrations.CreateModel(
                    name="MentorFreeWindow",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "mentor",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="free_windows",
                                to="mentors.mentor",
                            ),
                        ),
                        (
                            "window",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="schools.schooldaywindow",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "matching_mentorfreewindow",
                    },
                ),
                migrations.AddConstraint(
                    model_name="mentor",
                    constraint=models.UniqueConstraint(
                        fields=("pupil", "academic_year"), name="recruitment_mentor_once_a_year"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mentor",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("capacity__gte", 1), ("capacity__lte", 3)),
                        name="recruitment_mentor_capacity_1_to_3",
                        violation_error_message="A mentor may have between one and three mentees.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mentorfreewindow",
                    constraint=models.UniqueConstraint(
                        fields=("mentor", "window"), name="matching_mentorfreewindow_unique"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(follow_the_move, follow_the_move_back),
    ]
