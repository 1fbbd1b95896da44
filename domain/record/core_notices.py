"""The moderators' messages broadcast during the session."""

from __future__ import annotations

from domain.i18n import N_
from domain.live.state import NoticeAudience
from domain.record.model import Column, RecordPart, RecordSource, RecordTable

AUDIENCES = {NoticeAudience.EVERYONE: N_("Everyone"), NoticeAudience.ROOMS: N_("The breakout rooms")}


async def notices(source: RecordSource) -> RecordPart:
    return RecordPart(tables=(RecordTable(name="notices", title=source.t(N_("Messages to everyone")), columns=(
        Column("number", source.t(N_("Number"))),
        Column("at", source.t(N_("Sent"))),
        Column("audience", source.t(N_("To"))),
        Column("text", source.t(N_("Message"))),
    ), rows=tuple((notice.id, notice.at, source.t(AUDIENCES[notice.audience]), notice.text)
                  for notice in source.state.notices)),))

