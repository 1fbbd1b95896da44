"""The feedback survey's answers given for this session: the satisfaction, then each open question."""

from __future__ import annotations

from domain.feedback import SATISFACTION_LEVELS
from domain.i18n import N_
from domain.models import FeedbackAnswer
from domain.record.model import PARTICIPANT, BarChart, Cell, Column, RecordPart, RecordSource, RecordTable, Series


async def feedback(source: RecordSource) -> RecordPart:
    answers = await FeedbackAnswer.filter(session_id=source.session.id).order_by("id")
    questions: list[str] = []
    for answer in answers:
        for pair in answer.answers:
            question = str(pair.get("question", ""))
            if question not in questions:
                questions.append(question)
    rows: list[tuple[Cell, ...]] = []
    for answer in answers:
        given = {str(pair.get("question", "")): str(pair.get("answer", "")) for pair in answer.answers}
        rows.append((answer.created_at,
                     source.t(N_("On the stage")) if answer.on_stage else source.t(N_("Personal page")),
                     source.who(answer.participant_id) if answer.participant_id is not None else "",
                     answer.satisfaction, *(given.get(question, "") for question in questions)))
    table = RecordTable(name="feedback", title=source.t(N_("Feedback survey")), columns=(
        Column("answered_at", source.t(N_("Answered"))),
        Column("where", source.t(N_("Where"))),
        Column(PARTICIPANT, source.t(N_("Participant"))),
        Column("satisfaction", source.t(N_("Satisfaction (1 to 5)"))),
        *(Column(f"question_{number}", question or source.t(N_("Question without text")))
          for number, question in enumerate(questions, start=1)),
    ), rows=tuple(rows))
    counts = [sum(1 for answer in answers if answer.satisfaction == level) for level, _words in SATISFACTION_LEVELS]
    charts = (BarChart(title=source.t(N_("Satisfaction")),
                       labels=tuple(f"{level} · {source.t(words)}" for level, words in SATISFACTION_LEVELS),
                       series=(Series(source.t(N_("Answers")), tuple(float(count) for count in counts)),),
                       horizontal=True),) if answers else ()
    return RecordPart(tables=(table,), charts=charts)

