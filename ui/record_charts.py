"""The record's charts as ECharts options: drawn as SVG (sharp when printed), labels readable, no tooltips.

Tooltips are off because ECharts writes them as HTML and the labels are people's names; every value shows as a
label on its bar instead, and each chart carries its figures in words for screen readers (`summary`).
"""

from __future__ import annotations

from typing import Any

from domain.record import BarChart, Chart, LineChart

INK, MUTED = "#1f2937", "#4b5563"
COLOURS = ("#94a3b8", "#1d4ed8", "#b45309", "#047857")  # the first series (often "planned") greyed
LABEL_WIDTH = 170  # px for a category's label: longer names break onto a second line


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def summary(chart: Chart) -> str:
    """The chart in words: 'title: label: value; …' per series."""
    parts = []
    for series in chart.series:
        values = "; ".join(f"{label}: {_number(value)}" for label, value in zip(chart.labels, series.values,
                                                                             strict=True))
        parts.append(f"{series.name}: {values}" if len(chart.series) > 1 else values)
    unit = f" ({chart.unit})" if chart.unit else ""
    return f"{chart.title}{unit}. " + " / ".join(parts)


def height(chart: Chart) -> int:
    """Pixels: a horizontal bar chart grows with its rows, the others keep a fixed height."""
    if isinstance(chart, BarChart) and chart.horizontal:
        return max(140, 60 + len(chart.labels) * (24 + 18 * len(chart.series)))
    return 280


def _numbers_in(language: str) -> str:
    """A JavaScript formatter writing a bar's value as the language does ("12,5" in French)."""
    locale = {"fr": "fr-FR", "en": "en-GB"}.get(language, "en-GB")  # never user text: one of our languages
    return f"(item) => item.value.toLocaleString('{locale}')"


def options(chart: Chart, language: str) -> dict[str, Any]:
    several = len(chart.series) > 1
    text = {"color": INK, "fontSize": 13}
    base: dict[str, Any] = {
        "animation": False,
        "tooltip": {"show": False},
        "textStyle": {"fontFamily": "system-ui, sans-serif", "color": INK},
        "legend": {"show": several, "top": 0, "textStyle": text},
        "grid": {"left": 8, "right": 48, "top": 32 if several else 12, "bottom": 8, "containLabel": True},
    }
    colours = COLOURS if several else COLOURS[1:]
    if isinstance(chart, LineChart):
        return {**base,  # ECharts leaves out the times of day that would overlap
                "xAxis": {"type": "category", "data": list(chart.labels), "boundaryGap": False,
                          "axisLabel": {**text, "hideOverlap": True}},
                "yAxis": {"type": "value", "minInterval": 1, "axisLabel": text,
                          "name": chart.unit or None, "nameTextStyle": {"color": MUTED}},
                "series": [{"type": "line", "name": series.name, "data": list(series.values), "step": "end",
                            "showSymbol": False, "lineStyle": {"width": 3, "color": colours[index]},
                            "itemStyle": {"color": colours[index]},
                            "areaStyle": {"color": colours[index], "opacity": 0.12}}
                           for index, series in enumerate(chart.series)]}
    category = {"type": "category", "data": list(chart.labels),
                "axisLabel": {**text, "width": LABEL_WIDTH, "overflow": "break", "lineHeight": 16}}
    value = {"type": "value", "minInterval": 1, "axisLabel": text}
    bars = [{"type": "bar", "name": series.name, "data": list(series.values),
             "itemStyle": {"color": colours[index]}, "barMaxWidth": 28,
             "label": {"show": True, "position": "right" if chart.horizontal else "top", **text,
                       ":formatter": _numbers_in(language)}}
            for index, series in enumerate(chart.series)]
    if chart.horizontal:  # the labels' room kept whatever the chart's width (containLabel would cut them)
        grid = {**base["grid"], "left": LABEL_WIDTH + 12, "containLabel": False, "bottom": 24}
        return {**base, "grid": grid, "yAxis": {**category, "inverse": True}, "xAxis": value, "series": bars}
    return {**base, "xAxis": category, "yAxis": value, "series": bars}
