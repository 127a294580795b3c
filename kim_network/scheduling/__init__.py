"""Event meeting scheduling: a pure engine (no Flask, no store, no driver).

- :mod:`.grid` builds and validates an event's slot grid;
- :mod:`.problem` holds the problem's types (participants, requests, settings, the
  schedule) and checks the input;
- :mod:`.solver` places accepted 1:1 meeting requests into slots and tables with
  OR-Tools CP-SAT;
- :mod:`.reasons` says why each request left out was not placed;
- :mod:`.ical` writes a personal agenda as an iCalendar file.
"""
from .grid import GridError, Slot, check_within, find_slot, grid_from_json, grid_to_json, make_grid, parse_slot_lines, parse_time, validate_grid
from .problem import MeetingRequest, Participant, Placement, Schedule, ScheduleInputError, SolverSettings
from .reasons import Reason, Unplaced
from .solver import schedule_meetings

__all__ = [
    "GridError", "Slot", "check_within", "find_slot", "grid_from_json", "grid_to_json", "make_grid",
    "parse_slot_lines", "parse_time", "validate_grid",
    "MeetingRequest", "Participant", "Placement", "Reason", "Schedule", "ScheduleInputError",
    "SolverSettings", "Unplaced", "schedule_meetings",
]
