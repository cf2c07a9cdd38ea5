"""Recall and precision of the drafts against the case files people wrote for tests/draft/articles (floors that
fail when the drafting gets worse; the figures themselves: python scripts/draft_quality.py)."""

from __future__ import annotations

import yaml

from scripts.draft_quality import ARTICLES, cases, score_all
from tests.helpers import REPO
from tracks.claims.case import parse_case

#: Floors per language (recall, precision) on the articles the rules were developed on; measured at 0.89/0.81 (en),
#: 1.0/0.85 (es), 1.0/0.91 (pt), 0.95/0.84 (all) (benchmarks/RESULTS.md).
FLOORS = {"en": (0.85, 0.75), "es": (0.9, 0.75), "pt": (0.9, 0.8), "all": (0.9, 0.8)}
#: On the h_* articles (held out at first: 0.70 recall, 1.0 precision overall, see RESULTS.md), after the fixes they
#: prompted: 1.0/1.0 (en), 0.67/1.0 (es), 1.0/0.88 (pt), 0.90/0.95 (all).
HELD_OUT_FLOORS = {"en": (0.85, 0.85), "es": (0.6, 0.9), "pt": (0.85, 0.8), "all": (0.85, 0.85)}
#: On the h2_* articles (held out at first: 0.27 recall, 1.0 precision overall), after the fixes they prompted:
#: 1.0/1.0 in each language.
H2_FLOORS = {"en": (0.9, 0.9), "es": (0.9, 0.9), "pt": (0.9, 0.9), "all": (0.9, 0.9)}


def test_every_human_case_file_is_a_valid_case(tmp_path) -> None:
    (tmp_path / "TRACK.json").write_text("{}")
    for case in sorted(ARTICLES.glob("*.case.yaml")):
        parsed = parse_case(case.read_text(encoding="utf-8"), str(tmp_path / case.name))
        assert parsed.claims and not any(c.draft for c in parsed.claims), case.name
        assert yaml.safe_load(case.read_text())["article"]["published"]


def test_recall_and_precision_stay_above_their_floors() -> None:
    pairs = cases()
    assert len(pairs) >= 12 + (1 if (REPO.parent / "shared" / "articles").exists() else 0)
    for held, floors, least in ((False, FLOORS, 8), ("h_", HELD_OUT_FLOORS, 5), ("h2_", H2_FLOORS, 4)):
        scores = score_all(held=held)
        for lang, (recall, precision) in floors.items():
            s = scores[lang]
            assert s.human >= least, (held, lang)
            assert s.recall >= recall, (held, lang, s.recall, s.misses)
            assert s.precision >= precision, (held, lang, s.precision, s.extras)
