"""The benchmark (`make bench`, issue 8) measures each page in rounds; a page's figures are the
medians of its rounds', so one round spoilt by a burst of load elsewhere does not move them."""

from bench.size import combine_rounds


def test_a_pages_figures_are_the_medians_of_its_rounds_and_one_bad_round_does_not_move_them():
    rounds = [
        {"median_ms": 8.0, "p95_ms": 12.0, "floor_ms": 0.5, "loadavg": 1.0, "requests": 250, "rps": 200.0, "errors": 0},
        {"median_ms": 30.0, "p95_ms": 90.0, "floor_ms": 0.6, "loadavg": 3.5, "requests": 60, "rps": 50.0, "errors": 1},
        {"median_ms": 9.0, "p95_ms": 13.0, "floor_ms": 0.4, "loadavg": 1.2, "requests": 240, "rps": 190.0, "errors": 0},
    ]
    for r in rounds:
        r["tool"] = "wrk"
    combined = combine_rounds(rounds)
    assert (combined["median_ms"], combined["p95_ms"], combined["floor_ms"]) == (9.0, 13.0, 0.5)
    assert combined["requests"] == 550 and combined["errors"] == 1
    assert combined["rps"] == 146.7
    assert combined["round_medians_ms"] == [8.0, 30.0, 9.0]
    assert combined["tool"] == "wrk"
