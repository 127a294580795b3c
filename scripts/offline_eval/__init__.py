"""The parts of `scripts/evaluate.py` (the offline evaluation of partner recommendations), by concern:
`periods` (constants, the cache, the data of one period), `methods` (the recommenders under
evaluation), `runs` (running a task in forked workers, metrics, slices and intervals), `tuning`
(the baselines' parameters and the rankers, fitted on 2023) and `report` (the Markdown tables)."""
