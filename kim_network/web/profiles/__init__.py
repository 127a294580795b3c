"""Organisation and person profiles: pages, edit forms, confirmation, merging duplicates."""
from kim_network.web.profiles.routes import bp  # noqa: F401  (the blueprint, with its views)
