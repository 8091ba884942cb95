#!/usr/bin/env bash
# The students' edition of the book: the same chapters, exercises and hints,
# without what is for instructors only. Left out:
#   - the part "For instructors" (every book/src/instructors*.md page);
#   - every folded block whose title is "Solution" or "Answers" (the
#     exercises' solutions, the answers to the chapters' quiz questions),
#     while folded hints ("Hint 1", "Hint 2") stay;
#   - text between <!-- student-edition: cut --> and
#     <!-- student-edition: end --> (sentences about the solutions), and
#     table rows that name exercises/src/solutions.
#
#   bash book/build.sh --student       builds it into book/book-student (English)
#                                      and book/book-student/pt-BR (português)
#   bash book/student.sh --strip DIR   strips a copy of book/src in DIR, in
#                                      place (scripts/student-copy.sh uses it)
#
# It fails when a solution, an answer or an instructors' page is left in
# the output, or when a page links to something that is not there.
set -euo pipefail
if [[ "${1:-}" == "--strip" ]]; then
    # Resolved before the cd below: DIR is relative to where we were called.
    strip_dir=$(cd "${2:?usage: bash book/student.sh --strip DIR}" && pwd)
fi
cd "$(dirname "$0")/.."

# Removes, in place, everything instructors-only from the book source in $1.
strip_source() {
    local src=$1 page
    rm -f "$src"/instructors*.md
    # SUMMARY.md: the part from "# For instructors" up to the next part
    # title or the next unnumbered chapter (the glossary).
    awk '
        /^# For instructors/ { skipping = 1; next }
        skipping && (/^# / || /^\[/) { skipping = 0 }
        !skipping
    ' "$src/SUMMARY.md" >"$src/SUMMARY.md.new"
    mv "$src/SUMMARY.md.new" "$src/SUMMARY.md"
    for page in "$src"/*.md; do
        awk -f /dev/stdin "$page" >"$page.new" <<'AWK'
# A <details> block is held back until its title is known (the first
# non-blank line after <summary>); blocks titled Solution or Answers are
# dropped whole, the others printed as they were.
function flush() { printf "%s", held; held = "" }
# A table row that points at the solutions' files goes too.
/^\|.*exercises\/src\/solutions/ { next }
cutting { if ($0 ~ /<!-- student-edition: end -->/) cutting = 0; next }
/<!-- student-edition: cut -->/ { cutting = 1; next }
dropping { if ($0 ~ /^<\/details>/) dropping = 0; next }
/^<details>/ { holding = 1; title = ""; held = $0 "\n"; next }
holding {
    held = held $0 "\n"
    if (title == "" && $0 !~ /^[[:space:]]*$/ && $0 !~ /<summary>/) {
        title = $0
        holding = 0
        if (title ~ /^(Solution|Answers?)[[:space:]]*$/) { held = ""; dropping = 1 }
        else flush()
    }
    next
}
{ print }
AWK
        mv "$page.new" "$page"
    done
}

# Fails unless the edition in $1 is whole and has nothing of the instructors'.
verify_edition() {
    local out=$1 problems=0 page link path target
    complain() { printf 'student edition: %s\n' "$*" >&2; problems=$((problems + 1)); }
    if ls "$out"/instructors*.html >/dev/null 2>&1; then
        complain "an instructors' page is in $out"
    fi
    # mdBook writes a fold's title on the line after <summary>.
    for page in "$out"/*.html; do
        if grep -A1 '<summary>' "$page" | grep -Eq '<p>(Solution|Answers|Solução|Respostas)</p>'; then
            complain "$page still has a folded solution or answers"
        fi
    done
    if grep -l 'exercises/src/solutions' "$out"/*.html; then
        complain "the pages above still show code from exercises/src/solutions"
    fi
    for page in "$out"/*.html; do
        while read -r link; do
            case "$link" in
                http:* | https:* | mailto:* | data:* | //* | javascript:* | '#'*) continue ;;
            esac
            path=${link%%#*}
            path=${path%%\?*}
            target="$(dirname "$page")/$path"
            [[ -e "$target" ]] || complain "$page links to $link, which is not in this edition"
        done < <(grep -oE ' (href|src)="[^"]*"' "$page" | cut -d'"' -f2 | sort -u)
    done
    return "$problems"
}

if [[ "${1:-}" == "--strip" ]]; then
    strip_source "$strip_dir"
    exit 0
fi

if ! command -v mdbook >/dev/null || ! command -v mdbook-gettext >/dev/null; then
    echo "student edition: mdBook is missing; run bash book/build.sh once, which installs it" >&2
    exit 1
fi

# The chapters include files by paths relative to book/src (../../lessons/...),
# so the stripped copy must sit at the same depth: a scratch folder beside book/.
scratch=$(mktemp -d "$PWD/.book-student.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cp -R book/book.toml book/summary.css book/theme book/src book/po "$scratch"/
strip_source "$scratch/src"

out="$PWD/book/book-student"
rm -rf "$out"
log="$scratch/log"
failed=0
for language in en pt-BR; do
    dest=$out
    [[ "$language" == en ]] || dest="$out/$language"
    (source book/editions.sh && use_edition "$language" && mdbook build "$scratch" -d "$dest") 2>&1 | tee "$log"
    if grep -Eq '(^|[[:space:]])(ERROR|WARN)[[:space:]]' "$log"; then
        echo "student edition: mdBook logged errors or warnings ($language, above)" >&2
        failed=1
    fi
    if grep -l '{{#' "$dest"/*.html; then
        echo "student edition: an include was left unexpanded in the pages above" >&2
        failed=1
    fi
done
# Checked once both are built: each links to the other.
verify_edition "$out" || failed=1
verify_edition "$out/pt-BR" || failed=1
if ((failed)); then
    exit 1
fi
echo "book: the students' edition is in book/book-student (English) and" \
    "book/book-student/pt-BR (português): no instructors' part, solutions or answers"
