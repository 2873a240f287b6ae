"""What the foundation tells later stages, without importing them.

Receivers live in the later app and call that app's own domain function; no
business rule lives in a receiver. Both are sent inside the transaction of the
change, so a receiver's work commits or rolls back with it.
"""

from django.dispatch import Signal

# A new school exists. Sent with: school, by (the acting user or None).
school_created = Signal()

# A pupil file was imported (not a dry run, not refused). Sent with: school, by.
pupils_imported = Signal()
