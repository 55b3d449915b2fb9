import pytest

import salon
from salon.store.segments import add_segment, list_segments, segment_members, segment_rule
from tests.conftest import ROOT, run_cli, shared


def _store(store):
    salon.import_paths(
        store,
        [
            shared("exports/linkedin_export_2018_pseudonymised"),
            ROOT / "tests/data/google_contacts_2022.csv",
            ROOT / "tests/data/following_accounts.csv",
        ],
    )
    return store


def test_rules(fresh_store, tmp_path):
    store = _store(fresh_store)
    assert len(segment_members(store, segment_rule(store, "org:acme"))) == 2
    ceos = segment_members(store, segment_rule(store, "title:ceo"))
    both = segment_members(store, segment_rule(store, "title:ceo & org:quantile"))
    assert both and both < ceos
    assert segment_members(store, segment_rule(store, "platform:mastodon"))
    handles = tmp_path / "buyers.txt"
    handles.write_text("# buyers\nana@acme.example\nchenwei@fosstodon.org\n")
    assert len(segment_members(store, segment_rule(store, str(handles)))) == 2


def test_stored_segments(fresh_store):
    store = _store(fresh_store)
    add_segment(store, "acme", "org:acme")
    assert [s.name for s in list_segments(store)] == ["acme"]
    with pytest.raises(salon.SalonError, match=r"already exists\. Use --replace"):
        add_segment(store, "acme", "org:globex")
    add_segment(store, "acme", "org:globex", replace=True)
    assert segment_rule(store, "acme").rule == "org:globex"


def test_bad_rules(fresh_store):
    with pytest.raises(salon.SalonError) as error:
        segment_rule(fresh_store, "job:cto")
    assert str(error.value).startswith("'job:cto' is not a segment rule. Use KIND:VALUE")
    with pytest.raises(salon.SalonError, match="No segment 'buyers'"):
        segment_rule(fresh_store, "buyers")


def test_community_rules_keep_their_seed_and_resolution(fresh_store):
    add_segment(fresh_store, "c3", "community:3")
    add_segment(fresh_store, "c1", "community:1 & tag:x", seed=2, resolution=0.5)
    add_segment(fresh_store, "c4", "community:4@seed=7")
    rules = {s.name: s.rule for s in list_segments(fresh_store)}
    assert rules == {
        "c3": "community:3@seed=0,resolution=1",
        "c1": "community:1@seed=2,resolution=0.5 & tag:x",
        "c4": "community:4@seed=7,resolution=1",
    }
    asked = []
    segment_members(
        fresh_store,
        segment_rule(fresh_store, "c3"),
        communities=lambda n, seed, res: asked.append((n, seed, res)) or set(),
    )
    segment_members(
        fresh_store,
        segment_rule(fresh_store, "community:5"),
        communities=lambda n, seed, res: asked.append((n, seed, res)) or set(),
    )
    assert asked == [(3, 0, 1.0), (5, None, None)]  # in place: the command's own parameters
    with pytest.raises(salon.SalonError, match="not a community rule"):
        add_segment(fresh_store, "bad", "community:2@size=3")


def test_a_rule_that_fails_is_not_stored(fresh_store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(salon.SalonError) as error:
        add_segment(fresh_store, "x", "file:missing.txt")
    assert str(error.value) == f"No such segment file: '{tmp_path / 'missing.txt'}'."
    with pytest.raises(salon.SalonError) as error:
        add_segment(fresh_store, "y", "org:acme & followers:nobody-at-all")
    assert str(error.value) == (
        "Nobody called 'nobody-at-all'. Run 'salon people --query nobody-at-all' to search."
    )
    assert list_segments(fresh_store) == []


def test_file_rules_are_stored_with_an_absolute_path(tmp_path, monkeypatch):
    from salon.store.segments import remove_segment

    with salon.open_store(str(tmp_path / "s.db")) as store:
        _store(store)
        (tmp_path / "buyers.txt").write_text("ana@acme.example\n")
        monkeypatch.chdir(tmp_path)
        segment = add_segment(store, "buyers", "file:buyers.txt & org:acme")
        assert segment.rule == f"file:{tmp_path / 'buyers.txt'} & org:acme"
        monkeypatch.chdir("/")
        assert len(segment_members(store, segment_rule(store, "buyers"))) == 1
        assert remove_segment(store, "buyers").rule == segment.rule
        assert list_segments(store) == []
        with pytest.raises(salon.SalonError) as error:
            remove_segment(store, "buyers")
        assert str(error.value) == (
            "No segment 'buyers' (known: none yet). Run 'salon segment list' to see them."
        )


def test_file_lines_that_match_nobody_are_a_warning_naming_them(tmp_path):
    from salon.reporting import noticing

    said: list[str] = []
    with salon.open_store(str(tmp_path / "s.db")) as store:
        _store(store)
        edges = tmp_path / "market.txt"
        edges.write_text("101 102\n102 103\n")
        salon.import_paths(store, [edges], options=salon.ImportOptions(namespace="m", lake=True))
        buyers = tmp_path / "buyers.txt"
        buyers.write_text(
            "# buyers\nana@acme.example\nm:101\n102\nnobody@x.example\n@ghost\nzed\nqq\n"
        )
        with noticing(said.append):
            members = segment_members(store, segment_rule(store, str(buyers)))
        assert len(members) == 3  # Ana in the store, two market nodes of the lake
        assert said == [
            f"4 of the 7 entries of '{buyers}' name nobody in the store or the market lake "
            "('nobody@x.example', '@ghost', 'zed' and 1 more); the segment has the others."
        ]
        nobody = tmp_path / "nobody.txt"
        nobody.write_text("nobody@x.example\n@ghost\n")
        with pytest.raises(salon.SalonError) as error:
            segment_members(store, segment_rule(store, str(nobody)))
        assert str(error.value) == (
            f"None of the 2 entries of '{nobody}' names a known person "
            "('nobody@x.example', '@ghost')."
        )


def test_the_cli_prints_the_warning_on_stderr(tmp_path):
    db = tmp_path / "s.db"
    with salon.open_store(str(db)) as store:
        _store(store)
    buyers = tmp_path / "buyers.txt"
    buyers.write_text("ana@acme.example\nnobody@x.example\n")
    done = run_cli("segment", "add", "buyers", f"file:{buyers}", db=db)
    assert done.returncode == 0, done.stderr
    assert " ".join(done.stderr.split()) == (
        f"Warning: 1 of the 2 entries of '{buyers}' name nobody in the store or the market "
        "lake ('nobody@x.example'); the segment has the others."
    )
    assert "1 person" in done.stdout
