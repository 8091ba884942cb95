#!/usr/bin/env bash
# Builds the book into book/book and fails when anything in it is broken:
# a missing include file or anchor, an error or warning from mdBook, an
# include left unexpanded, or an internal link or image that leads nowhere.
# mdBook 0.5 logs some of these and still exits 0, and reports none of the
# broken links, so the checks are here. Run from anywhere: bash book/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."

MDBOOK_VERSION=0.5.4
failures=0
fail() { printf 'book: %s\n' "$*" >&2; failures=$((failures + 1)); }

# 1. The tool, pinned, installed only when missing or another version.
if ! mdbook --version 2>/dev/null | grep -qx "mdbook v$MDBOOK_VERSION"; then
    cargo install mdbook --locked --version "$MDBOOK_VERSION"
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
log=$(mktemp)
trap 'rm -f "$log"' EXIT
mdbook build book 2>&1 | tee "$log"
if grep -Eq '(^|[[:space:]])(ERROR|WARN)[[:space:]]' "$log"; then
    fail "mdBook logged errors or warnings (above)"
fi
if grep -l '{{#' book/book/*.html; then
    fail "an include was left unexpanded in the pages above"
fi

# 4. Every relative href and src points to a file that exists and, when it
#    has a #fragment, to an id that page has.
for page in book/book/*.html; do
    while read -r link; do
        case "$link" in
            http:* | https:* | mailto:* | data:* | //* | javascript:*) continue ;;
        esac
        path=${link%%#*}
        path=${path%%\?*}
        fragment=""
        [[ "$link" == *"#"* ]] && fragment=${link#*#}
        target=$page
        [[ -n "$path" ]] && target="book/book/$path"
        if [[ ! -e "$target" ]]; then
            fail "$page links to $link, which does not exist"
        elif [[ -n "$fragment" && "$target" == *.html ]] &&
            ! grep -Fq " id=\"$fragment\"" "$target"; then
            fail "$page links to $link, but that page has no id \"$fragment\""
        fi
    done < <(grep -oE ' (href|src)="[^"]*"' "$page" | cut -d'"' -f2 | sort -u)
done

if ((failures > 0)); then
    echo "book: $failures problem(s); see above" >&2
    exit 1
fi
echo "book: built in book/book, every include and link checked"
