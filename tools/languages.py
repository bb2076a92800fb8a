#!/usr/bin/env python3
"""Writes data/languages.csv: the ISO 639-1 languages with Swedish and
English names.

Source: Debian's iso-codes package (4.15.0 when the file was made):
/usr/share/iso-codes/json/iso_639-2.json gives every ISO 639-2 language
with its alpha_2 (ISO 639-1) code where it has one and its English name;
the Swedish names are that package's sv translation,
/usr/share/locale/sv/LC_MESSAGES/iso_639-2.mo. Only entries with an
alpha_2 code are kept. The English name is the first of a list such as
"Spanish; Castilian"; Swedish names are written in lower case, as Swedish
writes language names ("rumänska"). A language without a Swedish
translation takes its English name in lower case (most such names are
the same in Swedish: "hindi", "swahili"). A period qualifier such as
"(1453-)" is dropped. OVERRIDES below sets the few names where that gives
something a Swedish reader would not say, each for the reason noted.

The generated file is kept in git; run this again only to refresh it:
    tools/languages.py > data/languages.csv
"""
import csv
import gettext
import json
import re
import sys

JSON = "/usr/share/iso-codes/json/iso_639-2.json"
MO = "/usr/share/locale/sv/LC_MESSAGES/iso_639-2.mo"


# code: (Swedish, English), where the rule above falls short.
OVERRIDES = {
    "el": ("grekiska", "Greek"),        # "nygrekiska (1453-)": plain name
    "ig": ("igbo", "Igbo"),             # "ibo (Igbo)": the current name
    "km": ("khmer", "Khmer"),           # "kambodjanska (Khmer)": same
    "ps": ("pashto", "Pashto"),         # English "Pushto": common spelling
    "so": ("somaliska", "Somali"),      # untranslated in the package
}


def first(name):
    name = name.split(";")[0].strip()
    return re.sub(r" \(\d{4}-\)$", "", name)


def main():
    with open(JSON, encoding="utf-8") as f:
        entries = json.load(f)["639-2"]
    with open(MO, "rb") as f:
        sv = gettext.GNUTranslations(f)
    rows = []
    for e in entries:
        code = e.get("alpha_2")
        if not code:
            continue
        en = first(e["name"])
        translated = sv.gettext(e["name"])
        name_sv = first(translated) if translated != e["name"] else en
        name_sv = name_sv[:1].lower() + name_sv[1:]
        rows.append((code,) + OVERRIDES.get(code, (name_sv, en)))
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(("code", "name_sv", "name_en"))
    for row in sorted(rows):
        out.writerow(row)


if __name__ == "__main__":
    main()
