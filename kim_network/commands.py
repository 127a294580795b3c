"""Feature commands registered on the `kim` group (importers, demo data, matching)."""
