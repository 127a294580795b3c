"""The slot grid: what staff type becomes slots, and every broken grid is refused with a clear reason."""
import datetime as dt

import pytest

from kim_network.scheduling.grid import (
    GridError,
    Slot,
    check_within,
    find_slot,
    grid_from_json,
    grid_to_json,
    make_grid,
    parse_slot_lines,
    parse_time,
    validate_grid,
)

DAY = dt.date(2026, 6, 3)


def at(h, m=0):
    return dt.datetime.combine(DAY, dt.time(h, m))


def test_twenty_minute_slots_from_two_to_five():
    grid = make_grid(DAY, dt.time(14), dt.time(17), 20)
    assert [s.label for s in grid] == [
        "14:00–14:20", "14:20–14:40", "14:40–15:00", "15:00–15:20", "15:20–15:40",
        "15:40–16:00", "16:00–16:20", "16:20–16:40", "16:40–17:00",
    ]
    assert len({s.id for s in grid}) == 9
    assert validate_grid(grid) == grid


def test_a_last_slot_that_would_overrun_the_window_is_left_out():
    grid = make_grid(DAY, dt.time(14), dt.time(15, 10), 20)
    assert grid[-1].end <= at(15, 10)
    assert len(grid) == 3


def test_breaks_and_gaps_are_kept_free():
    grid = make_grid(DAY, dt.time(14), dt.time(17), 25, gap=5, breaks=[(dt.time(15), dt.time(15, 30))])
    brk = Slot(at(15), at(15, 30))
    assert not any(s.overlaps(brk) for s in grid)
    for a, b in zip(grid, grid[1:]):
        assert b.start - a.end >= dt.timedelta(minutes=5)


@pytest.mark.parametrize("kwargs, code", [
    (dict(start=dt.time(17), end=dt.time(14), minutes=20), "window_end_before_start"),
    (dict(start=dt.time(14), end=dt.time(17), minutes=2), "bad_slot_length"),
    (dict(start=dt.time(14), end=dt.time(14, 10), minutes=20), "empty_grid"),
    (dict(start=dt.time(14), end=dt.time(17), minutes=20, gap=-5), "bad_gap"),
])
def test_impossible_windows_are_refused(kwargs, code):
    with pytest.raises(GridError) as err:
        make_grid(DAY, **kwargs)
    assert err.value.code == code


def test_overlapping_slots_are_refused_and_named():
    with pytest.raises(GridError) as err:
        parse_slot_lines(DAY, "14:00-14:20\n14:10-14:30")
    assert err.value.code == "slot_overlap"
    assert err.value.params == {"slot": "14:00–14:20", "other": "14:10–14:30"}


def test_a_long_slot_that_contains_later_ones_is_an_overlap():
    slots = [Slot(at(14), at(16)), Slot(at(14, 30), at(14, 50)), Slot(at(15), at(15, 20))]
    with pytest.raises(GridError) as err:
        validate_grid(slots)
    assert err.value.code == "slot_overlap"


def test_the_same_slot_twice_is_an_overlap():
    with pytest.raises(GridError) as err:
        parse_slot_lines(DAY, "14:00-14:20\n14:00-14:20")
    assert err.value.code == "slot_overlap"


def test_touching_slots_do_not_overlap():
    assert len(parse_slot_lines(DAY, "14:00-14:20\n14:20-14:40")) == 2


@pytest.mark.parametrize("text, code", [
    ("14:00", "bad_slot"),
    ("14:00-25:00", "bad_time"),
    ("15:00-14:00", "slot_end_before_start"),
    ("14:00-14:00", "slot_end_before_start"),
    ("", "empty_grid"),
    ("<script>-x", "bad_time"),
])
def test_hand_written_grids_with_errors(text, code):
    with pytest.raises(GridError) as err:
        parse_slot_lines(DAY, text)
    assert err.value.code == code


def test_a_slot_outside_the_grid_is_not_found():
    grid = make_grid(DAY, dt.time(14), dt.time(15), 20)
    assert find_slot(grid, grid[1].id) == grid[1]
    with pytest.raises(GridError) as err:
        find_slot(grid, "2026-06-03T14:10")  # inside the window, but not a slot start
    assert err.value.code == "slot_outside_grid"


def test_slots_must_lie_inside_the_event():
    grid = make_grid(DAY, dt.time(14), dt.time(17), 20)
    check_within(grid, at(13), at(18))
    with pytest.raises(GridError) as err:
        check_within(grid, at(14), at(16))
    assert err.value.code == "slot_outside_event"
    assert err.value.params["slot"] == "16:00–16:20"


def test_json_round_trip_and_malformed_rows():
    grid = make_grid(DAY, dt.time(9), dt.time(10), 30)
    assert grid_from_json(grid_to_json(grid)) == grid
    for bad in ({"start": "x", "end": "y"}, {"start": "2026-06-03T14:00"},
                {"start": "2026-06-03T14:00+02:00", "end": "2026-06-03T14:20+02:00"}):
        with pytest.raises(GridError) as err:
            grid_from_json([bad])
        assert err.value.code == "bad_slot"


def test_times_accept_dots_and_refuse_nonsense():
    assert parse_time("09.05") == dt.time(9, 5)
    for bad in ("24:00", "9", "nine", None):
        with pytest.raises(GridError):
            parse_time(bad)
