"""A feedback answer per registration and per participant, enforced by the database, and where it was given.

Migration 0006 declared FeedbackAnswer's `registration` and `participant` unique, but Tortoise makes no unique index
for a foreign key: these two do, so that of two answers sent at the same moment by one person, one is kept.
Written by hand (RunSQL: the models already say unique, so `makemigrations` sees nothing to do); the statements are
the same on SQLite and PostgreSQL. `on_stage` tells an answer given at the stage's closing step from one given on the
personal page, which says so to whoever answered on the stage.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('atelier', '0008_assignment_from_registrations')]

    initial = False

    operations = [
        ops.AddField(
            model_name='FeedbackAnswer',
            name='on_stage',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.RunSQL(
            [
                'CREATE UNIQUE INDEX "uid_feedback_answer_registration" ON "feedback_answer" ("registration_id")',
                'CREATE UNIQUE INDEX "uid_feedback_answer_participant" ON "feedback_answer" ("participant_id")',
            ],
            reverse_sql=[
                'DROP INDEX "uid_feedback_answer_registration"',
                'DROP INDEX "uid_feedback_answer_participant"',
            ],
        ),
    ]
