"""BLAS and OpenMP pinned to one thread per process, in the web app and in the CLI.

On a server, parallelism comes from workers and requests, not from inside one matrix
product: OpenBLAS's extra threads spin on the few cores a worker shares with the others
and double the time of a query under load (46 ms instead of 83 ms per batch query here).
`pin_blas` sets the thread variables for libraries loaded later and limits the loaded
ones now (threadpoolctl). `KIM_BLAS_THREADS` changes the number.
"""
from __future__ import annotations

import os

_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
              "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def blas_threads() -> int:
    try:
        return max(1, int(os.environ.get("KIM_BLAS_THREADS", "1")))
    except ValueError:
        return 1


def pin_blas(threads: int | None = None) -> list[dict]:
    """Limit every BLAS and OpenMP pool to `threads` (default `KIM_BLAS_THREADS` or 1).

    Returns threadpoolctl's description of the pools as they are now.
    """
    from threadpoolctl import threadpool_info, threadpool_limits

    threads = threads or blas_threads()
    for name in _VARIABLES:  # libraries loaded from now on start with this
        os.environ[name] = str(threads)
    import numpy  # noqa: F401  (load the pool the projection uses, so it is limited now)

    threadpool_limits(limits=threads)
    return threadpool_info()
