#!/usr/bin/env python3
"""The access keys (Alt+letter) of the labels the main window can show at
once must differ, in English and in every translation: two labels on one
letter make Alt+letter cycle between them instead of acting. Each label must
still be in the sources, so a renamed string cannot leave this list stale.
Usage: check_mnemonics.py SOURCE_ROOT"""

import glob
import os
import re
import sys

# The header bar's view switcher, the entry row, the prediction chips, the
# layer/head row, the sidebar (any view), Compare's and Lines' own controls.
WINDOW = ["_Run", "_Single Head", "_All Heads", "_Compare", "L_ines", "_Layer", "_Head",
          "_Use [MASK]", "Sho_w", "Hi_de [CLS] and [SEP]", "C_olours", "Scal_e", "Colour b_y",
          "Sor_t heads", "Co_mpare with", "Hide _below"]


def key(label):
    m = re.search(r"_(.)", label)
    return m.group(1).lower() if m else None


def po_entries(path):
    """msgid → msgstr for one-line entries (all of WINDOW's are)."""
    text = open(path, encoding="utf-8").read()
    return dict(re.findall(r'^msgid "(.*)"\nmsgstr "(.*)"$', text, re.M))


def check(labels, what):
    seen = {}
    ok = True
    for msgid, label in labels:
        k = key(label)
        if k is None:
            print(f"{what}: {label!r} (for {msgid!r}) has no access key")
            ok = False
        elif k in seen:
            print(f"{what}: {label!r} and {seen[k]!r} share Alt+{k.upper()}")
            ok = False
        else:
            seen[k] = label
    return ok


def main():
    root = sys.argv[1]
    sources = "".join(open(f, encoding="utf-8").read() for f in
                      glob.glob(os.path.join(root, "src", "**", "*.c"), recursive=True) +
                      glob.glob(os.path.join(root, "src", "**", "*.ui"), recursive=True) +
                      glob.glob(os.path.join(root, "data", "ui", "*.ui")))
    ok = True
    for msgid in WINDOW:
        if f'"{msgid}"' not in sources and f">{msgid}<" not in sources:
            print(f"{msgid!r} is no longer in src/ or its .ui files: update this list")
            ok = False
    ok = check([(m, m) for m in WINDOW], "English") and ok
    for po in sorted(glob.glob(os.path.join(root, "po", "*.po"))):
        entries = po_entries(po)
        missing = [m for m in WINDOW if not entries.get(m)]
        for m in missing:
            print(f"{os.path.basename(po)}: no translation of {m!r}")
        ok = check([(m, entries[m]) for m in WINDOW if entries.get(m)],
                   os.path.basename(po)) and ok and not missing
    print("access keys: " + ("all distinct" if ok else "conflicts"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
