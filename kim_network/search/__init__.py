"""Search over members with facets."""
