"""The questions' part of the record: each question with its step, room, asker and up-votes; each up-vote.

Up-votes are not secret (the board shows who asked; a vote is one person's click): the second table lists who
up-voted which question, so that every vote is in the exports and a request about one person finds theirs.
"""

from __future__ import annotations

from domain.activities import questions
from domain.i18n import N_
from domain.record.model import (
    PARTICIPANT,
    Cell,
    Column,
    Figure,
    RecordPart,
    RecordSource,
    RecordTable,
    register_record_part,
)
from domain.record.units import person_name, place_name, yes_no


async def questions_part(source: RecordSource) -> RecordPart:
    asked = sorted(questions.questions_state(source.state).questions.values(),
                   key=lambda question: (source.step_place(question.step_id), question.id))
    rows: list[tuple[Cell, ...]] = [(
        question.id, source.step_title(question.step_id), place_name(source, question.room_id),
        source.who(question.author_id), person_name(source, question.author_id), question.text, question.asked_at,
        question.votes, yes_no(source, question.answered), yes_no(source, question.hidden),
    ) for question in asked]
    table = RecordTable(name="questions", title=source.t(N_("Questions")), columns=(
        Column("question", source.t(N_("Question"))),
        Column("step", source.t(N_("Step"))),
        Column("room", source.t(N_("Room"))),
        Column(PARTICIPANT, source.t(N_("Participant"))),
        Column("name", source.t(N_("Name")), personal=True),
        Column("text", source.t(N_("Text"))),
        Column("asked_at", source.t(N_("Asked"))),
        Column("up_votes", source.t(N_("Up-votes"))),
        Column("answered", source.t(N_("Answered"))),
        Column("hidden", source.t(N_("Hidden"))),
    ), rows=tuple(rows))
    votes: list[tuple[Cell, ...]] = [
        (question.id, source.step_title(question.step_id), place_name(source, question.room_id), source.who(voter),
         person_name(source, voter))
        for question in asked for voter in sorted(question.voters)]
    up_votes = RecordTable(name="question_up_votes", title=source.t(N_("Up-votes on questions")), columns=(
        Column("question", source.t(N_("Question"))),
        Column("step", source.t(N_("Step"))),
        Column("room", source.t(N_("Room"))),
        Column(PARTICIPANT, source.t(N_("Participant"))),
        Column("name", source.t(N_("Name")), personal=True),
    ), rows=tuple(votes))
    figures = (Figure(source.t(N_("Questions")), str(len(asked)),
                      source.ngettext("{count} up-vote", "{count} up-votes", len(votes))),) if asked else ()
    return RecordPart(tables=(table, up_votes), figures=figures)


register_record_part(questions_part, name="activities.questions")
