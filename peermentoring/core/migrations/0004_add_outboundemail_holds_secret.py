from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0003_add_read_log")]

    operations = [
        migrations.AddField(
            model_name='outboundemail',
            name='holds_secret',
            field=models.BooleanField(default=False, help_text='Holds a one-time link (a password or reference link): removed once sent.'),
        ),
    ]
