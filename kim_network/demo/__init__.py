"""A fictional but plausible Bavarian AI-and-media ecosystem for demos and local development.

`generate(seed)` builds the same graph for the same seed: ~300 organisations across the
seven Regierungsbezirke, ~600 people, past projects, KI.M events, open funding calls,
regions, and three demo accounts. Every name, website, e-mail address and phone number is
invented (websites and e-mail under `.example`, phone numbers with a subscriber number
starting with 0, which German numbering never assigns). Cities, NUTS codes and
coordinates are real, so the map looks right.

Skills come from the curated taxonomy: tech providers and research OFFER what they can do,
media companies NEED what they want. Needs and offers overlap only partly: a few skills
are needed and offered by nobody (the gap the analytics should find), and projects form
among nearby, thematically close partners, so the collaboration graph has communities.

`seed(store)` writes it all (and the taxonomy) with upserts, so it can run again.
"""
from kim_network.demo.builder import DemoData, generate, seed  # noqa: F401
from kim_network.demo.data import DEFAULT_SEED, DEMO_ACCOUNTS, GAP_SKILLS, REFERENCE_DAY, SOURCE, slugify  # noqa: F401
