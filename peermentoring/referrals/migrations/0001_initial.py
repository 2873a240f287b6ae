"""Referrals, their categories and primary links move here from matching.

Only Django's idea of where the models live changes: they keep their tables
(`matching_referral`, `matching_referralcategory`, `matching_primaryreferrallink`
and the two many-to-many tables named after `matching_referral`), so no row is
copied or lost. Their content types and the audit trail's labels follow the move.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = ["referral", "referralcategory", "primaryreferrallink"]
AUDIT_LABELS = [
    ("matching.Referral", "referrals.Referral"),
    ("matching.ReferralCategory", "referrals.ReferralCategory"),
    ("matching.PrimaryReferralLink", "referrals.PrimaryReferralLink"),
]


def follow_the_move(apps, schema_editor, *, backwards=False):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("core", "AuditEntry")
    old_app, new_app = ("referrals", "matching") if backwards else ("matching", "referrals")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=new_app, model=model).exists():
            ContentType.objects.filter(app_label=old_app, model=model).update(app_label=new_app)
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
        ("matching", "0004_mentor_moves_to_mentors"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='PrimaryReferralLink',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('expires_at', models.DateTimeField()),
                    ('revoked_at', models.DateTimeField(blank=True, null=True)),
                    ('max_children', models.PositiveSmallIntegerField(default=60, help_text="In all, over the link's life; a flood of referrals stops here.", validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(200)], verbose_name='children the link can refer')),
                    ('form_nonce', models.CharField(blank=True, editable=False, max_length=32)),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('primary', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='referral_links', to='schools.feederprimary')),
                    ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='primary_referral_links', to='schools.school')),
                ],
                options={
                    'db_table': 'matching_primaryreferrallink',
                    'ordering': ['-created_at'],
                },
            ),
            migrations.CreateModel(
                name='ReferralCategory',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=80)),
                    ('is_higher_need', models.BooleanField(default=False, help_text='Matching prefers an experienced mentor for referrals in this category.', verbose_name='higher need')),
                    ('is_active', models.BooleanField(default=True, verbose_name='offered on new referrals')),
                    ('order', models.PositiveSmallIntegerField(default=0)),
                    ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='referral_categories', to='schools.school')),
                ],
                options={
                    'verbose_name_plural': 'referral categories',
                    'db_table': 'matching_referralcategory',
                    'ordering': ['order', 'name'],
                },
            ),
            migrations.CreateModel(
                name='Referral',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('child_given_name', models.CharField(blank=True, max_length=100, verbose_name='first name')),
                    ('child_family_name', models.CharField(blank=True, max_length=100, verbose_name='last name')),
                    ('child_date_of_birth', models.DateField(blank=True, null=True, verbose_name='date of birth')),
                    ('child_upn', models.CharField(blank=True, max_length=13, verbose_name='UPN')),
                    ('source', models.CharField(choices=[('primary', 'Feeder primary'), ('staff', 'Member of staff'), ('parent', 'Parent or carer request'), ('self', 'The pupil themself')], max_length=10)),
                    ('referrer_name', models.CharField(blank=True, help_text='Name and role, e.g. Year 6 teacher.', max_length=150, verbose_name='referred by')),
                    ('needs', models.TextField(blank=True, max_length=1000, verbose_name='specific needs')),
                    ('priority', models.CharField(choices=[('routine', 'Routine'), ('soon', 'Soon'), ('urgent', 'Urgent')], default='routine', max_length=10)),
                    ('consent', models.CharField(choices=[('not_asked', 'Not yet asked'), ('given', 'Given'), ('refused', 'Refused')], default='not_asked', max_length=10, verbose_name='parental consent')),
                    ('interests', models.CharField(blank=True, help_text='Separate with commas: football, drawing, chess.', max_length=300)),
                    ('languages', models.CharField(blank=True, max_length=200, verbose_name='languages spoken at home')),
                    ('gender_preference', models.CharField(blank=True, choices=[('', 'No preference'), ('female', 'A female mentor'), ('male', 'A male mentor')], default='', max_length=10, verbose_name='mentor gender preference')),
                    ('status', models.CharField(choices=[('new', 'Waiting for review'), ('more_info', 'More information asked for'), ('accepted', 'In the matching queue'), ('declined', 'Declined'), ('matched', 'Matched'), ('closed', 'No longer needs a mentor')], default='new', max_length=10)),
                    ('review_note', models.TextField(blank=True, help_text='Reason for declining, or what is needed.', verbose_name='note to the referrer or the file')),
                    ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                    ('referred_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ('feeder_primary', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='referrals', to='schools.feederprimary')),
                    ('free_windows', models.ManyToManyField(blank=True, help_text='When they can meet a mentor; none ticked means any free time.', related_name='+', to='schools.schooldaywindow')),
                    ('link', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='referrals.primaryreferrallink')),
                    ('pupil', models.ForeignKey(blank=True, help_text='Empty for a Year 6 child not yet on roll; filled in when the Year 7 list is imported.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='schools.pupil')),
                    ('referred_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='schools.school')),
                    ('categories', models.ManyToManyField(blank=True, related_name='referrals', to='referrals.referralcategory')),
                ],
                options={
                    'db_table': 'matching_referral',
                    'ordering': ['-referred_at'],
                },
            ),
            migrations.AddConstraint(
                model_name='primaryreferrallink',
                constraint=models.CheckConstraint(condition=models.Q(('expires_at__gt', models.F('created_at'))), name='matching_primaryreferrallink_expires_after_creation'),
            ),
            migrations.AddConstraint(
                model_name='primaryreferrallink',
                constraint=models.CheckConstraint(condition=models.Q(('max_children__gte', 1), ('max_children__lte', 200)), name='matching_primaryreferrallink_max_children_1_to_200', violation_error_message='A link can refer between 1 and 200 children.'),
            ),
            migrations.AddConstraint(
                model_name='primaryreferrallink',
                constraint=models.UniqueConstraint(condition=models.Q(('form_nonce', ''), _negated=True), fields=('school', 'form_nonce'), name='matching_primaryreferrallink_unique_form_nonce'),
            ),
            migrations.AddConstraint(
                model_name='referralcategory',
                constraint=models.UniqueConstraint(fields=('school', 'name'), name='matching_referralcategory_unique_name'),
            ),
            migrations.AddIndex(
                model_name='referral',
                index=models.Index(fields=['school', 'status'], name='matching_referral_status'),
            ),
            migrations.AddConstraint(
                model_name='referral',
                constraint=models.CheckConstraint(condition=models.Q(('pupil__isnull', False), models.Q(models.Q(('child_given_name', ''), _negated=True), models.Q(('child_family_name', ''), _negated=True)), _connector='OR'), name='matching_referral_names_a_child', violation_error_message="Give the child's first and last name."),
            ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(follow_the_move, follow_the_move_back),
    ]
