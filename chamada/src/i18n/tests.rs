//! The catalogues are complete: every message exists in every language,
//! with the same variables, and renders without an error.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

use super::*;

/// Each message of a catalogue file, with the variables it uses.
type Messages = BTreeMap<String, BTreeSet<String>>;

/// Reads one catalogue file, failing on any syntax error.
fn messages(lang: Lang, file: &str, text: &str) -> Messages {
    let resource = fluent_syntax::parser::parse(text).unwrap_or_else(|(_, errors)| {
        panic!(
            "chamada/i18n/{}/{file} does not parse: {errors:?}",
            lang.tag()
        )
    });
    let mut found = Messages::new();
    for entry in resource.body {
        if let Entry::Message(message) = entry {
            let mut names = BTreeSet::new();
            if let Some(value) = &message.value {
                variables(value, &mut names);
            }
            found.insert(message.id.name.to_owned(), names);
        }
    }
    found
}

fn variables(pattern: &Pattern<&str>, names: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, names);
        }
    }
}

fn expression_variables(expression: &Expression<&str>, names: &mut BTreeSet<String>) {
    match expression {
        Expression::Select { selector, variants } => {
            inline_variables(selector, names);
            for variant in variants {
                variables(&variant.value, names);
            }
        }
        Expression::Inline(inline) => inline_variables(inline, names),
    }
}

fn inline_variables(inline: &InlineExpression<&str>, names: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            names.insert(id.name.to_owned());
        }
        InlineExpression::Placeable { expression } => expression_variables(expression, names),
        _ => {}
    }
}

/// Every message of a language, file by file.
fn catalogue(lang: Lang) -> BTreeMap<String, Messages> {
    let (_, files) = SOURCES.iter().find(|(l, _)| *l == lang).unwrap();
    files
        .iter()
        .map(|(file, text)| (file.to_string(), messages(lang, file, text)))
        .collect()
}

#[test]
fn every_message_is_in_every_language_with_the_same_variables() {
    let english = catalogue(Lang::En);
    let mut problems = Vec::new();
    for lang in &Lang::ALL[1..] {
        let other = catalogue(*lang);
        let files: BTreeSet<&String> = english.keys().chain(other.keys()).collect();
        for file in files {
            let empty = Messages::new();
            let en = english.get(file).unwrap_or(&empty);
            let them = other.get(file).unwrap_or(&empty);
            for id in en.keys().filter(|id| !them.contains_key(*id)) {
                problems.push(format!("{file}: {id} has no {} translation", lang.tag()));
            }
            for id in them.keys().filter(|id| !en.contains_key(*id)) {
                problems.push(format!(
                    "{file}: {id} is in {} but not in English",
                    lang.tag()
                ));
            }
            for (id, names) in en {
                if let Some(theirs) = them.get(id).filter(|theirs| *theirs != names) {
                    problems.push(format!(
                        "{file}: {id} uses {names:?} in English but {theirs:?} in {}",
                        lang.tag()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn every_catalogue_file_is_embedded() {
    for (lang, files) in SOURCES {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("i18n")
            .join(lang.tag());
        let mut on_disk: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".ftl"))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = files.iter().map(|(name, _)| name.to_string()).collect();
        embedded.sort();
        assert_eq!(
            on_disk,
            embedded,
            "list every file of {} in `catalogue!`",
            folder.display()
        );
    }
}

#[test]
fn no_message_id_is_defined_twice() {
    for lang in Lang::ALL {
        let mut seen = BTreeMap::new();
        for (file, messages) in catalogue(lang) {
            for id in messages.keys() {
                if let Some(earlier) = seen.insert(id.clone(), file.clone()) {
                    panic!("{id} is in both {earlier} and {file} ({})", lang.tag());
                }
            }
        }
    }
}

/// Renders every message of every language with each of its variables set
/// to a few values (numbers for plurals, text for the rest): none may fail,
/// and none may come out empty.
#[test]
fn every_message_renders() {
    for lang in Lang::ALL {
        for (file, messages) in catalogue(lang) {
            for (id, names) in messages {
                for value in [
                    FluentValue::from(0),
                    1.into(),
                    2.into(),
                    "already-open".into(),
                ] {
                    let mut args = FluentArgs::new();
                    for name in &names {
                        args.set(name.clone(), value.clone());
                    }
                    let text = try_text_in(lang, &id, Some(&args))
                        .unwrap_or_else(|error| panic!("{file}: {error}"));
                    assert!(
                        !text.trim().is_empty(),
                        "{file}: {id} is empty in {}",
                        lang.tag()
                    );
                }
            }
        }
    }
}

#[test]
fn plurals_follow_each_language() {
    let disconnected = |lang, requests: usize| {
        let mut args = FluentArgs::new();
        args.set("peer", "127.0.0.1:50001");
        args.set("requests", requests);
        args.set("why", "x");
        text_in(lang, "log-disconnected", Some(&args))
    };
    assert_eq!(
        disconnected(Lang::En, 0),
        "127.0.0.1:50001 disconnected after 0 requests: x"
    );
    assert_eq!(
        disconnected(Lang::En, 1),
        "127.0.0.1:50001 disconnected after 1 request: x"
    );
    assert_eq!(
        disconnected(Lang::En, 3),
        "127.0.0.1:50001 disconnected after 3 requests: x"
    );
    assert_eq!(
        disconnected(Lang::PtBr, 0),
        "127.0.0.1:50001 desconectado após nenhuma requisição: x"
    );
    assert_eq!(
        disconnected(Lang::PtBr, 1),
        "127.0.0.1:50001 desconectado após 1 requisição: x"
    );
    assert_eq!(
        disconnected(Lang::PtBr, 3),
        "127.0.0.1:50001 desconectado após 3 requisições: x"
    );
}

#[test]
fn arguments_are_not_wrapped_in_isolation_marks() {
    let mut args = FluentArgs::new();
    args.set("server", "127.0.0.1:5050");
    assert_eq!(
        text_in(Lang::En, "client-connected", Some(&args)),
        "Connected to 127.0.0.1:5050."
    );
}

#[test]
fn the_locale_picks_the_language() {
    for portuguese in [
        "pt_BR.UTF-8",
        "pt_BR",
        "pt_BR.utf8",
        "pt_BR@latin",
        "pt",
        "pt_PT.UTF-8",
        "pt-BR",
    ] {
        assert_eq!(Lang::from_locale(portuguese), Lang::PtBr, "{portuguese}");
    }
    for english in [
        "C",
        "POSIX",
        "C.UTF-8",
        "en_US.UTF-8",
        "de_DE.UTF-8",
        "",
        "ptx",
    ] {
        assert_eq!(Lang::from_locale(english), Lang::En, "{english}");
    }
    assert_eq!(Lang::from_tag("pt-BR"), Some(Lang::PtBr));
    assert_eq!(Lang::from_tag("pt_br"), Some(Lang::PtBr));
    assert_eq!(Lang::from_tag("en"), Some(Lang::En));
    assert_eq!(Lang::from_tag("fr"), None);
}

/// Every server's options (`ServerArgs`) have their help in the catalogue,
/// so that a server's `--help` is in the reader's language once its `main`
/// parses with `cli::parse`.
#[test]
fn the_servers_options_have_their_help() {
    use clap::CommandFactory;

    #[derive(clap::Parser)]
    struct AnyServer {
        #[command(flatten)]
        server: crate::ServerArgs,
    }
    let command = AnyServer::command();
    cli::localize(AnyServer::command(), "cli").debug_assert();
    for arg in command.get_arguments() {
        let id = format!("cli-arg-{}", arg.get_id());
        for lang in Lang::ALL {
            assert!(
                try_text_in(lang, &id, None).is_ok(),
                "no {id} in {}",
                lang.tag()
            );
        }
    }
}
