"""A light version of evals/bench_load.py: five reviews submitted at once to the real app in a
subprocess (HTTP API, a worker process); none is lost, none fails, each consultant sees only
their own."""

from evals.bench_load import run_app_load


def test_five_concurrent_reviews_through_the_api_none_lost(tmp_path):
    r = run_app_load(5, workers=1, timeout=240, ui=False, tmp=tmp_path)
    print(r)
    assert r["errors"] == [] and r["submitted"] == 5 and r["done"] == 5 and r["lost_jobs"] == 0
    assert r["queue_counts"]["done"] == 5 and r["queue_counts"]["queued"] == 0 and r["queue_counts"]["running"] == 0
    assert r["consultant_sees_only_own"]
    assert r["peak_rss_mb"] > 50  # memory really was sampled from the live processes
