"""truce's performance suite: ratios against a baseline measured in the same run.

Each area has a module ``bench_<area>.py`` with ``run(quick: bool) -> list[Result]``. ``python -m
benchmarks [--quick] [--only AREA]`` runs them and writes ``benchmarks/results.json``.
"""
