# The LA's code tables (issue 16): CodeTable, and the audit action for loading and publishing them.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0016_guidance'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('sign_in', 'Signed in'), ('sign_in_failed', 'Sign-in failed'), ('sign_out', 'Signed out'), ('upload', 'Uploaded a file'), ('download', 'Downloaded pupil-level data'), ('confirm', 'Signed the confirmation form'), ('decide', 'Decided which school reports a pupil'), ('lock', 'Locked'), ('unlock', 'Unlocked'), ('query', 'Raised or answered a data-team query'), ('import', 'Imported a file from another channel'), ('reminders', 'Switched reminders on or off'), ('publish', 'Published reports'), ('moderate', 'Recorded or told a school its KS2 moderation'), ('appeal', 'Appealed a moderation, or reviewed or decided an appeal'), ('statement', 'Published the data-sharing statement'), ('retention', "Set how long a collection's data are kept"), ('purge', "Removed pupils' names and files under the retention policy"), ('mfa_failed', 'Two-factor code refused'), ('throttled', 'Sign-in refused after too many failed attempts'), ('mfa_changed', 'Set up, changed or removed two-factor sign-in'), ('view', 'Viewed pupil-level data'), ('hold', 'Held, released or refused a file with pupils of other schools'), ('code_tables', "Loaded or published a year's code tables")], db_index=True, max_length=16),
        ),
        migrations.CreateModel(
            name='CodeTable',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('academic_year', models.CharField(max_length=7)),
                ('file_name', models.CharField(blank=True, max_length=255)),
                ('toml_text', models.TextField()),
                ('sha256', models.CharField(max_length=64)),
                ('notes', models.TextField(blank=True, help_text='Why this table: what changed, its source.')),
                ('uploaded_at', models.DateTimeField()),
                ('published_at', models.DateTimeField(blank=True, null=True)),
                ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-academic_year', '-uploaded_at', '-id'],
                'indexes': [models.Index(fields=['academic_year', '-published_at'], name='codetable_in_force')],
                'constraints': [models.UniqueConstraint(fields=('academic_year', 'sha256'), name='one_load_a_text')],
            },
        ),
    ]
