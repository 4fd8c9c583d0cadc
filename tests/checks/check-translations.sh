#!/bin/sh
# Checks po/es.po: valid (msgfmt --check), and complete against the strings in
# the sources right now: merged with a fresh template, nothing may be
# untranslated or fuzzy.
set -eu
srcdir=${1:?usage: check-translations.sh SOURCE_ROOT}
cd "$srcdir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

msgfmt --check --check-format -o "$tmp/es.mo" po/es.po

# Every source that marks strings for translation must be in POTFILES.
missing=0
for f in $(find src shim -name '*.c' -o -name '*.cpp' | sort | xargs grep -l -E '(^|[^A-Za-z0-9_])N?_ ?\("'); do
  if ! grep -qx "$f" po/POTFILES; then
    echo "$f has translatable strings but is not in po/POTFILES"
    missing=1
  fi
done
[ "$missing" -eq 0 ] || exit 1

xgettext --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 \
  --flag=g_strdup_printf:1:c-format --flag=g_string_printf:2:c-format \
  -o "$tmp/attention.pot" -f po/POTFILES
msgmerge --quiet --no-fuzzy-matching -o "$tmp/merged.po" po/es.po "$tmp/attention.pot"

untranslated=$(msgattrib --untranslated --no-obsolete "$tmp/merged.po" | grep -c '^msgid ' || true)
fuzzy=$(msgattrib --only-fuzzy --no-obsolete po/es.po | grep -c '^msgid ' || true)
# msgattrib prints the header entry too when it prints anything.
[ "$untranslated" -gt 0 ] && untranslated=$((untranslated - 1))
[ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))
echo "es.po: $untranslated untranslated, $fuzzy fuzzy"
if [ "$untranslated" -ne 0 ] || [ "$fuzzy" -ne 0 ]; then
  msgattrib --untranslated --no-obsolete "$tmp/merged.po" | grep -A1 '^msgid ' | head -40
  exit 1
fi
