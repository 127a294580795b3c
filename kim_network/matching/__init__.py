"""Matching engine: recommendations with reasons over an in-memory projection of the graph.

Service API (see `kim_network.matching.recommenders` for arguments; all return ranked
`Recommendation(id, label, score, name, reasons=[Reason(kind, text_de, text_en, share, data)])`):

- `partners_for_organization(proj, org_id, k, viewer, constraints, feedback, sme_boost=, newcomer_boost=)`
- `similar_organizations(proj, org_id, k, viewer, constraints, feedback)` (peers, not partners)
- `partners_for_project_idea(proj, text, skills, partners, constraints, k, viewer, feedback, topic=)`
- `collaborators_for_researcher(proj, person_id, k, viewer, constraints, feedback)`
- `researchers_for_needs(proj, org_id, k, viewer, constraints, feedback, skills=, text=)`
- `consortium.build_consortia(proj, call_id_or_requirements, n_alternatives, viewer, constraints, feedback)`

The projection comes from `cache.projection_for(store)` (shared per process, refreshed when
the store's change counter moves). Bad input raises `MatchingError` (a ValueError) with a
message for the user. Algorithms (`signals`, `rank`, `consortium`) are pure functions.
"""
from kim_network.matching.types import Constraints, MatchingError, Reason, Recommendation

__all__ = ["Constraints", "MatchingError", "Reason", "Recommendation"]
