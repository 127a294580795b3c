"""The seeded fictional CORDIS folder of the matching tests; kept importable as `write` (other
branches import it). The one writer is `tests.fixtures.cordis_folder.write_generated_folder`."""
from __future__ import annotations

from tests.fixtures.cordis_folder import write_generated_folder as write

__all__ = ["write"]
