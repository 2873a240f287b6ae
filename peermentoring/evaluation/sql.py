"""Small database functions the report needs, written for each database.

`MondayOf` is the Monday of a date's week, computed by the database. Django's
`TruncWeek` runs in Python on SQLite (a registered function called once a row): on a
million meetings 6 s against 1.1 s for the same buckets in SQL.
"""

from __future__ import annotations

from typing import Any

from django.db.models import DateField, Func


class MondayOf(Func):
    """The Monday of the week of a date column (Monday is the first day of a school week)."""

    output_field = DateField()
    arity = 1
    # Any other database: ISO weeks start on Monday, like PostgreSQL's.
    template = "CAST(date_trunc('week', %(expressions)s) AS date)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # 'weekday 0' moves on to the Sunday ending the week (a Sunday stays), then six days
        # back is its Monday. No '%' in the SQL: Django's query log formats it with %.
        return super().as_sql(
            compiler,
            connection,
            template="date(%(expressions)s, 'weekday 0', '-6 days')",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="CAST(date_trunc('week', %(expressions)s) AS date)",
            **extra,
        )


class SundayAfter(Func):
    """The Sunday ending a week, from its Monday: week_of + 6 days, in the database.

    A meeting of a counted week is then a range on (pairing, held_on), which the unique
    index on (pairing, held_on, window) answers without reading the pairing's other weeks.
    """

    output_field = DateField()
    arity = 1
    template = "(%(expressions)s + 6)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, template="date(%(expressions)s, '+6 days')", **extra
        )
