from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from domain.models import Aim, Audience, Interactivity, RoomAssignment, RoomKind, StaffRole, StepKind, TeamRole


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='SignInThrottle',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=300)),
                ('failures', fields.IntField(default=0)),
                ('last_failure_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sign_in_throttle', 'app': 'atelier', 'pk_attr': 'key', 'table_description': 'Consecutive failed sign-ins for one e-mail address or one network address.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffAccount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('display_name', fields.CharField(max_length=120)),
                ('role', fields.CharEnumField(description='ORGANISER: organiser\nMODERATOR: moderator', enum_type=StaffRole, max_length=20)),
                ('password_hash', fields.CharField(max_length=200)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_signed_in_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'staff_account', 'app': 'atelier', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffSession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('account', fields.ForeignKeyField('atelier.StaffAccount', source_field='account_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'staff_session', 'app': 'atelier', 'pk_attr': 'id', 'table_description': 'A signed-in browser. Only a hash of its token is kept, so a leaked database opens nothing.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Workshop',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=60)),
                ('title', fields.CharField(default='', max_length=120)),
                ('description', fields.TextField(default='', unique=False)),
                ('objectives', fields.TextField(default='', unique=False)),
                ('success_factors', fields.TextField(default='', unique=False)),
                ('interactivity', fields.CharEnumField(default=Interactivity.DELIBERATION, description='DELIBERATION: deliberation\nCOLLECTING_IDEAS: collecting_ideas', enum_type=Interactivity, max_length=30)),
                ('audience', fields.CharEnumField(default=Audience.GENERAL_PUBLIC, description='GENERAL_PUBLIC: general_public\nSPECIALISED: specialised', enum_type=Audience, max_length=30)),
                ('audience_details', fields.TextField(default='', unique=False)),
                ('aim', fields.CharEnumField(default=Aim.EXCHANGING_VIEWS, description='EXCHANGING_VIEWS: exchanging_views\nREACHING_CONSENSUS: reaching_consensus', enum_type=Aim, max_length=30)),
                ('language', fields.CharField(default='fr', max_length=5)),
                ('time_zone', fields.CharField(default='Europe/Paris', max_length=64)),
                ('duration_minutes', fields.IntField(default=90)),
                ('expected_participants', fields.IntField(null=True)),
                ('room_assignment', fields.CharEnumField(default=RoomAssignment.PARTICIPANTS_CHOOSE, description='PARTICIPANTS_CHOOSE: participants_choose\nRANDOM_BALANCED: random_balanced\nBY_ORGANISER: by_organiser', enum_type=RoomAssignment, max_length=30)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('archived_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('atelier.StaffAccount', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='created_workshops', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'workshop', 'app': 'atelier', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Room',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workshop', fields.ForeignKeyField('atelier.Workshop', source_field='workshop_id', db_constraint=True, to_field='id', related_name='rooms', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='PLENARY: plenary\nBREAKOUT: breakout', enum_type=RoomKind, max_length=20)),
                ('position', fields.IntField()),
                ('name', fields.CharField(default='', max_length=80)),
                ('topic', fields.CharField(default='', max_length=300)),
                ('capacity', fields.IntField(null=True)),
            ],
            options={'table': 'room', 'app': 'atelier', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Step',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workshop', fields.ForeignKeyField('atelier.Workshop', source_field='workshop_id', db_constraint=True, to_field='id', related_name='steps', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('title', fields.CharField(default='', max_length=120)),
                ('objective', fields.CharField(default='', max_length=300)),
                ('kind', fields.CharEnumField(default=StepKind.PLENARY, description='PLENARY: plenary\nBREAKOUT: breakout', enum_type=StepKind, max_length=20)),
                ('minutes', fields.IntField(default=10)),
                ('context_info', fields.TextField(default='', unique=False)),
                ('expected_of_participants', fields.TextField(default='', unique=False)),
                ('moderator_script', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'step', 'app': 'atelier', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TeamMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workshop', fields.ForeignKeyField('atelier.Workshop', source_field='workshop_id', db_constraint=True, to_field='id', related_name='team', on_delete=OnDelete.CASCADE)),
                ('account', fields.ForeignKeyField('atelier.StaffAccount', source_field='account_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(default=TeamRole.CO_MODERATOR, description='LEAD_MODERATOR: lead_moderator\nCO_MODERATOR: co_moderator', enum_type=TeamRole, max_length=20)),
            ],
            options={'table': 'team_member', 'app': 'atelier', 'unique_together': (('workshop', 'account'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WorkshopSession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('workshop', fields.ForeignKeyField('atelier.Workshop', source_field='workshop_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('capacity', fields.IntField(null=True)),
            ],
            options={'table': 'workshop_session', 'app': 'atelier', 'pk_attr': 'id', 'table_description': 'One live occurrence of a workshop: same agenda, its own date and capacity.'},
            bases=['Model'],
        ),
    ]
