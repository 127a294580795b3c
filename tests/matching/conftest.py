import pytest

from kim_network.matching.projection_build import build_projection

from .fixtures import graph


@pytest.fixture(scope="session")
def proj():
    """The projection of the fictional graph (built once: it is read-only)."""
    nodes, edges = graph()
    return build_projection(nodes, edges, text_dims=8)
