"""Issue 16, guidance and contacts: each collection's guidance for schools (Guidance), and a
school's enquiry to the data team, the same thread as a data-team query opened from the other
side (TeamQuery.from_school; every existing thread is the data team's)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0015_schools'),
    ]

    operations = [
        migrations.AddField(
            model_name='teamquery',
            name='from_school',
            field=models.BooleanField(default=False, help_text='An enquiry: the school opened it, to ask the data team.'),
        ),
        migrations.CreateModel(
            name='Guidance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('what_to_send', models.TextField(blank=True, help_text='Which file, for which pupils, and how to make it.', max_length=4000, verbose_name='What to send')),
                ('mis_help', models.TextField(blank=True, help_text='Where SIMS, Arbor, Bromcom and the other MIS explain how to make the file.', max_length=4000, verbose_name='Help from your MIS supplier')),
                ('statutory', models.TextField(blank=True, help_text="The STA's and the DfE's guidance for this assessment.", max_length=4000, verbose_name='The statutory guidance')),
                ('contact', models.TextField(blank=True, help_text='Anyone to ask besides the data team, whose address and phone schools see on every page anyway.', max_length=4000, verbose_name='Who to ask')),
                ('updated_at', models.DateTimeField(blank=True, null=True)),
                ('collection', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='guidance', to='portal.collection')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
        ),
    ]
