"""The table of Django's database cache, shared by every app process.

Rate limits count in the cache (settings.CACHES). Without REDIS_URL a production
site uses the database cache, so the table is made by `migrate` like any other:
nothing extra to remember in `make demo`, CI or a deployment. It is made whatever
the cache settings are today, so switching from Redis to the database later works too.
"""

from django.core.management import call_command
from django.db import migrations

TABLE = "peermentoring_cache"


def create(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0007_add_user_session_generation")]

    operations = [migrations.RunPython(create, drop)]
