"""A query set with judged answers, on the search corpus ``tests/fixtures/search`` (releases of 2025).

Each query: the search page's language, the query, every page of that language that answers it
(all of them: precision and recall are measured against this list), and pages that must not
appear (the traps: characters of the query present but apart, a longer word starting with it).
Pages are named by their file name; the URL is ``/<lang>/press/2025/<name>/``.

Used by ``tests/test_search_quality.py`` (the search page in Chromium) and by
``tools/search_options.py`` (the indexing options of issue 18, measured on the same queries).
"""

from __future__ import annotations

from typing import NamedTuple


class Query(NamedTuple):
    lang: str
    text: str
    answers: tuple[str, ...]
    not_answers: tuple[str, ...] = ()
    kind: str = ""

    def url(self, name: str) -> str:
        return f"/{self.lang}/press/2025/{name}/"


QUERIES = [
    # Traditional Chinese, as written
    Query("tc", "數字政策", ("data-policy",), ("identity",), "tc"),
    Query("tc", "數據", ("data-policy", "sandbox"), ("identity",), "tc"),  # identity: 根據 … 數字, apart
    Query("tc", "數碼港", ("cyberport", "lab-head"), (), "name"),
    Query("tc", "黃志光", ("lab-head", "forum-22"), (), "name"),
    Query("tc", "論壇", ("forum-22", "mobile-app"), ("workshop",), "tc"),  # workshop: 討論 … 花壇
    Query("tc", "人工智能", ("lab-head", "forum-22"), (), "tc"),
    Query("tc", "資訊科技", ("budget",), (), "tc"),
    Query("tc", "回覆", ("enquiries",), (), "tc"),  # the Simplified page words it 回复
    Query("tc", "搜尋", ("enquiries",), (), "tc"),  # the Simplified page words it 搜索
    Query("tc", "雲端", ("sandbox", "budget"), (), "tc"),
    Query("tc", "實驗室", ("lab-head", "forum-22", "cyberport", "mobile-app"), (), "tc"),
    Query("tc", "智方便", ("identity",), (), "name"),
    # Simplified Chinese, as converted
    Query("sc", "数字政策", ("data-policy",), ("identity",), "sc"),
    Query("sc", "数据", ("data-policy", "sandbox"), ("identity",), "sc"),
    Query("sc", "数码港", ("cyberport", "lab-head"), (), "name"),
    Query("sc", "黄志光", ("lab-head", "forum-22"), (), "name"),
    Query("sc", "论坛", ("forum-22", "mobile-app"), ("workshop",), "sc"),
    Query("sc", "回复", ("enquiries",), (), "sc"),
    Query("sc", "搜索", ("enquiries",), (), "sc"),
    Query("sc", "云端", ("sandbox", "budget"), (), "sc"),
    Query("sc", "智慧城市", ("cyberport",), ("mobile-app",), "sc"),  # mobile-app: 智慧實驗室
    # the other script typed
    Query("tc", "数字政策", ("data-policy",), ("identity",), "cross-script"),
    Query("sc", "數字政策", ("data-policy",), ("identity",), "cross-script"),
    Query("sc", "數碼港", ("cyberport", "lab-head"), (), "cross-script"),
    Query("sc", "創新實驗室", ("cyberport", "lab-head"), (), "cross-script"),
    Query("tc", "数码港", ("cyberport", "lab-head"), (), "cross-script"),
    Query("tc", "數码港", ("cyberport", "lab-head"), (), "mixed-script"),  # both scripts in one word
    Query("sc", "人工智能 論壇", ("forum-22",), ("lab-head", "mobile-app"), "mixed-script"),
    # several words: every one of them
    Query("tc", "數碼港 人工智能", ("lab-head",), ("cyberport", "forum-22"), "words"),
    Query("en", "data governance", ("data-policy",), (), "words"),
    Query("en", "artificial intelligence", ("lab-head", "forum-22"), (), "words"),
    Query("en", "smart city", ("cyberport",), ("app-trial",), "words"),
    Query("en", "AI agents", ("forum-22",), ("acronyms",), "words"),
    Query("en", "mobile app", ("app-trial",), (), "words"),
    # English
    Query("en", "Cyberport", ("cyberport", "lab-head"), (), "name"),
    Query("en", "Wong", ("lab-head", "forum-22"), (), "name"),
    Query("en", "forum", ("forum-22",), (), "en"),
    Query("en", "alpha", ("app-trial",), ("acronyms",), "en"),  # acronyms: "alphabet" and "A"
    Query("en", "budget", ("budget",), (), "en"),
    Query("en", "enquiries", ("enquiries", "lab-head"), (), "en"),
    Query("en", "sandbox", ("sandbox",), (), "en"),
    # no answer
    Query("tc", "量子", (), (), "none"),
    Query("en", "zzqx", (), (), "none"),
]


def scores(query: Query, found: list[str]) -> tuple[float, float]:
    """(precision at 10, recall) of the URLs ``found`` (in order) for ``query``.

    A query with no answer: 1.0 for both when nothing is found, else 0.0 precision.
    """
    relevant = {query.url(name) for name in query.answers}
    top = found[:10]
    if not top:
        precision = 1.0
    else:
        precision = sum(url in relevant for url in top) / len(top)
    if not relevant:
        return (precision if top else 1.0), 1.0
    return precision, sum(url in relevant for url in found) / len(relevant)


def summary(results: dict[Query, list[str]]) -> dict[str, float]:
    """Mean precision at 10 and mean recall over the queries, and the number of traps found."""
    pairs = [scores(query, found) for query, found in results.items()]
    traps = sum(query.url(name) in found for query, found in results.items() for name in query.not_answers)
    return {
        "precision@10": sum(p for p, _r in pairs) / len(pairs),
        "recall": sum(r for _p, r in pairs) / len(pairs),
        "traps found": traps,
        "queries": len(pairs),
    }
