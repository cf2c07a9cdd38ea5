"""`tracks.draft`: what it proposes for the article's words, in three languages, and that it never invents."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import tracks
from tests.helpers import REPO
from tracks.claims.case import parse_case
from tracks.drafting import Draft, DraftError, draft, draft_file

ARTICLES = Path(__file__).parent / "articles"
SEED = REPO.parent / "shared" / "articles" / "000_986197148f7872b3.txt"


def claims(d: Draft) -> dict[str, dict]:
    return {c["id"]: c for c in yaml.safe_load(d.yaml)["claims"]}


def by_predicate(d: Draft, predicate: str) -> list[dict]:
    return [c for c in claims(d).values() if next(iter(c["test"])) == predicate]


def assert_valid(d: Draft, tmp_path: Path) -> None:
    """The drafted YAML parses with the case parser (track file present), every claim a draft, every quote
    exactly at its position."""
    (tmp_path / "TRACK-FILE.json").write_text("{}")
    case = parse_case(d.yaml, str(tmp_path / "case.yaml"))
    paragraphs = {p.number: p.text for p in d.article.paragraphs}
    assert case.claims and all(c.draft for c in case.claims)
    for c in case.claims:
        assert paragraphs[c.at["paragraph"]][c.at["start"]:c.at["end"]] == c.quote
        assert c.why


@pytest.fixture(scope="module")
def seed() -> Draft:
    if not SEED.exists():
        pytest.skip("../shared/articles is absent")
    return draft_file(SEED, published="2025-12-01")


def test_seed_article_gives_the_four_claims_quoted_and_located(seed: Draft, tmp_path: Path) -> None:
    assert_valid(seed, tmp_path)
    sentence = ("According to the ADSB Exchange website, which monitors flight tracking data, the aircraft departed "
                "from Caracas and flew to the border with the Brazilian state of Roraima before returning to the "
                "Venezuelan capital.")
    c = claims(seed)
    dep = next(x for x in by_predicate(seed, "departed_from") if x["quote"] == sentence)
    assert dep["test"] == {"departed_from": {"airports": ["SVMI", "SVFM"]}}
    assert any("served by 2 airports (SVMI, SVFM)" in r for r in dep["review"])
    border = next(x for x in by_predicate(seed, "approached") if x["quote"] == sentence)
    assert border["test"]["approached"]["border"] == ["VE", "BR-RR"]
    assert any("gives no distance" in r for r in border["review"])  # the distance is left for the reviewer
    ret = c["returned-caracas"]
    assert ret["quote"] == sentence and ret["test"] == {"landed_at": {"airports": ["SVMI", "SVFM"]}}
    assert ret["after"] == border["id"]
    assert "Venezuelan capital" in ret["why"]
    seq = next(x for x in by_predicate(seed, "sequence") if x["quote"] == sentence)
    assert seq["test"]["sequence"]["claims"] == [dep["id"], border["id"], "returned-caracas"]
    (closed,) = by_predicate(seed, "traffic_count")
    assert "“closed in its entirety”" in closed["quote"]
    assert closed["test"]["traffic_count"]["region"] == "VE"
    notes = " ".join(closed["review"])
    assert "region VE" in notes and "period 2025-11-24..2025-12-01" in notes and "'last week'" in notes
    assert "placeholder" in notes
    assert closed["at"] == {"paragraph": 17, "start": 0, "end": len(closed["quote"])}


def test_seed_relative_dates_are_resolved_from_published_and_flagged(seed: Draft) -> None:
    doc = yaml.safe_load(seed.yaml)
    assert doc["window"] == {"start": "2025-11-23T18:00-04:00", "end": "2025-12-01T12:00-04:00"}
    assert doc["timezone"] == "America/Caracas"
    window_line = next(ln for ln in seed.yaml.splitlines() if ln.startswith("window:"))
    assert "REVIEW" in window_line and "'last week' resolved from the publication date (1 Dec 2025) as 24-30 Nov" \
        in window_line
    assert "registration: UNKNOWN  # REVIEW" in seed.yaml  # the article names no aircraft: nothing invented


def test_seed_statements_without_a_test_are_kept_as_comments(seed: Draft) -> None:
    assert "# - paragraph 30 [0:127]: B2 and B1 bombers capable of carrying" in seed.yaml
    assert any(u.sentence.paragraph == 21 for u in seed.unmapped)  # "It is not clear if Maduro was on that plane"


def test_local_times_ground_time_and_negation_in_portuguese(tmp_path: Path) -> None:
    d = draft_file(ARTICLES / "pt_01_yv2984_pacaraima.txt", published="2025-11-29")
    assert_valid(d, tmp_path)
    c = claims(d)
    landing = c["time-landing-2110"]["test"]["event_time_within"]
    assert landing == {"event": "landing", "airports": ["SVSE"],
                       "start": {"local": "2025-11-28 20:40", "tz": "America/Caracas"},
                       "end": {"local": "2025-11-28 21:40", "tz": "America/Caracas"}}
    assert "por volta das 21h10 (horário local)" in c["time-landing-2110"]["quote"]
    assert any("sexta-feira (28)" in r for r in c["time-landing-2110"]["review"])  # the day was carried over
    assert c["time-takeoff-2150"]["test"]["event_time_within"]["airports"] == ["SVSE"]  # "decolou novamente"
    ground = c["ground-time-santa-elena-de-uairen"]["test"]["visited"]
    assert ground == {"airports": ["SVSE"], "ground_time": {"at_least": "30 min", "at_most": "50 min"}}
    never = c["never-entered-br"]
    assert never["test"] == {"never_entered": {"region": "BR"}}
    assert any("territorial sea" in r for r in never["review"])  # the ambiguity is written down
    assert never["after"] == "departed-caracas" and never["before"] == "returned-caracas"
    border = c["approached-border-ve-br-rr"]
    assert border["test"]["approached"] == {"border": ["VE", "BR-RR"], "within_km": 15.0}  # "cerca de 10 km" x1.5
    assert any("not where the aircraft was" in r for r in border["review"])  # "O aeroporto fica a ..."


def test_spanish_hora_del_este_and_denial_over_the_sea(tmp_path: Path) -> None:
    d = draft_file(ARTICLES / "es_02_b52_costa.html", published="2025-10-16")
    assert_valid(d, tmp_path)
    c = claims(d)
    assert "Madrid" not in d.yaml  # the script's text is never read
    t = c["time-takeoff-0250"]["test"]["event_time_within"]
    assert t["start"] == {"local": "2025-10-15 02:20", "tz": "America/New_York"}  # "este miércoles", Eastern time
    assert c["departed-barksdale"]["test"] == {"departed_from": {"airports": ["KBAD"]}}
    assert c["stayed-outside-ve-territorial-sea"]["test"] == {"stayed_outside": {"region": {"territorial_sea": "VE"}}}
    orchila = c["approached-la-orchila"]
    assert orchila["test"]["approached"]["within_km"] == 129.0  # "a unos 86 kilómetros" x1.5
    assert any("radius_km" in r for r in orchila["review"])
    doc = yaml.safe_load(d.yaml)
    assert doc["aircraft"] == {"callsign": "BUNNY01", "registration": "UNKNOWN"}
    assert doc["article"]["publisher"] == "Diario Ejemplo" and doc["article"]["published"] == "2025-10-16"


def test_nautical_miles_miles_hex_callsigns_and_an_unknown_place(tmp_path: Path) -> None:
    d = draft_file(ARTICLES / "en_01_b1_los_testigos.md", published="2025-10-24")
    assert_valid(d, tmp_path)
    c = claims(d)
    assert c["approached-coast-ve"]["test"]["approached"] == {"region": "VE", "within_km": 80.5}  # 50 mi, "within"
    doc = yaml.safe_load(d.yaml)
    assert doc["aircraft"] == {"icao24": "ae6c01", "callsign": "BARB21"}
    assert "also named: BARB22" in d.yaml and "address ae6c01: in the ICAO block of United States" in d.yaml
    # Los Testigos is in no bundled gazetteer: not placed anywhere, kept as a comment with the distance
    testigos = next(u for u in d.unmapped if "Los Testigos" in u.reason)
    assert "within_km 11.1" in testigos.reason and "circle" in testigos.reason
    assert not any("Lagos" in x for x in d.yaml.splitlines())


def test_aircraft_registration_checked_against_the_block(tmp_path: Path) -> None:
    text = ("The Venezuelan government jet, registration YV2984 (ICAO hex 0D8373), departed from Caracas.\n"
            "A second jet, registration N123AB, landed in Caracas.")
    d = draft(text, published="2025-11-29")
    doc = yaml.safe_load(d.yaml)
    assert doc["aircraft"]["icao24"] == "0d8373" and doc["aircraft"]["registration"] == "YV2984"
    assert "registration N123AB does not match the prefix of Venezuela (^YV), whose block holds 0d8373" in d.yaml
    assert "registration YV2984: the prefix of VE" in d.yaml
    given = draft(text, published="2025-11-29", aircraft="YV3016")
    assert yaml.safe_load(given.yaml)["aircraft"]["registration"] == "YV3016"


def test_ambiguous_places_list_their_candidates() -> None:
    d = draft("The jet flew to the border with the state of Amazonas after it departed from Caracas.",
              published="2025-11-29")
    (border,) = by_predicate(d, "approached")
    assert any("BR-AM" in r and "VE-Z" in r for r in border["review"])


def test_negated_landing_is_kept_as_a_comment_not_a_test() -> None:
    d = draft("The aircraft departed from Caracas. It did not land in Boa Vista, officials said.",
              published="2025-11-29")
    assert [next(iter(c["test"])) for c in claims(d).values()] == ["departed_from"]
    assert any("negated" in u.reason for u in d.unmapped)


def test_no_claim_is_a_clear_error() -> None:
    with pytest.raises(DraftError, match="no checkable claim"):
        draft("The weather was nice and the markets rose.", published="2025-11-29")
    with pytest.raises(DraftError, match="publication date"):
        draft("The jet departed from Caracas.")
    with pytest.raises(DraftError, match="not a date"):
        draft("The jet departed from Caracas.", published="last Tuesday")


def test_hostile_unicode_and_yaml_syntax_in_quotes_stay_text(tmp_path: Path) -> None:
    text = ('The jet departed from Caracas: {"a": 1} - id: x # not a comment \u2028 &anchor *alias '
            '\u202eevil\u202c ✈️ at 21:10 local time.\n'
            'It landed in Boa Vista, "quoted" and \'single\', \\backslash\\ — 𝓯𝓪𝓷𝓬𝔂.')
    d = draft(text, published="2025-11-29")
    assert_valid(d, tmp_path)
    quotes = [c["quote"] for c in claims(d).values()]
    assert any("{\"a\": 1} - id: x # not a comment" in q for q in quotes)
    assert all("\u202e" not in q and "\u2028" not in q for q in quotes)


def test_python_api_is_tracks_draft() -> None:
    d = tracks.draft("The jet departed from Caracas.", published="2025-11-29")
    assert [c.predicate for c in d.claims] == ["departed_from"]


def test_proposals_are_checked_against_the_claims_spec() -> None:
    from tracks.drafting.rules import Proposal
    from tracks.drafting.text import Sentence

    s = Sentence(1, 0, 4, "text", 0)
    with pytest.raises(ValueError, match="not in the claims spec"):
        Proposal("x", "approches", {}, s, [])
    with pytest.raises(ValueError, match="within_nm"):
        Proposal("x", "approached", {"border": ["VE", "BR"], "within_nm": 6}, s, [])


def test_write_replaces_the_file_whole(tmp_path: Path) -> None:
    out = tmp_path / "case.yaml"
    out.write_text("old")
    d = draft("The jet departed from Caracas.", published="2025-11-29")
    d.write(out)
    assert out.read_text(encoding="utf-8") == d.yaml
    assert [p.name for p in tmp_path.iterdir()] == ["case.yaml"]


def test_zones_with_different_offsets_on_the_publication_day_are_noted() -> None:
    # Madrid is UTC+1 in December and Caracas UTC-4: the local times may be on either clock
    d = draft("The jet departed from Madrid and landed in Caracas.", published="2025-12-01")
    line = next(ln for ln in d.yaml.splitlines() if ln.startswith("timezone:"))
    assert "Europe/Madrid" in line and "America/Caracas" in line and "different UTC offsets" in line
    # Caracas and Boa Vista are both UTC-4: nothing to note
    d = draft("The jet departed from Caracas and landed in Boa Vista.", published="2025-12-01")
    assert "different UTC offsets" not in d.yaml
