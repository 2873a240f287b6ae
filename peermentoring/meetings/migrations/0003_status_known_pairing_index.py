"""A meeting's status kept to the known ones, and an index for the report's week counts
(issue 16).

Measured by `python -m peermentoring.evaluation.bench` on PostgreSQL, a trust of 500
schools and 1,002,108 meetings (autumn 2025), jit off:

- `meetings_status_known`: with the statuses a meeting may have fixed in the database,
  "did not happen" can list the three other statuses instead of `status != 'happened'`.
  The index (school, status, held_on) then reads only their entries: 77,000 of them
  against 387,000 (every status's) for the 500 schools, 20 ms against 54.
- `meetings_pairing_status_held`: the reconciliation of "met N times" counts probes, for
  each count, the pairing's meetings that happened that week. Through the unique index
  (pairing, held_on, window) each probe read the table for the status; with this index it
  is read from the index alone: 73 ms down to 52 for the trust's 19,000 counts. (An
  earlier run, when the report made 17 queries, saw no gain above the noise; the probes
  now dominate that figure.)
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0005_referrals_move_to_referrals'),
        ('meetings', '0002_school_status_held_index'),
        ('schools', '0010_pupil_email'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='meeting',
            index=models.Index(fields=['pairing', 'status', 'held_on'], name='meetings_pairing_status_held'),
        ),
        migrations.AddConstraint(
            model_name='meeting',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['happened', 'mentee_absent', 'mentor_absent', 'cancelled'])), name='meetings_status_known'),
        ),
    ]
