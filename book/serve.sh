#!/usr/bin/env bash
# Previews both editions of the book side by side, each rebuilt and
# reloaded when a chapter, the translation or a transcript changes:
#   bash book/serve.sh          English on http://localhost:3000,
#                               português on http://localhost:3001
#   bash book/serve.sh 4000     English on 4000, português on 4001
# The link in each page's menu bar leads to the same page in the other
# edition. Each edition is built into its own folder, under
# target/book-preview/, so neither deletes the other, and book/book (what
# book/build.sh builds) is left alone. Ctrl-C stops both.
# Needs what book/build.sh installs: mdBook, mdbook-i18n-helpers, gettext.
set -euo pipefail
cd "$(dirname "$0")/.."
source book/editions.sh

port=${1:-3000}
if [[ ! "$port" =~ ^[0-9]+$ ]] || ((port < 1024 || port > 65534)); then
    echo "usage: bash book/serve.sh [PORT]  (a port from 1024 to 65534; português on PORT+1)" >&2
    exit 2
fi
preview="$PWD/target/book-preview"

(use_edition en && exec mdbook serve book --dest-dir "$preview/en" --port "$port") &
english=$!
(use_edition pt-BR && exec mdbook serve book --dest-dir "$preview/pt-BR" --port "$((port + 1))") &
portuguese=$!
trap 'kill "$english" "$portuguese" 2>/dev/null || true' EXIT INT TERM

echo "book: English on http://localhost:$port, português on http://localhost:$((port + 1)) (Ctrl-C stops both)"
wait
