"""Recall and precision of `tracks draft` against case files written by people (run on demand, not a test).

    python scripts/draft_quality.py [--verbose]

For every article in tests/draft/articles/ (and the seed article in ../shared/articles, when present) it drafts
a case with the `published` date of the human case next to it, then matches claims: a human claim is
*recalled* when the draft has a claim with the same predicate whose quoted sentence contains the human quote
(or overlaps it by at least half); a drafted claim is *kept* (precision) when it matches a human claim that way.
Claims the draft only lists as comments count for neither. Prints both figures per language and overall.
tests/draft/test_quality.py asserts floors on the same figures.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "tests" / "draft" / "articles"
SEED = {"seed_000_986197148f7872b3.case.yaml": REPO.parent / "shared" / "articles" / "000_986197148f7872b3.txt"}


@dataclass
class Score:
    """Counts for one article (or a sum)."""

    human: int = 0
    recalled: int = 0
    drafted: int = 0
    kept: int = 0
    commented: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    def __iadd__(self, other: Score) -> Score:
        self.human += other.human
        self.recalled += other.recalled
        self.drafted += other.drafted
        self.kept += other.kept
        self.commented += other.commented
        self.misses += other.misses
        self.extras += other.extras
        return self

    @property
    def recall(self) -> float:
        return self.recalled / self.human if self.human else float("nan")

    @property
    def precision(self) -> float:
        return self.kept / self.drafted if self.drafted else float("nan")


def _norm(text: str) -> str:
    text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def _same_words(quote: str, sentence: str) -> bool:
    q, s = _norm(quote), _norm(sentence)
    if q in s or s in q:
        return True
    words = [w for w in re.findall(r"\w+", q) if len(w) > 2]
    if not words:
        return False
    return sum(w in s for w in words) / len(words) >= 0.5 and any(
        " ".join(words[i:i + 3]) in " ".join(re.findall(r"\w+", s)) for i in range(max(1, len(words) - 2)))


def cases() -> list[tuple[Path, Path]]:
    """(article, human case) pairs available here."""
    out = []
    for case in sorted(ARTICLES.glob("*.case.yaml")):
        if case.name in SEED:
            article = SEED[case.name]
        else:
            stem = case.name.removesuffix(".case.yaml")
            found = [p for p in ARTICLES.glob(stem + ".*") if not p.name.endswith(".case.yaml")]
            if not found:
                raise SystemExit(f"{case}: no article next to it")
            article = found[0]
        if article.exists():
            out.append((article, case))
    return out


def score(article: Path, case: Path) -> tuple[str, Score]:
    """The article's language and its counts."""
    from tracks.drafting import DraftError, draft_file

    human = yaml.safe_load(case.read_text(encoding="utf-8"))
    published = str(human["article"]["published"])
    try:
        result = draft_file(article, published=published)
    except DraftError as e:  # no claim found at all: every human claim is missed
        sc = Score(human=len(human["claims"]), misses=[f"{article.name}: {hc['id']} ({next(iter(hc['test']))}; "
                                                       f"{e})" for hc in human["claims"]])
        return str(human["article"].get("language")), sc
    drafted = [(c.predicate, c.proposal.sentence.text, c.id) for c in result.claims]
    sc = Score(human=len(human["claims"]), drafted=len(drafted), commented=len(result.unmapped))
    used: set[int] = set()
    for hc in human["claims"]:
        predicate = next(iter(hc["test"]))
        hit = next((i for i, (p, sent, _) in enumerate(drafted) if p == predicate and _same_words(hc["quote"], sent)),
                   None)
        if hit is None:
            sc.misses.append(f"{article.name}: {hc['id']} ({predicate})")
        else:
            sc.recalled += 1
            used.add(hit)
    for i, (p, sent, cid) in enumerate(drafted):
        if i in used or any(next(iter(hc["test"])) == p and _same_words(hc["quote"], sent) for hc in human["claims"]):
            sc.kept += 1
        else:
            sc.extras.append(f"{article.name}: {cid} ({p})")
    return str(human["article"].get("language") or result.language), sc


#: Article groups by file-name prefix: developed on; held out then fixed (h_); held out, untouched (h2_).
GROUPS = {"": "articles the rules were developed on",
          "h_": "h_*: held out at first (figures in RESULTS.md), then fixed: no longer held out",
          "h2_": "h2_*: written after the h_ fixes, held out: never used to tune the rules"}


def group(case: Path) -> str:
    """The article's group: 'h2_', 'h_' or '' (see GROUPS)."""
    return next((g for g in ("h2_", "h_") if case.name.startswith(g)), "")


def held_out(case: Path) -> bool:
    """Articles named h_* or h2_* (see GROUPS)."""
    return group(case) != ""


def score_all(*, held: bool | str = False) -> dict[str, Score]:
    """Scores per language, and 'all', of one group: False (developed on), True (h_ and h2_) or a prefix."""
    out: dict[str, Score] = {}
    total = Score()
    for article, case in cases():
        if (group(case) != held) if isinstance(held, str) else (held_out(case) != held):
            continue
        lang, sc = score(article, case)
        out.setdefault(lang, Score())
        out[lang] += sc
        total += sc
    out["all"] = total
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", action="store_true", help="List the missed and the extra claims.")
    args = ap.parse_args(argv)
    pairs = cases()
    print(f"{len(pairs)} articles with human case files")
    for prefix, title in GROUPS.items():
        scores = score_all(held=prefix)
        print(f"\n{title}")
        print(f"{'language':<9} {'human':>5} {'recalled':>8} {'recall':>7} {'drafted':>7} {'kept':>5} "
              f"{'precision':>9} {'comments':>8}")
        for lang, sc in scores.items():
            print(f"{lang:<9} {sc.human:>5} {sc.recalled:>8} {sc.recall:>7.0%} {sc.drafted:>7} {sc.kept:>5} "
                  f"{sc.precision:>9.0%} {sc.commented:>8}")
        if args.verbose:
            for m in scores["all"].misses:
                print("missed:", m)
            for e in scores["all"].extras:
                print("extra: ", e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
