# The book's two editions: what differs between them besides the text,
# which book/po/pt-BR.po translates. Sourced by book/build.sh and
# book/serve.sh, so both build each edition the same way.

# use_edition LANGUAGE: sets up the environment for mdBook to build the
# edition in LANGUAGE (en or pt-BR): its language, which the preprocessors
# read, and its title and description, which mdBook would otherwise take
# from book.toml. Call it in a subshell: ( use_edition pt-BR && mdbook ... ).
use_edition() {
    case "$1" in
        en)
            export MDBOOK_BOOK__LANGUAGE=en
            ;;
        pt-BR)
            export MDBOOK_BOOK__LANGUAGE=pt-BR
            export MDBOOK_BOOK__TITLE="chamada: sockets, uma chamada de cada vez"
            export MDBOOK_BOOK__DESCRIPTION="Programação de redes com sockets em Rust, ensinada por meio de um servidor de chamada de sala de aula"
            ;;
        *)
            echo "book: no edition in '$1' (en, pt-BR)" >&2
            return 1
            ;;
    esac
}
