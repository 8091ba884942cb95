// A link in the menu bar of every page to the same page in the book's other
// edition (English <-> português). Published (book/build.sh), the English
// edition is the root and the Portuguese one its folder pt-BR/. Previewed
// (book/serve.sh), each edition has its own server: the Portuguese one on
// the English one's port plus one.
(function () {
    "use strict";
    const editions = {
        "en": { other: "pt-BR", label: "Português", title: "Ler esta página em português" },
        "pt-BR": { other: "en", label: "English", title: "Read this page in English" },
    };
    const here = document.documentElement.lang;
    const edition = editions[here];
    const buttons = document.querySelector("#mdbook-menu-bar .right-buttons");
    if (!edition || !buttons) {
        return;
    }

    // This edition's root, and where this page is under it.
    const root = new URL(path_to_root || "./", location.href);
    const page = location.href.slice(root.href.length);

    // mdBook's live-reload script (only `mdbook serve` adds it) defines wsAddress.
    const previewed = typeof wsAddress !== "undefined";
    let otherRoot;
    if (previewed) {
        otherRoot = new URL("/", root);
        otherRoot.port = String(Number(root.port) + (here === "en" ? 1 : -1));
    } else {
        otherRoot = new URL(here === "en" ? "pt-BR/" : "../", root);
    }

    const link = document.createElement("a");
    link.href = new URL(page, otherRoot).href;
    link.textContent = edition.label;
    link.title = edition.title;
    link.hreflang = edition.other;
    link.lang = edition.other;
    link.className = "language-switch";
    buttons.prepend(link);
})();
