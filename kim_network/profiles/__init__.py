"""Organisation and person profiles."""
