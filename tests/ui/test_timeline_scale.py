"""The timeline's pure date ↔ pixel scale: both directions, every zoom, ticks and periods."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecoord.timescale import (
    PIXELS_PER_DAY,
    ZOOM_ORDER,
    TimeScale,
    Zoom,
    next_zoom,
    pack_rows,
)

ORIGIN = date(2025, 1, 1)


@pytest.mark.parametrize("zoom", list(Zoom))
def test_x_of_and_date_at_are_inverse_at_every_zoom(zoom: Zoom) -> None:
    scale = TimeScale(ORIGIN, date(2026, 12, 31), zoom)
    ppd = PIXELS_PER_DAY[zoom]
    assert scale.pixels_per_day == ppd
    assert scale.x_of(ORIGIN) == 0
    assert scale.x_of(date(2025, 1, 11)) == pytest.approx(10 * ppd)
    assert scale.width == pytest.approx(730 * ppd)
    for day in (ORIGIN, date(2025, 3, 1), date(2025, 12, 31), date(2026, 12, 31)):
        assert scale.date_at(scale.x_of(day)) == day
        assert scale.date_at(scale.x_center(day)) == day
        # The last pixel of a day still belongs to it.
        assert scale.date_at(scale.x_of(day) + ppd * 0.99) == day


def test_zoom_levels_are_ordered_from_fine_to_coarse() -> None:
    densities = [PIXELS_PER_DAY[z] for z in ZOOM_ORDER]
    assert densities == sorted(densities, reverse=True)
    assert next_zoom(Zoom.WEEKS, -1) is Zoom.WEEKS
    assert next_zoom(Zoom.WEEKS, 1) is Zoom.MONTHS
    assert next_zoom(Zoom.MONTHS, 5) is Zoom.YEAR
    assert next_zoom(Zoom.YEAR, -2) is Zoom.MONTHS


def test_date_at_clamps_to_the_scale_and_visible_range() -> None:
    scale = TimeScale(ORIGIN, date(2025, 6, 30), Zoom.MONTHS)  # 6 px a day
    assert scale.date_at(-50) == ORIGIN
    assert scale.date_at(1e9) == date(2025, 6, 30)
    first, last = scale.visible_range(60, 600)  # 100 days from day 10
    assert first == date(2025, 1, 11)
    assert last == date(2025, 4, 20)


def test_zoom_keeps_the_anchor_day_under_the_mouse() -> None:
    months = TimeScale(ORIGIN, date(2026, 12, 31), Zoom.MONTHS)
    anchor = date(2025, 8, 15)
    weeks = months.with_zoom(Zoom.WEEKS)
    scroll = weeks.scroll_for(anchor, 300)
    assert weeks.date_at(scroll + 300) == anchor
    assert weeks.origin == months.origin and weeks.end == months.end


def test_around_pads_and_includes_today() -> None:
    scale = TimeScale.around([date(2025, 3, 10), date(2025, 5, 1)], today=date(2025, 7, 1))
    assert scale.origin == date(2025, 2, 1)  # month start before the padding
    assert scale.end == date(2025, 7, 15)
    with pytest.raises(ValueError):
        TimeScale.around([])
    with pytest.raises(ValueError):
        TimeScale(date(2025, 2, 1), date(2025, 1, 1))


def test_fitted_scale_fills_the_width_exactly() -> None:
    scale = TimeScale(ORIGIN, date(2025, 12, 31), Zoom.MONTHS).fitted(500, Zoom.QUARTERS)
    assert scale.width == pytest.approx(500)
    assert scale.zoom is Zoom.QUARTERS


def test_week_ticks_mark_mondays_and_every_day() -> None:
    scale = TimeScale(date(2025, 3, 1), date(2025, 3, 31), Zoom.WEEKS)
    ticks = scale.ticks()
    assert len(ticks) == 31
    majors = [t for t in ticks if t.major]
    assert [t.day for t in majors] == [date(2025, 3, d) for d in (3, 10, 17, 24, 31)]
    assert majors[0].label == "Mon 3"
    assert all(t.x == scale.x_of(t.day) for t in ticks)
    assert [p.label for p in scale.periods()] == ["March 2025"]


def test_month_ticks_label_mondays_with_the_day() -> None:
    scale = TimeScale(date(2025, 3, 1), date(2025, 4, 30), Zoom.MONTHS)
    ticks = scale.ticks()
    assert all(t.day.weekday() == 0 and t.major for t in ticks)
    assert ticks[0].label == "3"
    periods = scale.periods()
    assert [p.label for p in periods] == ["March 2025", "April 2025"]
    assert periods[1].x0 == scale.x_of(date(2025, 4, 1))
    assert periods[0].x1 == periods[1].x0


def test_quarter_ticks_label_month_starts() -> None:
    scale = TimeScale(date(2025, 1, 1), date(2025, 12, 31), Zoom.QUARTERS)
    majors = [t for t in scale.ticks() if t.major]
    assert [t.label for t in majors][:4] == ["Jan", "Feb", "Mar", "Apr"]
    assert len(majors) == 12
    minors = [t for t in scale.ticks() if not t.major]
    assert minors and all(t.day.weekday() == 0 for t in minors)
    assert [p.label for p in scale.periods()] == ["Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025"]


def test_year_ticks_label_quarters() -> None:
    scale = TimeScale(date(2024, 11, 1), date(2026, 2, 28), Zoom.YEAR)
    majors = [t for t in scale.ticks() if t.major]
    assert [(t.day, t.label) for t in majors][:2] == [
        (date(2025, 1, 1), "Q1"),
        (date(2025, 4, 1), "Q2"),
    ]
    assert [p.label for p in scale.periods()] == ["2024", "2025", "2026"]
    # Periods are clipped to what is asked for.
    assert [p.label for p in scale.periods(date(2025, 6, 1), date(2025, 7, 1))] == ["2025"]


def test_ticks_of_a_window_stay_inside_it() -> None:
    scale = TimeScale(date(2025, 1, 1), date(2025, 12, 31), Zoom.WEEKS)
    ticks = scale.ticks(date(2025, 6, 1), date(2025, 6, 14))
    assert ticks[0].day == date(2025, 6, 1) and ticks[-1].day == date(2025, 6, 14)
    assert scale.ticks(date(2026, 1, 1), date(2026, 2, 1)) == []


@given(
    st.sampled_from(list(Zoom)),
    st.integers(min_value=0, max_value=3000),
)
def test_round_trip_for_any_day(zoom: Zoom, offset: int) -> None:
    scale = TimeScale(ORIGIN, ORIGIN + timedelta(days=3000), zoom)
    day = ORIGIN + timedelta(days=offset)
    assert scale.date_at(scale.x_of(day)) == day
    assert scale.date_at(scale.x_center(day)) == day


def test_pack_rows_reuses_a_row_once_it_is_free() -> None:
    d = date(2025, 1, 1)
    spans = [
        (d, d + timedelta(days=10)),
        (d + timedelta(days=5), d + timedelta(days=8)),  # overlaps the first
        (d + timedelta(days=11), d + timedelta(days=20)),  # after the first: its row
        (d + timedelta(days=10), d + timedelta(days=10)),  # same day as the first ends
    ]
    assert pack_rows(spans) == [0, 1, 0, 1]
