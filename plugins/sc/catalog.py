"""Fill the Simplified Chinese interface catalog from the Traditional one.

    python plugins/sc/catalog.py TC_PO SC_PO [CONFIG]

Every message of TC_PO gets its translation converted with OpenCC into SC_PO, which records
beside it (a translator's comment, ``# from zh_Hant_HK: …``) the Traditional text it was
converted from.  When the Traditional text changes, a message that is still the conversion of
the recorded text is converted again; one a translator tuned by hand (its text is no longer that
conversion) is kept, and a line asks for it to be reviewed (empty its ``msgstr`` to have it
converted again).  `make translations` runs this after updating the catalogs.
"""

import json
import sys

import opencc
from babel.messages.pofile import read_po, write_po

FROM = "from zh_Hant_HK: "  # the comment recording the Traditional text a message was converted from


def untranslated(string) -> bool:
    """An empty msgstr, or a plural message with any of its forms empty."""
    if isinstance(string, (tuple, list)):
        return not string or not all(string)
    return not string


def recorded(message):
    """The Traditional text ``message`` was last converted from (its comment), or None."""
    for comment in message.user_comments:
        if comment.startswith(FROM):
            try:
                value = json.loads(comment[len(FROM):])
            except ValueError:
                return None
            return tuple(value) if isinstance(value, list) else value
    return None


def record(message, source) -> None:
    """Note on ``message`` that its text is the conversion of ``source``."""
    text = FROM + json.dumps(list(source) if isinstance(source, tuple) else source, ensure_ascii=False)
    message.user_comments = [comment for comment in message.user_comments if not comment.startswith(FROM)] + [text]


def main(tc_path: str, sc_path: str, config: str = "hk2sp") -> int:
    opencc_convert = opencc.OpenCC(config).convert

    def convert(string):
        return opencc_convert(string) if isinstance(string, str) else tuple(map(opencc_convert, string))

    with open(tc_path, "rb") as handle:
        tc = read_po(handle, locale="zh_Hant_HK")
    try:
        with open(sc_path, "rb") as handle:
            sc = read_po(handle, locale="zh_Hans_HK")
    except FileNotFoundError:
        sc = read_po(open(tc_path, "rb"), locale="zh_Hans_HK")
        for message in sc:
            if message.id:
                message.string = ""
    sc.locale = "zh_Hans_HK"  # its header says so (one started as a copy of the Traditional catalog said zh_Hant_HK)
    sc.language_team = "zh_Hans_HK <LL@li.org>"
    filled, review = 0, []
    for message in tc:
        if not message.id or untranslated(message.string):
            continue
        source = tuple(message.string) if isinstance(message.string, list) else message.string
        mine = sc.get(message.id)
        if mine is None:
            sc.add(message.id, "", flags=())
            mine = sc.get(message.id)
        current = tuple(mine.string) if isinstance(mine.string, list) else mine.string
        was = recorded(mine)
        if untranslated(current) or mine.fuzzy or (was is not None and was != source and current == convert(was)):
            mine.string = convert(source)  # new, or made from the Traditional text that has changed since
            mine.flags.discard("fuzzy")
            record(mine, source)
            filled += 1
        elif current == convert(source):
            record(mine, source)  # already the conversion (a catalog from before the record was kept)
        elif was != source:
            review.append(message.id)  # tuned by hand, and the Traditional text changed (or was never recorded)
    for message in list(sc):
        if message.id and message.id not in tc:
            sc.delete(message.id)
    with open(sc_path, "wb") as handle:
        write_po(handle, sc, width=100)
    print(f"{sc_path}: {filled} message(s) converted from {tc_path}")
    for message_id in review:
        shown = message_id if isinstance(message_id, str) else message_id[0]
        print(f"{sc_path}: warning: the message {shown!r} was changed by hand, and its Traditional text has changed since. "
              f"Fix: review it; to have it converted again, empty its msgstr and run make translations.")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
