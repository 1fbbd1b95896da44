from orjson import loads
from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.migrations import operations as ops

from domain.models import RunPhase


class Migration(migrations.Migration):
    dependencies = [('atelier', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LiveRun',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('atelier.WorkshopSession', source_field='session_id', db_constraint=True, to_field='id', related_name='runs', on_delete=OnDelete.CASCADE)),
                ('rehearsal', fields.BooleanField(default=False)),
                ('join_code', fields.CharField(unique=True, max_length=64)),
                ('phase', fields.CharEnumField(default=RunPhase.BACKSTAGE, description='BACKSTAGE: backstage\nOPEN: open\nRUNNING: running\nENDED: ended', enum_type=RunPhase, max_length=20)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'live_run', 'app': 'atelier', 'pk_attr': 'id', 'table_description': 'One live running of a session: the real one, or a rehearsal that counts for nothing.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Participant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run', fields.ForeignKeyField('atelier.LiveRun', source_field='run_id', db_constraint=True, to_field='id', related_name='participants', on_delete=OnDelete.CASCADE)),
                ('display_name', fields.CharField(max_length=80)),
                ('email', fields.CharField(null=True, max_length=254)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'participant', 'app': 'atelier', 'pk_attr': 'id', 'table_description': 'Someone who joined a run. Their browser holds the token, and only its hash is stored.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RunEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run', fields.ForeignKeyField('atelier.LiveRun', source_field='run_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('sequence', fields.IntField()),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('kind', fields.CharField(max_length=40)),
                ('data', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'run_event', 'app': 'atelier', 'unique_together': (('run', 'sequence'),), 'pk_attr': 'id', 'table_description': 'One thing that happened in a run, in order: replaying them rebuilds the live state.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Workshop',
            name='arrival_question',
            field=fields.CharField(default='', max_length=300),
        ),
        ops.AddField(
            model_name='Workshop',
            name='ask_email',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Workshop',
            name='feedback_url',
            field=fields.CharField(default='', max_length=500),
        ),
        ops.AddField(
            model_name='Workshop',
            name='next_dates',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='Workshop',
            name='rules_of_conduct',
            field=fields.TextField(default='', unique=False),
        ),
        ops.AddField(
            model_name='Workshop',
            name='thank_you_message',
            field=fields.TextField(default='', unique=False),
        ),
    ]
