"""Event meeting scheduling: a pure engine (no Flask, no store, no driver).

- :mod:`.grid` builds and validates an event's slot grid;
- :mod:`.solver` places accepted 1:1 meeting requests into slots and tables with
  OR-Tools CP-SAT and says why each request left out was not placed;
- :mod:`.ical` writes a personal agenda as an iCalendar file.
"""
from .grid import GridError, Slot, check_within, find_slot, grid_from_json, grid_to_json, make_grid, parse_slot_lines, parse_time, validate_grid
from .solver import (
    MeetingRequest,
    Participant,
    Placement,
    Reason,
    Schedule,
    ScheduleInputError,
    SolverSettings,
    Unplaced,
    schedule_meetings,
)

__all__ = [
    "GridError", "Slot", "check_within", "find_slot", "grid_from_json", "grid_to_json", "make_grid",
    "parse_slot_lines", "parse_time", "validate_grid",
    "MeetingRequest", "Participant", "Placement", "Reason", "Schedule", "ScheduleInputError",
    "SolverSettings", "Unplaced", "schedule_meetings",
]
