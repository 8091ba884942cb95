#!/usr/bin/env bash
# Builds the book, in English into book/book and in Brazilian Portuguese
# into book/book/pt-BR, and fails when anything in either is broken: a
# missing include file or anchor, an error or warning from mdBook, an
# include left unexpanded, an internal link or image that leads nowhere, or
# English text that book/po/pt-BR.po does not translate (or only fuzzily).
# mdBook 0.5 logs some of these and still exits 0, and reports none of the
# broken links, so the checks are here. Run from anywhere: bash book/build.sh
set -euo pipefail
# --student: the students' edition, without answers (book/student.sh).
if [[ "${1:-}" == "--student" ]]; then exec bash "$(dirname "$0")/student.sh"; fi
cd "$(dirname "$0")/.."

MDBOOK_VERSION=0.5.4
failures=0
fail() { printf 'book: %s\n' "$*" >&2; failures=$((failures + 1)); }

I18N_VERSION=0.4.0

# 1. The tools, pinned, installed only when missing or another version:
#    mdBook, the gettext plugins for mdBook, and GNU gettext.
if ! mdbook --version 2>/dev/null | grep -qx "mdbook v$MDBOOK_VERSION"; then
    cargo install mdbook --locked --version "$MDBOOK_VERSION"
fi
# (mdbook-gettext has no --version: ask cargo what it installed.)
if ! cargo install --list | grep -qx "mdbook-i18n-helpers v$I18N_VERSION:"; then
    cargo install mdbook-i18n-helpers --locked --version "$I18N_VERSION"
fi
if ! command -v msgmerge >/dev/null; then
    if command -v apt-get >/dev/null; then
        apt-get update -qq && apt-get install -y -qq gettext
    else
        echo "book: install GNU gettext (msgmerge, msgfmt), e.g. brew install gettext" >&2
        exit 1
    fi
fi

# 2. Every {{#include file:anchor}} names a file that exists and an anchor
#    that file has. (A missing anchor would otherwise be an empty block.)
while IFS= read -r hit; do
    chapter=${hit%%:*}                       # book/src/x.md:{{#include f:a}}
    target=${hit#*include }
    target=${target%\}\}}                    # f:a
    file="book/src/${target%%:*}"
    anchor=${target#*:}
    [[ "$target" == *:* ]] || anchor=""
    if [[ ! -f "$file" ]]; then
        fail "$chapter includes $file, which does not exist"
    elif [[ -n "$anchor" && ! "$anchor" =~ ^[0-9:]*$ ]] && ! grep -Eq "ANCHOR: *$anchor([^A-Za-z0-9_]|\$)" "$file"; then
        fail "$chapter includes anchor '$anchor' of $file, which has no such anchor"
    fi
done < <(grep -oHE '\{\{#(rustdoc_)?include [^}]*\}\}' book/src/*.md || true)

# 3. Build, keeping the log: mdBook reports missing files as ERROR but exits 0.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
log="$scratch/log"
source book/editions.sh # use_edition: each edition's language and title
build() { # build <language> <output folder>
    (use_edition "$1" && mdbook build book -d "$2") 2>&1 | tee "$log"
    if grep -Eq '(^|[[:space:]])(ERROR|WARN)[[:space:]]' "$log"; then
        fail "mdBook logged errors or warnings building the $1 edition (above)"
    fi
    if grep -l '{{#' "$2"/*.html; then
        fail "an include was left unexpanded in the pages above"
    fi
    # A heading's {#id} must become its id, never text a reader sees. A
    # chapter's title is also its sidebar entry, the page's <title> and a
    # search result: one message in pt-BR.po, so its translation has no id
    # (book/po/TRANSLATING.md). Checked where readers see it, in the output.
    if grep -lE '\{#[A-Za-z][A-Za-z0-9_-]*\}' "$2"/*.html "$2"/toc*.js "$2"/searchindex*.js; then
        fail "a heading id such as {#closing} shows as text in the $1 files above"
    fi
}
build en "$PWD/book/book"
# The Portuguese edition goes inside the English one, so that one folder
# (one `mdbook serve`, one upload) holds both, linked to each other.
build pt-BR "$PWD/book/book/pt-BR"

# 4. Every English paragraph, and every note of the transcripts' narration,
#    has a translation: extract the English text as it is now, merge it
#    with pt-BR.po, and count what is missing.
MDBOOK_OUTPUT='{"xgettext": {"pot-file": "messages.pot"}}' \
    mdbook build book -d "$scratch/pot" >"$log" 2>&1 || { cat "$log"; fail "extracting the text failed"; }
cargo run --quiet --package book-preprocessor -- narration-pot book >"$scratch/narration.pot" ||
    fail "extracting the transcripts' narration failed"
msgcat --use-first "$scratch/pot/messages.pot" "$scratch/narration.pot" -o "$scratch/all.pot"
msgmerge --quiet --no-fuzzy-matching book/po/pt-BR.po "$scratch/all.pot" -o "$scratch/merged.po"
stats=$(msgfmt --statistics -o /dev/null "$scratch/merged.po" 2>&1)
if grep -Eq 'untranslated|fuzzy' <<<"$stats"; then
    fail "book/po/pt-BR.po is behind the English text ($stats);" \
        "run bash book/po/update.sh and translate what it lists"
fi

# 5. Every relative href and src points to a file that exists and, when it
#    has a #fragment, to an id that page has.
for page in book/book/*.html book/book/pt-BR/*.html; do
    while read -r link; do
        case "$link" in
            http:* | https:* | mailto:* | data:* | //* | javascript:*) continue ;;
        esac
        path=${link%%#*}
        path=${path%%\?*}
        fragment=""
        [[ "$link" == *"#"* ]] && fragment=${link#*#}
        target=$page
        [[ -n "$path" ]] && target="$(dirname "$page")/$path"
        if [[ ! -e "$target" ]]; then
            fail "$page links to $link, which does not exist"
        elif [[ -n "$fragment" && "$target" == *.html ]] &&
            ! grep -Fq " id=\"$fragment\"" "$target"; then
            fail "$page links to $link, but that page has no id \"$fragment\""
        fi
    done < <(grep -oE ' (href|src)="[^"]*"' "$page" | cut -d'"' -f2 | sort -u)
done

# 6. The Portuguese edition shows its own copy of every image that has one
#    (diagrams/pt-BR/, measuring/pt-BR/): a translation that kept the English
#    image's path would show English in a Portuguese page. (Every chapter is
#    a page at the top of the edition, so an image's src is its path in
#    book/src.)
for page in book/book/pt-BR/*.html; do
    while read -r image; do
        own="$(dirname "$image")/pt-BR/$(basename "$image")"
        if [[ "$image" != */pt-BR/* && -f "book/src/$own" ]]; then
            fail "$page shows $image; the Portuguese edition has its own, $own"
        fi
    done < <(grep -oE '<img [^>]*src="[^"]*"' "$page" | sed -E 's/.*src="([^"]*)"/\1/' | sort -u)
done

if ((failures > 0)); then
    echo "book: $failures problem(s); see above" >&2
    exit 1
fi
echo "book: built in book/book (English) and book/book/pt-BR (português), every include, link and translation checked"
