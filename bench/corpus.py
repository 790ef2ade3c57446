"""A synthetic, deterministic corpus of bilingual press releases.

Each release is a pair ``content/press/<YYYY>/<name>.en.md`` and
``<name>.tc.md`` following docs/editing.md: ``Title``, ``Date``, ``Summary``
and ``Tags`` headers, then several paragraphs with ``##`` sub-headings, and
in some releases a bulleted list or a table.  The English text runs to about
500-900 words, the Chinese to about 800-1 600 characters, the range of the
site's real releases.  The five standing pages the settings link to are
written too, in both languages.

The text is assembled from sentence patterns with slots (departments,
technologies, venues, numbers) chosen by a seeded random generator, so the
same ``seed`` and ``count`` always give byte-identical files.

With ``galleries=True`` one release in ten also gets a ``Gallery: <name>``
header and a gallery ``content/galleries/<name>/``: its ten photos and an
``index.en.md`` / ``index.tc.md`` listing them as ``![alt](file "caption")``
(the contract of plugins/galleries).  The photos are hard links to one set
made by :mod:`bench.photos`; with ``distinct_photos=True`` each gallery gets
copies made byte-distinct by a JPEG comment, so that a cache keyed on the
photo's bytes cannot share work between galleries (at the cost of disk
space: about 25 MB per gallery).
"""

from __future__ import annotations

import datetime as dt
import os
import time
import random
from dataclasses import dataclass, field

# -- vocabulary: (English, Traditional Chinese) pairs --------------------------------
DEPARTMENTS = [
    ("the Transport Department", "運輸署"),
    ("the Hospital Authority", "醫院管理局"),
    ("the Lands Department", "地政總署"),
    ("the Environmental Protection Department", "環境保護署"),
    ("the Housing Department", "房屋署"),
    ("the Fire Services Department", "消防處"),
    ("the Immigration Department", "入境事務處"),
    ("the Social Welfare Department", "社會福利署"),
    ("the Leisure and Cultural Services Department", "康樂及文化事務署"),
    ("the Water Supplies Department", "水務署"),
    ("the Highways Department", "路政署"),
    ("the Food and Environmental Hygiene Department", "食物環境衞生署"),
    ("the Buildings Department", "屋宇署"),
    ("the Post Office", "香港郵政"),
]
TECHNOLOGIES = [
    ("artificial intelligence", "人工智能"),
    ("computer vision", "電腦視覺"),
    ("the Internet of Things", "物聯網"),
    ("blockchain", "區塊鏈"),
    ("robotic process automation", "機械人流程自動化"),
    ("geospatial data", "地理空間數據"),
    ("5G networks", "5G網絡"),
    ("cloud computing", "雲端運算"),
    ("natural language processing", "自然語言處理"),
    ("digital twins", "數碼孿生"),
    ("video analytics", "視像分析"),
    ("smart sensors", "智能感應器"),
    ("large language models", "大型語言模型"),
    ("drones", "無人機"),
]
VENUES = [
    ("Hong Kong Science Park", "香港科學園"),
    ("Cyberport", "數碼港"),
    ("the Central Government Offices", "政府總部"),
    ("the Hong Kong Convention and Exhibition Centre", "香港會議展覽中心"),
    ("the Smart Lab showroom", "智慧實驗室展示廳"),
]
AREAS = [
    ("public health", "公共衞生"),
    ("road traffic", "道路交通"),
    ("building safety", "樓宇安全"),
    ("environmental monitoring", "環境監測"),
    ("elderly care", "安老服務"),
    ("waste management", "廢物管理"),
    ("customer service", "客戶服務"),
    ("document processing", "文件處理"),
    ("slope safety", "斜坡安全"),
    ("flood prevention", "防洪"),
]
PARTNERS = [
    ("the Hong Kong Productivity Council", "香港生產力促進局"),
    ("the Hong Kong Science and Technology Parks Corporation", "香港科技園公司"),
    ("Cyberport", "數碼港"),
    ("local universities", "本地大學"),
    ("the Hong Kong Applied Science and Technology Research Institute", "香港應用科技研究院"),
]
TAGS = [
    ("Technology Forum", "科技論壇"),
    ("Innovation", "創新"),
    ("Proof of Concept", "概念驗證"),
    ("Artificial Intelligence", "人工智能"),
    ("Smart City", "智慧城市"),
    ("Workshop", "工作坊"),
    ("Open Data", "開放數據"),
    ("Cyber Security", "網絡安全"),
    ("Start-ups", "初創企業"),
    ("Digital Government", "數碼政府"),
    ("Cloud", "雲端"),
    ("Youth", "青年"),
]

TITLES = [
    ("Smart Lab hosts Technology Forum on {tech}", "智慧實驗室舉辦{tech}科技論壇"),
    ("{Dept} completes proof-of-concept trial of {tech}", "{dept}完成{tech}概念驗證測試"),
    ("Smart Lab invites solutions for {area}", "智慧實驗室就{area}徵集創新方案"),
    ("Workshop on {tech} for {area} held at {venue}", "{area}{tech}工作坊於{venue}舉行"),
    ("Digital Policy Office opens {tech} sandbox to departments", "數字政策辦公室向各部門開放{tech}沙盒"),
    ("Smart Lab showcases {tech} solutions for {area}", "智慧實驗室展示{area}{tech}方案"),
    ("{Dept} adopts {tech} to improve {area}", "{dept}應用{tech}改善{area}"),
]
SUMMARIES = [
    (
        "Officers from {n} bureaux and departments saw how {tech} can support {area}.",
        "來自{n}個政策局及部門的人員了解{tech}如何支援{area}。",
    ),
    (
        "{Dept} tested a {tech} solution with {partner} over {months} months.",
        "{dept}與{partner}合作，以{months}個月時間測試{tech}方案。",
    ),
    (
        "Companies may submit proposals on {area} until the end of {month_en}.",
        "企業可於{month_tc}底前就{area}提交建議書。",
    ),
]
SENTENCES_EN = [
    "The Smart Government Innovation Lab (Smart Lab) of the Digital Policy Office held the event at {venue} today.",
    "Colleagues from more than {n} government bureaux and departments took part, together with representatives of {m} technology companies.",
    "The programme looked at how {tech} can help front-line staff in {area} work more safely and spend less time on routine tasks.",
    "{Dept} shared what it learned from a trial in which {tech} was used to monitor {area} around the clock.",
    "Speakers explained the steps they took to protect personal data and to keep the systems secure from the design stage onwards.",
    "A panel discussion compared solutions that are ready for use today with those that still need further testing in a live environment.",
    "Participants asked practical questions about procurement, maintenance costs and the training that staff would need.",
    "Smart Lab matched the needs of {Dept_plain} with {k} suitable solutions drawn from the industry before the trial began.",
    "The trial ran for {months} months and covered {sites} sites across Hong Kong Island, Kowloon and the New Territories.",
    "According to the department, the time needed to handle a typical case fell by about {pct} per cent during the trial period.",
    "The results will be shared with other departments that face similar problems, so that good ideas spread across the government.",
    "The event was co-organised with {partner}, which provided technical advice and arranged site visits for participants.",
    "Since it was set up in 2019, Smart Lab has organised more than {forums} forums and workshops attended by over {people} participants.",
    "A spokesman for the Digital Policy Office said that the government would continue to make good use of {tech} to improve public services.",
    "Members of the public can find more information about completed trials on the Smart Lab website.",
    "Departments interested in trying the solutions may contact Smart Lab, which will help them plan a proof-of-concept project.",
    "The exhibition area displayed {k} working prototypes, including a mobile application, a sensor network and a data dashboard.",
    "Local start-ups made up about {pct} per cent of the companies taking part, a higher share than in previous years.",
    "Officers also visited the testing facilities at {venue} to see how the devices behave under real operating conditions.",
    "The next session in the series will look at the use of {tech2} in {area2} and is expected to take place in the coming months.",
    "Feedback collected after the event showed that most participants found the case studies directly relevant to their work.",
    "The lab also released a short guide that explains, in plain language, how to evaluate a new technology before buying it.",
]
SENTENCES_TC = [
    "數字政策辦公室轄下的智慧政府創新實驗室（智慧實驗室）今日在{venue}舉辦活動。",
    "超過{n}個政策局及部門的同事出席，另有{m}間科技公司的代表參與。",
    "活動探討{tech}如何協助{area}的前線人員更安全地工作，並減少處理例行事務所需的時間。",
    "{dept}分享以{tech}全天候監察{area}的測試經驗及所得成果。",
    "講者解釋他們如何由設計階段開始保障個人資料私隱，並確保系統安全。",
    "專題討論環節比較了現已可供使用的方案，以及仍需在實際環境中進一步測試的方案。",
    "與會者就採購安排、維修保養成本及員工所需培訓等實際問題提出查詢。",
    "在測試開始前，智慧實驗室為{dept}配對了{k}個由業界提供的合適方案。",
    "測試為期{months}個月，涵蓋港島、九龍及新界共{sites}個地點。",
    "部門表示，在測試期間處理一宗典型個案所需的時間減少約百分之{pct}。",
    "有關結果將與面對相類問題的其他部門分享，讓好的意念在政府內廣泛應用。",
    "活動由{partner}協辦，並為參加者提供技術意見及安排實地參觀。",
    "智慧實驗室自二○一九年成立以來，已舉辦超過{forums}場論壇及工作坊，參加人數逾{people}人。",
    "數字政策辦公室發言人表示，政府會繼續善用{tech}，提升公共服務的質素和效率。",
    "市民可瀏覽智慧實驗室網站，了解已完成測試項目的詳情。",
    "有意試用相關方案的部門可與智慧實驗室聯絡，實驗室會協助其規劃概念驗證項目。",
    "展覽區展示了{k}個可實際運作的原型，包括流動應用程式、感應器網絡及數據儀表板。",
    "參與的公司中約百分之{pct}為本地初創企業，比例較往年為高。",
    "與會人員亦參觀了{venue}的測試設施，了解有關裝置在實際運作環境下的表現。",
    "系列的下一場活動將以{tech2}及其在{area2}方面的應用為主題，預計於未來數月舉行。",
    "活動後收集的意見顯示，大部分參加者認為個案分享與其工作直接相關。",
    "實驗室亦發布了一份簡短指引，以淺白的文字說明在採購新技術前應如何作出評估。",
]
HEADINGS = [
    ("Wider choice of technologies", "擴闊技術選擇"),
    ("Results of the trial", "測試結果"),
    ("Working with the industry", "與業界合作"),
    ("Next steps", "下一步工作"),
    ("Protecting personal data", "保障個人資料"),
    ("Sharing experience across departments", "跨部門分享經驗"),
]
LIST_ITEMS = [
    ("a briefing on {tech} by {partner}", "{partner}就{tech}作簡介"),
    ("case studies from {Dept_plain}", "{dept}個案分享"),
    ("a guided tour of {venue}", "{venue}導賞參觀"),
    ("hands-on sessions with working prototypes", "原型實物體驗環節"),
    ("a question-and-answer session on procurement", "採購問答環節"),
    ("a demonstration of data dashboards for {area}", "{area}數據儀表板示範"),
    ("networking with {m} start-ups", "與{m}間初創企業交流"),
]
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAYS_TC = "一二三四五六日"
PHOTO_SUBJECTS = [
    ("Guests at the opening of the event", "活動開幕時的嘉賓"),
    ("A speaker presenting on stage", "講者在台上演講"),
    ("Officers trying a prototype at a booth", "人員在展位試用原型"),
    ("A panel discussion with four speakers", "四位講者參與專題討論"),
    ("The audience in the lecture hall", "演講廳內的觀眾"),
    ("A demonstration of a sensor on a lamp post", "燈柱上感應器的示範"),
    ("A group photo of the organisers", "主辦機構大合照"),
    ("A robot guiding visitors in the showroom", "機械人在展示廳為訪客導航"),
    ("A data dashboard shown on a large screen", "大屏幕上顯示的數據儀表板"),
    ("Participants exchanging views after the session", "參加者在環節後交流意見"),
    ("A close-up of a drone used in the trial", "測試所用無人機的近照"),
]
STANDING_PAGES = [
    ("about", "About Smart Lab", "關於智慧實驗室"),
    ("important-notices", "Important notices", "重要告示"),
    ("privacy-policy", "Privacy policy", "私隱政策"),
    ("accessibility", "Accessibility statement", "無障礙聲明"),
    ("contact", "Contact us", "聯絡我們"),
]
FIRST_YEAR, LAST_YEAR = 2019, 2026
GALLERY_EVERY = 10  # one release in ten has a gallery


@dataclass
class Release:
    name: str
    date: dt.datetime
    paths: dict = field(default_factory=dict)  # lang -> path relative to the content folder
    gallery: str | None = None


@dataclass
class Corpus:
    root: str  # the content folder
    releases: list
    pages: list  # relative paths of the standing pages
    galleries: list  # gallery folder names

    @property
    def sources(self) -> int:
        return sum(len(r.paths) for r in self.releases) + len(self.pages) + 2 * len(self.galleries)

    def release_to_edit(self) -> Release:
        """A release in the middle of the range: neither on the home page nor the oldest."""
        return self.releases[len(self.releases) // 2]


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Writer:
    """Fills the patterns of one release with one consistent set of slot values."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        pick = rng.randrange
        self.slots = {
            "dept": DEPARTMENTS[pick(len(DEPARTMENTS))],
            "tech": TECHNOLOGIES[pick(len(TECHNOLOGIES))],
            "tech2": TECHNOLOGIES[pick(len(TECHNOLOGIES))],
            "venue": VENUES[pick(len(VENUES))],
            "area": AREAS[pick(len(AREAS))],
            "area2": AREAS[pick(len(AREAS))],
            "partner": PARTNERS[pick(len(PARTNERS))],
        }
        self.numbers = {
            "n": rng.randint(20, 80),
            "m": rng.randint(5, 40),
            "k": rng.randint(2, 12),
            "months": rng.randint(3, 18),
            "sites": rng.randint(3, 30),
            "pct": rng.randint(10, 60),
            "forums": rng.randint(20, 60),
            "people": rng.randint(3, 9) * 1000,
        }

    def fill(self, pattern: str, lang: int, extra: dict | None = None) -> str:
        values = {key: pair[lang] for key, pair in self.slots.items()}
        values.update(self.numbers)
        values["Dept"] = _capitalise(values["dept"])
        values["Dept_plain"] = values["dept"]
        values.update(extra or {})
        return pattern.format(**values)

    def paragraph(self, lang: int) -> str:
        sentences = SENTENCES_EN if lang == 0 else SENTENCES_TC
        chosen = self.rng.sample(range(len(sentences)), self.rng.randint(3, 5))
        joiner = " " if lang == 0 else ""
        return joiner.join(self.fill(sentences[i], lang) for i in chosen)


def _table(rng: random.Random, lang: int, date: dt.datetime) -> str:
    rows = rng.randint(3, 6)
    if lang == 0:
        lines = ["| Session | Time | Led by |", "| --- | --- | --- |"]
        owners = [pair[0] for pair in PARTNERS + DEPARTMENTS]
    else:
        lines = ["| 環節 | 時間 | 主持機構 |", "| --- | --- | --- |"]
        owners = [pair[1] for pair in PARTNERS + DEPARTMENTS]
    topics = [pair[lang] for pair in TECHNOLOGIES]
    start = date.replace(minute=0)
    for row in range(rows):
        at = start + dt.timedelta(minutes=45 * row)
        lines.append(f"| {_capitalise(rng.choice(topics))} | {at:%H:%M} | {_capitalise(rng.choice(owners))} |")
    return "\n".join(lines)


def _release_text(index: int, date: dt.datetime, seed: int, gallery: str | None) -> dict[str, str]:
    rng = random.Random(f"{seed}:{index}")
    writer = _Writer(rng)
    title = TITLES[rng.randrange(len(TITLES))]
    summary = SUMMARIES[rng.randrange(len(SUMMARIES))]
    month_extra = {"month_en": f"{date:%B}", "month_tc": f"{date.month}月"}
    tags = rng.sample(TAGS, rng.randint(1, 3))
    paragraphs = rng.randint(5, 9)
    headings = rng.sample(HEADINGS, 2)
    heading_at = sorted(rng.sample(range(2, paragraphs), 2))
    with_list = rng.random() < 0.4
    with_table = rng.random() < 0.2
    list_items = rng.sample(LIST_ITEMS, rng.randint(3, 6))
    table_rng_state = rng.getstate()
    texts = {}
    for lang, code in ((0, "en"), (1, "tc")):
        # the same structure in both languages, independently worded sentences
        body_rng = random.Random(f"{seed}:{index}:{code}")
        writer.rng = body_rng
        header = [
            f"Title: {writer.fill(title[lang], lang)}",
            f"Date: {date:%Y-%m-%d %H:%M}",
            f"Summary: {writer.fill(summary[lang], lang, month_extra)}",
            f"Tags: {', '.join(tag[lang] for tag in tags)}",
        ]
        if gallery:
            header.append(f"Gallery: {gallery}")
        blocks = []
        for number in range(paragraphs):
            if number in heading_at:
                blocks.append(f"## {headings[heading_at.index(number)][lang]}")
            blocks.append(writer.paragraph(lang))
            if number == 1 and with_list:
                blocks.append("The programme included:" if lang == 0 else "活動內容包括：")
                blocks.append("\n".join(f"- {_capitalise(writer.fill(item[lang], lang))}" for item in list_items))
            if number == 2 and with_table:
                table_rng = random.Random()
                table_rng.setstate(table_rng_state)
                blocks.append(_table(table_rng, lang, date))
        weekday = date.weekday()
        if lang == 0:
            blocks.append(f"Ends/{WEEKDAYS_EN[weekday]}, {date:%B} {date.day}, {date.year}")
        else:
            blocks.append("完")
            blocks.append(f"{date.year}年{date.month}月{date.day}日（星期{WEEKDAYS_TC[weekday]}）")
        texts[code] = "\n".join(header) + "\n\n" + "\n\n".join(blocks) + "\n"
    return texts


def _page_text(index: int, title: str, lang: int, seed: int) -> str:
    rng = random.Random(f"{seed}:page:{index}:{lang}")
    writer = _Writer(rng)
    blocks = [writer.paragraph(lang) for _ in range(3)]
    items = rng.sample(LIST_ITEMS, 4)
    blocks.insert(1, "\n".join(f"- {_capitalise(writer.fill(item[lang], lang))}" for item in items))
    header = [f"Title: {title}", "Modified: 2025-01-15 10:00", f"Order: {index + 1}"]
    return "\n".join(header) + "\n\n" + "\n\n".join(blocks) + "\n"


def release_dates(count: int, seed: int) -> list[dt.datetime]:
    """``count`` dates spread evenly over FIRST_YEAR..LAST_YEAR, in working hours."""
    rng = random.Random(f"{seed}:dates")
    start = dt.datetime(FIRST_YEAR, 1, 2)
    span = (dt.datetime(LAST_YEAR, 12, 20) - start).days
    dates = []
    for index in range(count):
        day = start + dt.timedelta(days=span * index // max(1, count))
        dates.append(day.replace(hour=rng.randint(9, 18), minute=rng.choice((0, 15, 30, 45))))
    return dates


def _gallery_index(release: Release, title: str, lang: int, photos: list[str]) -> str:
    """A gallery's index file in one language: header, one sentence, the photo list."""
    if lang == 0:
        header = [f"Title: Photos: {title}", f"Date: {release.date:%Y-%m-%d %H:%M}", "Summary: Photos of the event."]
        intro = "A selection of photos taken at the event."
    else:
        header = [f"Title: 相片：{title}", f"Date: {release.date:%Y-%m-%d %H:%M}", "Summary: 活動相片。"]
        intro = "活動的精選相片。"
    lines = [photo_line(name, index, lang) for index, name in enumerate(photos)]
    return "\n".join(header) + "\n\n" + intro + "\n\n" + "\n\n".join(lines) + "\n"


def photo_line(file: str, index: int, lang: int) -> str:
    """``![alt](file "caption")`` for the ``index``-th photo of a gallery."""
    subject = PHOTO_SUBJECTS[index % len(PHOTO_SUBJECTS)][lang]
    caption = f"Photo {index + 1}" if lang == 0 else f"相片{index + 1}"
    return f'![{subject}]({file} "{caption}")'


def _distinct_copy(source: str, target: str, tag: str) -> None:
    """Copy a JPEG with a comment segment naming ``tag`` after its start marker."""
    with open(source, "rb") as handle:
        data = handle.read()
    comment = tag.encode("utf-8")[:60000]
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    with open(target, "wb") as handle:
        handle.write(data[:2] + segment + data[2:])


def write(
    root: str,
    count: int,
    *,
    seed: int = 2025,
    galleries: bool = False,
    photo_set: list[str] | None = None,
    distinct_photos: bool = False,
) -> Corpus:
    """Write ``count`` bilingual releases and the standing pages under ``root`` (the content folder)."""
    if galleries and not photo_set:
        raise ValueError("galleries need a photo set (bench.photos.make_set)")
    releases, gallery_names, pages = [], [], []
    for index, date in enumerate(release_dates(count, seed)):
        name = f"release-{index + 1:05d}"
        gallery = f"{name}-photos" if galleries and index % GALLERY_EVERY == 0 else None
        release = Release(name=name, date=date, gallery=gallery)
        folder = os.path.join(root, "press", str(date.year))
        os.makedirs(folder, exist_ok=True)
        titles = {}
        for code, text in _release_text(index, date, seed, gallery).items():
            rel = f"press/{date.year}/{name}.{code}.md"
            with open(os.path.join(root, rel), "w", encoding="utf-8") as handle:
                handle.write(text)
            release.paths[code] = rel
            titles[code] = text.split("\n", 1)[0].removeprefix("Title: ")
        if gallery:
            target = os.path.join(root, "galleries", gallery)
            os.makedirs(target, exist_ok=True)
            files = []
            for photo in photo_set:
                file = os.path.basename(photo)
                if distinct_photos:
                    _distinct_copy(photo, os.path.join(target, file), f"{gallery}/{file}")
                else:
                    link_or_copy(photo, os.path.join(target, file))
                files.append(file)
            for lang, code in ((0, "en"), (1, "tc")):
                with open(os.path.join(target, f"index.{code}.md"), "w", encoding="utf-8") as handle:
                    handle.write(_gallery_index(release, titles[code], lang, files))
            gallery_names.append(gallery)
        releases.append(release)
    os.makedirs(os.path.join(root, "pages"), exist_ok=True)
    for index, (name, title_en, title_tc) in enumerate(STANDING_PAGES):
        for lang, code, title in ((0, "en", title_en), (1, "tc", title_tc)):
            rel = f"pages/{name}.{code}.md"
            with open(os.path.join(root, rel), "w", encoding="utf-8") as handle:
                handle.write(_page_text(index, title, lang, seed))
            pages.append(rel)
    age(root)
    return Corpus(root=root, releases=releases, pages=pages, galleries=gallery_names)


def age(root: str, seconds: int = 3600) -> None:
    """Date every file of the corpus an hour back, as a site's files are when it is built: a build takes
    a file saved in the few seconds before it listed them as perhaps saved again unseen, and would not
    find "nothing changed" the next time (outputs.state, incremental.digests.RECENT_NS)."""
    when = time.time_ns() - seconds * 1_000_000_000
    for folder, _folders, files in os.walk(root):
        for name in [*files, ""]:
            os.utime(os.path.join(folder, name) if name else folder, ns=(when, when), follow_symlinks=False)


def link_or_copy(source: str, target: str) -> None:
    """Hard-link ``source`` to ``target`` (same file system), else copy it."""
    try:
        os.link(source, target)
    except OSError:
        import shutil

        shutil.copyfile(source, target)


def text_size(corpus: Corpus) -> dict:
    """Average length of a release per language: bytes, and words (en) or characters (tc)."""
    totals = {"en": [0, 0], "tc": [0, 0]}
    for release in corpus.releases:
        for code, rel in release.paths.items():
            with open(os.path.join(corpus.root, rel), encoding="utf-8") as handle:
                body = handle.read().split("\n\n", 1)[1]
            totals[code][0] += len(body.encode("utf-8"))
            totals[code][1] += len(body.split()) if code == "en" else sum(1 for ch in body if "\u4e00" <= ch <= "\u9fff")
    n = max(1, len(corpus.releases))
    return {
        "en": {"bytes": totals["en"][0] // n, "words": totals["en"][1] // n},
        "tc": {"bytes": totals["tc"][0] // n, "han_characters": totals["tc"][1] // n},
    }
