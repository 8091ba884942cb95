#!/usr/bin/env bash
# Writes a copy of this repository for students: everything they work with
# (lessons, library, clients, check, the bug servers, the exercises'
# starters and tests, the Python starter, the book), without what is for
# instructors only:
#   - the exercises' solutions (exercises/src/solutions/): a stub stands in,
#     and the root package no longer tests the exercises, so `cargo test`
#     at the root passes while the starters are still todo!();
#   - the Python reference server (python/chamada_server.py) and its test;
#   - the book's part for instructors (with the bug hunt's answer key), the
#     folded solutions and answers of the chapters, and their translations
#     (book/student.sh --strip, then book/po/update.sh);
#   - the course's CI script (.ci/), which tests the solutions.
#
#   bash scripts/student-copy.sh DIR     (DIR must not exist yet)
#
# It copies the files git tracks, as they are in the working tree. Then, in
# DIR: cargo test passes, and bash book/build.sh builds the book. Needs git,
# mdBook and mdbook-i18n-helpers (bash book/build.sh installs them).
set -euo pipefail

usage="usage: bash scripts/student-copy.sh DIR (a folder that does not exist yet)"
dest=${1:?$usage}
[[ $# -eq 1 ]] || { echo "$usage" >&2; exit 2; }
if [[ -e "$dest" ]]; then
    echo "student-copy: $dest already exists; give a new folder" >&2
    exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
for tool in git mdbook mdbook-gettext msgmerge; do
    if ! command -v "$tool" >/dev/null; then
        echo "student-copy: $tool is missing (bash book/build.sh installs mdBook and gettext)" >&2
        exit 1
    fi
done

mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
case "$dest/" in
    "$repo"/*) echo "student-copy: $dest is inside the repository; choose a folder outside it" >&2
        rm -rf "$dest"; exit 2 ;;
esac

# 1. The tracked files, as they are now.
(cd "$repo" && git ls-files -z | tar --null -T - -cf -) | tar -xf - -C "$dest"
cd "$dest"

# 2. The exercises' solutions: gone, with a stub that says so if anyone
#    asks for them (cargo test -p exercises --features solutions).
rm -rf exercises/src/solutions
mkdir exercises/src/solutions
cat >exercises/src/solutions/mod.rs <<'EOF'
compile_error!(
    "the solutions are not in the students' copy: test your own work with \
     cargo test -p exercises --test <name>"
);
EOF

# The root package asked for the solutions (a dev-dependency with the
# feature on) and `cargo test` at the root tested them. In the students'
# copy the exercises are tested on their own, so the root leaves them out:
# the dependency goes, and "exercises" leaves default-members (it stays a
# member of the workspace: cargo test -p exercises works).
awk '
    /^default-members = \[/ { in_defaults = 1 }
    in_defaults && /^\]/ { in_defaults = 0 }
    in_defaults && /^ *"exercises",$/ { next }
    /^exercises = \{ path = "exercises", features = \["solutions"\] \}$/ { next }
    { print }
' Cargo.toml >Cargo.toml.new
mv Cargo.toml.new Cargo.toml
if grep -q 'features = \["solutions"\]' Cargo.toml; then
    echo "student-copy: Cargo.toml still asks for the solutions; update this script" >&2
    exit 1
fi

# 3. The Python reference server: a whole solution of the assignment.
rm -f python/chamada_server.py tests/python.rs

# 4. CI: it tests the solutions, which are not here.
rm -rf .ci

# 5. The book: the students' edition's source, and a translation file
#    without the solutions' and answers' text.
bash "$repo/book/student.sh" --strip book/src
bash book/po/update.sh >/dev/null

# 6. The README says which copy this is, and stops pointing at what left.
awk '
    /<!-- student-copy: cut -->/ { cutting = 1; next }
    /<!-- student-copy: end -->/ { cutting = 0; next }
    !cutting
' README.md >README.md.new
{
    head -n 1 README.md.new
    printf '\n%s\n%s\n%s\n' \
        "> The students' copy: the exercises' solutions, the Python reference server" \
        "> and the book's part for instructors are not in it. \`cargo test\` tests" \
        "> everything but your exercises; \`cargo test -p exercises --test NAME\` tests one of them."
    tail -n +2 README.md.new
} >README.md
rm README.md.new

# 7. Nothing of the above is left.
leftovers=()
for file in exercises/src/solutions/*.rs python/chamada_server.py book/src/instructors*.md; do
    [[ -e "$file" && "$file" != exercises/src/solutions/mod.rs ]] && leftovers+=("$file")
done
grep -q 'src/instructors' book/po/pt-BR.po && leftovers+=("book/po/pt-BR.po (the instructors' text)")
if ((${#leftovers[@]} > 0)); then
    echo "student-copy: left in the copy: ${leftovers[*]}" >&2
    exit 1
fi

echo "student-copy: wrote $dest"
echo "  check it: (cd $dest && cargo test && bash book/build.sh)"
