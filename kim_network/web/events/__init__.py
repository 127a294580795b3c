"""KI.M events with matchmaking: pages for members (register, needs, availability, suggested
meetings, agenda and .ics) and for staff (edit, participants, grid, scheduler, CSV)."""
from kim_network.web.events.routes import bp  # noqa: F401  (the blueprint, with its views)
from kim_network.web.events import staff  # noqa: E402,F401  (the staff views on the same blueprint)
