from index.fusion import rrf, weighted


def test_rrf_matches_hand_computed_scores():
    out = dict(rrf({"bm25": ["a", "b", "c"], "dense": ["b", "d"]}, k=60))
    assert abs(out["b"] - (1 / 62 + 1 / 61)) < 1e-12
    assert abs(out["a"] - 1 / 61) < 1e-12
    assert abs(out["d"] - 1 / 62) < 1e-12
    assert [i for i, _ in rrf({"bm25": ["a", "b", "c"], "dense": ["b", "d"]})][0] == "b"


def test_weighted_fusion_min_max_normalises_each_retriever():
    out = dict(weighted({"bm25": [("a", 10.0), ("b", 5.0), ("c", 0.0)], "dense": [("c", 0.9), ("a", 0.7)]}))
    assert out["a"] == 1.0 + 0.0
    assert out["b"] == 0.5
    assert out["c"] == 0.0 + 1.0
