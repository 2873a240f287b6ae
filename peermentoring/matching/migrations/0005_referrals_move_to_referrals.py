"""Referral, ReferralCategory and PrimaryReferralLink now live in the referrals app.

Their tables stay as they are, so these are changes to Django's state only.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0004_mentor_moves_to_mentors"),
        ("referrals", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="pairing",
                    name="referral",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="pairings",
                        to="referrals.referral",
                    ),
                ),
                migrations.DeleteModel(name="Referral"),
                migrations.DeleteModel(name="ReferralCategory"),
                migrations.DeleteModel(name="PrimaryReferralLink"),
            ],
            database_operations=[],
        ),
    ]
