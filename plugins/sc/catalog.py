"""Fill the Simplified Chinese interface catalog from the Traditional one.

    python plugins/sc/catalog.py TC_PO SC_PO [CONFIG]

A message already translated in SC_PO is kept (a translator may have
tuned it); every other one gets its TC translation converted with OpenCC.
`make translations` runs this after updating the catalogs.
"""

import sys

import opencc
from babel.messages.pofile import read_po, write_po


def untranslated(string) -> bool:
    """An empty msgstr, or a plural message with any of its forms empty."""
    if isinstance(string, (tuple, list)):
        return not string or not all(string)
    return not string


def main(tc_path: str, sc_path: str, config: str = "hk2sp") -> None:
    convert = opencc.OpenCC(config).convert
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
    filled = 0
    for message in tc:
        if not message.id or untranslated(message.string):
            continue
        mine = sc.get(message.id)
        if mine is None:
            sc.add(message.id, "", flags=())
            mine = sc.get(message.id)
        if untranslated(mine.string) or mine.fuzzy:
            mine.string = convert(message.string) if isinstance(message.string, str) else tuple(map(convert, message.string))
            mine.flags.discard("fuzzy")
            filled += 1
    for message in list(sc):
        if message.id and message.id not in tc:
            sc.delete(message.id)
    with open(sc_path, "wb") as handle:
        write_po(handle, sc, width=100)
    print(f"{sc_path}: {filled} message(s) converted from {tc_path}")


if __name__ == "__main__":
    main(*sys.argv[1:])
