"""Each step as planned against as it ran, and the session's length against the plan."""

from __future__ import annotations

from datetime import timedelta

from domain.i18n import N_
from domain.models import StepKind
from domain.record.model import BarChart, Cell, Column, Figure, RecordPart, RecordSource, RecordTable, Series
from domain.record.units import minutes

KIND_NAMES = {StepKind.PLENARY: N_("Plenary"), StepKind.BREAKOUT: N_("Breakout rooms")}


async def timeline(source: RecordSource) -> RecordPart:
    steps = {step.id: step for step in source.plan.steps}
    rows: list[tuple[Cell, ...]] = []
    actual_by_step: dict[int, timedelta] = {}
    for visit in source.state.visits:
        step = steps.get(visit.step_id)
        actual = visit.duration(source.end)
        actual_by_step[visit.step_id] = actual_by_step.get(visit.step_id, timedelta(0)) + actual
        planned = step.minutes if step is not None else None
        rows.append((
            step.position + 1 if step is not None else None,
            source.step_title(visit.step_id),
            source.t(KIND_NAMES[step.kind]) if step is not None else "",
            planned,
            visit.started_at,
            visit.ended_at,
            minutes(actual),
            round(minutes(actual) - planned, 1) if planned is not None else None,
        ))
    table = RecordTable(name="timeline", title=source.t(N_("Steps, planned and actual")), columns=(
        Column("step_number", source.t(N_("Step"))),
        Column("step", source.t(N_("Title"))),
        Column("kind", source.t(N_("Kind"))),
        Column("planned_minutes", source.t(N_("Minutes planned"))),
        Column("started_at", source.t(N_("Started"))),
        Column("ended_at", source.t(N_("Ended"))),
        Column("actual_minutes", source.t(N_("Minutes taken"))),
        Column("difference_minutes", source.t(N_("Difference (minutes)"))),
    ), rows=tuple(rows))
    charts: tuple[BarChart, ...] = ()
    if actual_by_step:
        ordered = list(actual_by_step)
        charts = (BarChart(
            title=source.t(N_("Minutes per step, planned and taken")),
            labels=tuple(source.step_title(step_id) for step_id in ordered),
            series=(Series(source.t(N_("Planned")), tuple(float(steps[step_id].minutes) if step_id in steps else 0.0
                                                          for step_id in ordered)),
                    Series(source.t(N_("Taken")), tuple(minutes(actual_by_step[step_id]) for step_id in ordered))),
            horizontal=True, unit=source.t(N_("min"))),)
    figures: tuple[Figure, ...] = ()
    started = source.state.started_at
    if started is not None:
        taken = round(minutes(source.end - started))
        figures = (Figure(source.t(N_("Duration")), source.t(N_("{minutes} min"), minutes=taken),
                          source.t(N_("{minutes} min planned"), minutes=source.plan.workshop.duration_minutes)),)
    return RecordPart(tables=(table,), charts=charts, figures=figures)

