//! The programs' messages in the reader's language: English, or Brazilian
//! Portuguese under a Portuguese locale.
//!
//! Every sentence a person reads (a menu, an answer, an error, a log line,
//! `--help`) is a message of a catalogue, one per language, in Project
//! Fluent's format: `chamada/i18n/en/*.ftl` and `chamada/i18n/pt-BR/*.ftl`
//! (see `chamada/i18n/README.md`). Code asks for a message by its id with
//! named arguments, and never builds a sentence out of pieces, because word
//! order, agreement and plurals differ between languages:
//!
//! ```
//! use chamada::t;
//! let line = t!("answer-started", class = "42", at = "2026-11-24 10:15:00");
//! assert!(line.contains("42"));
//! ```
//!
//! What never changes with the language: the protocol's words (`START`,
//! `ERROR full`, ...) and the first line a server prints, `listening on
//! HOST:PORT`, which scripts and graders read.
//!
//! ## Which language
//!
//! A `--lang en|pt-BR` option wins ([`choose`]). Otherwise the first of
//! `LC_ALL`, `LC_MESSAGES` and `LANG` that is set and not empty decides, as
//! for every Unix program: a Portuguese locale (`pt_BR.UTF-8`, `pt_BR`,
//! `pt`, and also `pt_PT`: a reader of Portuguese prefers Brazilian
//! Portuguese to English) gives Portuguese, anything else (`C`, `POSIX`,
//! `en_US.UTF-8`, `de_DE`) English. Where none of the three is set, which is
//! usual on Windows, the language chosen in the system's settings decides.

use std::ffi::OsString;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::FluentResource;
pub use fluent_bundle::{FluentArgs, FluentValue};
use unic_langid::LanguageIdentifier;

pub mod cli;

/// A language the programs speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English, the language of the code and of the protocol.
    En,
    /// Brazilian Portuguese.
    PtBr,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::PtBr];

    /// The language's tag, as `--lang` takes it and as the catalogue's
    /// folder is named.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::PtBr => "pt-BR",
        }
    }

    /// Reads a `--lang` value: `en` or `pt-BR` (any case, `_` for `-`).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.replace('_', "-");
        Lang::ALL
            .into_iter()
            .find(|lang| lang.tag().eq_ignore_ascii_case(&tag))
    }

    /// The language of a locale name such as `pt_BR.UTF-8`, `pt`, `C` or
    /// `en_US.UTF-8`: Portuguese for any Portuguese locale, else English.
    pub fn from_locale(locale: &str) -> Lang {
        // language[_territory][.codeset][@modifier], or a BCP 47 tag (pt-BR).
        let language = locale.split(['_', '-', '.', '@']).next().unwrap_or("");
        if language.eq_ignore_ascii_case("pt") {
            Lang::PtBr
        } else {
            Lang::En
        }
    }

    /// The language the environment asks for (see the module's docs).
    pub fn from_env() -> Lang {
        let set = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].into_iter().find_map(set);
        match locale {
            Some(locale) => Lang::from_locale(&locale),
            None => Lang::from_locale(&system_locale()),
        }
    }
}

/// The locale chosen in the system's settings, where no variable says one.
#[cfg(not(unix))]
fn system_locale() -> String {
    sys_locale::get_locale().unwrap_or_default()
}

/// On Unix the variables are the settings: none set means the `C` locale.
#[cfg(unix)]
fn system_locale() -> String {
    String::new()
}

/// The language of this process, chosen once.
static CHOSEN: OnceLock<Lang> = OnceLock::new();

/// The language messages are written in: the one [`choose`] set, or the
/// environment's.
pub fn lang() -> Lang {
    *CHOSEN.get_or_init(Lang::from_env)
}

/// Sets the language for the rest of the process (a `--lang` option). Call
/// it before the first message; returns false if a language was already in
/// use, which then stays.
pub fn choose(lang: Lang) -> bool {
    CHOSEN.set(lang).is_ok() || CHOSEN.get() == Some(&lang)
}

/// Chooses the language a command line's `--lang` option asks for, before
/// the command line is parsed (so that even errors in the other options
/// are reported in that language). An unknown value is left for the
/// parser to refuse.
pub fn choose_from_args(args: &[OsString]) {
    let mut words = args.iter().filter_map(|arg| arg.to_str());
    while let Some(word) = words.next() {
        if word == "--" {
            return;
        }
        let value = match word.strip_prefix("--lang") {
            Some("") => words.next(),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        if let Some(lang) = value.and_then(Lang::from_tag) {
            choose(lang);
        }
    }
}

// ANCHOR: catalogue
/// The files of each language's catalogue, embedded in the program when it
/// is compiled: the programs need no files beside them at run time. A file
/// added to `chamada/i18n/<lang>/` is added here too (a test checks).
macro_rules! catalogue {
    ($lang:literal) => {
        &[
            (
                "clients.ftl",
                include_str!(concat!("../i18n/", $lang, "/clients.ftl")),
            ),
            (
                "cli.ftl",
                include_str!(concat!("../i18n/", $lang, "/cli.ftl")),
            ),
            (
                "servers.ftl",
                include_str!(concat!("../i18n/", $lang, "/servers.ftl")),
            ),
            (
                "check.ftl",
                include_str!(concat!("../i18n/", $lang, "/check.ftl")),
            ),
        ]
    };
}

/// Each language's catalogue files: (file name, text).
pub const SOURCES: [(Lang, &[(&str, &str)]); 2] = [
    (Lang::En, catalogue!("en")),
    (Lang::PtBr, catalogue!("pt-BR")),
];
// ANCHOR_END: catalogue

/// One language's messages, ready to format.
type Bundle = FluentBundle<FluentResource>;

/// The bundles, built on first use, in the order of [`Lang::ALL`].
static BUNDLES: OnceLock<Vec<Bundle>> = OnceLock::new();

fn bundle(lang: Lang) -> &'static Bundle {
    let bundles =
        BUNDLES.get_or_init(|| SOURCES.iter().map(|(l, files)| build(*l, files)).collect());
    let index = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    &bundles[index]
}

/// Builds a language's bundle. A catalogue that does not parse is a bug
/// the tests catch; a program still runs, without the broken messages.
fn build(lang: Lang, files: &[(&str, &str)]) -> Bundle {
    let id: LanguageIdentifier = lang.tag().parse().expect("the tags are valid");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Fluent wraps each argument in Unicode isolation marks, for text that
    // mixes writing directions; both our languages run left to right, and
    // the marks would make the English output differ from what it was.
    bundle.set_use_isolating(false);
    for (_, text) in files {
        let resource =
            FluentResource::try_new(text.to_string()).unwrap_or_else(|(partial, _)| partial);
        let _ = bundle.add_resource(resource);
    }
    bundle
}

/// True if the catalogues have a message with this id.
pub fn has(id: &str) -> bool {
    bundle(lang()).has_message(id)
}

/// The message `id` in the current language, with `args` filled in.
/// Use [`t!`](crate::t) rather than calling this.
pub fn text(id: &str, args: Option<&FluentArgs>) -> String {
    text_in(lang(), id, args)
}

/// The message `id` in `lang`, with `args` filled in. A message missing
/// from the catalogue shows as its id (the tests make sure none is).
pub fn text_in(lang: Lang, id: &str, args: Option<&FluentArgs>) -> String {
    let bundle = bundle(lang);
    let Some(pattern) = bundle.get_message(id).and_then(|message| message.value()) else {
        return id.to_owned();
    };
    let mut errors = Vec::new();
    bundle
        .format_pattern(pattern, args, &mut errors)
        .into_owned()
}

/// The message `id` in the current language, formatted: any errors (an
/// argument not given, a message missing) as a list, for tests.
pub fn try_text_in(lang: Lang, id: &str, args: Option<&FluentArgs>) -> Result<String, String> {
    let bundle = bundle(lang);
    let pattern = bundle
        .get_message(id)
        .and_then(|message| message.value())
        .ok_or_else(|| format!("no message {id} in {}", lang.tag()))?;
    let mut errors = Vec::new();
    let text = bundle
        .format_pattern(pattern, args, &mut errors)
        .into_owned();
    match errors.is_empty() {
        true => Ok(text),
        false => Err(format!("{id} in {}: {errors:?}", lang.tag())),
    }
}

/// A message in the current language: `t!("id")`, or with named arguments
/// `t!("id", class = class.to_string(), count = students.len())`. Numbers
/// stay numbers, so that the catalogue can choose a plural.
#[macro_export]
macro_rules! t {
    ($id:expr) => {
        $crate::i18n::text($id, None)
    };
    ($id:expr, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = $crate::i18n::FluentArgs::new();
        $(args.set(stringify!($name), $value);)+
        $crate::i18n::text($id, Some(&args))
    }};
}

#[cfg(test)]
mod tests;
