#!/usr/bin/env bash
# Brings book/po/pt-BR.po up to date with the English book, after a chapter
# changed: extracts the English text (every paragraph, heading, table cell,
# the comments of the code the book includes and the narration of its
# transcripts), merges it into
# pt-BR.po, copies text from inside code blocks across unchanged (code
# stays as it is in both editions), and lists what is left to translate.
# Then translate those messages (any PO editor, e.g. Poedit, or by hand)
# and run bash book/build.sh, which fails while any is missing.
# Needs mdBook, mdbook-i18n-helpers and GNU gettext: book/build.sh installs them.
set -euo pipefail
cd "$(dirname "$0")/../.."

po=book/po/pt-BR.po
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

MDBOOK_OUTPUT='{"xgettext": {"pot-file": "messages.pot"}}' \
    mdbook build book -d "$scratch" >/dev/null
# The transcripts' narration (the `# ...` notes and `(...)` stage
# directions) is extracted by the book's own preprocessor.
cargo run --quiet --package book-preprocessor -- narration-pot book >"$scratch/narration.pot"
msgcat --use-first "$scratch/messages.pot" "$scratch/narration.pot" -o "$scratch/all.pot"
msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" "$scratch/all.pot"
# Drop translations of text the book no longer has.
msgattrib --no-obsolete "$po" -o "$po"

# Untranslated text from code blocks (a Rust comment or string literal, a
# shell comment): code stays as it is, so its "translation" is itself.
msggrep --msgid -E -e '^(//|# |"[^"]*"$)' "$po" |
    msgattrib --untranslated - -o "$scratch/code.po"
if [ -s "$scratch/code.po" ]; then
    msgen "$scratch/code.po" -o "$scratch/code.po"
    msgcat --use-first "$scratch/code.po" "$po" -o "$po"
fi

msgfmt --statistics -o /dev/null "$po"
echo "Where the text still to translate is (untranslated, then fuzzy):"
msgattrib --untranslated --no-wrap "$po" | grep '^#:' || echo "  nothing untranslated"
msgattrib --only-fuzzy --no-wrap "$po" | grep '^#:' || echo "  nothing fuzzy"
