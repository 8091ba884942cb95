//! Command lines in the reader's language: `--help` and the errors of a
//! bad command line.
//!
//! clap writes `--help` from the doc comments of a program's `Args`, which
//! are English, and its errors in English. [`parse`] replaces both with the
//! catalogue's messages before parsing. The ids follow the command's
//! structure, from a prefix naming the program (say `teacher`):
//!
//! | what | message id |
//! |---|---|
//! | the program's description | `teacher-about` |
//! | option or argument `key` | `teacher-arg-key`, else `cli-arg-key` (options every program shares) |
//! | subcommand `start` | `teacher-start-about`, its arguments `teacher-start-arg-class` |
//!
//! A test in each program checks that every one of them has its message.

use std::ffi::OsString;
use std::process;

use clap::error::{ContextKind, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};

use super::{choose_from_args, has};
use crate::t;

/// The `--lang` option, for any program: `#[command(flatten)]` it.
#[derive(Debug, Clone, clap::Args)]
pub struct LangArg {
    /// The language of the messages, instead of the locale's.
    #[arg(long, value_name = "LANG", global = true, value_parser = ["en", "pt-BR"])]
    pub lang: Option<String>,
}

/// Parses the program's command line with help and errors in the reader's
/// language, `prefix` naming its messages. Exits as clap does: after
/// printing help or the version (0), or a bad command line's error (2).
pub fn parse<T: CommandFactory + FromArgMatches>(prefix: &str) -> T {
    parse_command(T::command(), prefix)
}

/// [`parse`] for a command defined outside its program (in this library),
/// named `program` as its `--help` shows it.
pub fn parse_named<T: CommandFactory + FromArgMatches>(program: &'static str) -> T {
    parse_command(T::command().name(program), program)
}

fn parse_command<T: FromArgMatches>(command: Command, prefix: &str) -> T {
    let args: Vec<OsString> = std::env::args_os().collect();
    choose_from_args(&args);
    let mut command = localize(command, prefix);
    let parsed = command
        .try_get_matches_from_mut(args)
        .and_then(|matches| T::from_arg_matches(&matches));
    parsed.unwrap_or_else(|error| exit(error.with_cmd(&command)))
}

/// `command` with its texts from the catalogue (see the module's docs).
pub fn localize(command: Command, prefix: &str) -> Command {
    let mut command = command
        .about(t!(&format!("{prefix}-about")))
        .long_about(None::<&str>)
        .help_template(help_template())
        .subcommand_help_heading(t!("cli-commands"))
        .subcommand_value_name(t!("cli-command"))
        .disable_help_subcommand(true)
        .disable_help_flag(true);
    let ids: Vec<String> = command
        .get_arguments()
        .map(|arg| arg.get_id().to_string())
        .collect();
    for (order, id) in ids.iter().enumerate() {
        let text = arg_text(prefix, id);
        command = command.mut_arg(id, |arg| describe(arg, text).display_order(order));
    }
    let options = t!("cli-options");
    command = command.arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help(t!("cli-help"))
            .help_heading(options.clone())
            .display_order(ids.len()),
    );
    if command.get_version().is_some() {
        command = command.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(t!("cli-version"))
                .help_heading(options)
                .display_order(ids.len() + 1),
        );
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        let sub_prefix = format!("{prefix}-{name}");
        command = command.mut_subcommand(&name, |sub| localize(sub, &sub_prefix));
    }
    command
}

/// clap's layout of `--help`, with the heading of its usage line from the
/// catalogue (clap fills in the words in braces).
fn help_template() -> String {
    let usage = t!("cli-usage");
    format!(
        "{{before-help}}{{about-with-newline}}\n{usage} {{usage}}\n\n{{all-args}}{{after-help}}"
    )
}

/// The message ids a command's texts come from, for the test that every
/// one exists: the description, each argument's and each subcommand's.
pub fn message_ids(command: &Command, prefix: &str) -> Vec<String> {
    let mut ids = vec![format!("{prefix}-about")];
    for arg in command.get_arguments() {
        let id = arg.get_id().as_str();
        if id != "help" && id != "version" && !has(&format!("cli-arg-{id}")) {
            ids.push(format!("{prefix}-arg-{id}"));
        }
    }
    for sub in command.get_subcommands() {
        ids.extend(message_ids(sub, &format!("{prefix}-{}", sub.get_name())));
    }
    ids
}

/// The help of argument `id`: the program's own message, else the shared one.
fn arg_text(prefix: &str, id: &str) -> String {
    let own = format!("{prefix}-arg-{id}");
    match has(&own) {
        true => t!(&own),
        false => t!(&format!("cli-arg-{id}")),
    }
}

/// An argument's help, with its default value and environment variable
/// written in the reader's language (clap would write them in English).
fn describe(arg: Arg, text: String) -> Arg {
    let heading = match arg.is_positional() {
        true => t!("cli-arguments"),
        false => t!("cli-options"),
    };
    let arg = arg.long_help(None::<&str>).help_heading(heading);
    // Placeholders such as <CLASS> are words too: <TURMA> in Portuguese.
    let arg = match arg.get_value_names().map(|names| names.to_vec()) {
        Some(names) => arg.value_names(names.iter().map(|name| value_name(name))),
        None => arg,
    };
    // A flag (`--raw`) has nothing more to say.
    if !arg.get_action().takes_values() {
        return arg.help(text);
    }
    let mut notes = Vec::new();
    let default = arg.get_default_values().first();
    if let Some(value) = default.filter(|_| !arg.is_hide_default_value_set()) {
        notes.push(t!(
            "cli-default",
            value = value.to_string_lossy().into_owned()
        ));
    }
    if let Some(name) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
        notes.push(t!("cli-env", name = name.to_string_lossy().into_owned()));
    }
    let help = std::iter::once(text)
        .chain(notes)
        .collect::<Vec<_>>()
        .join(" ");
    // The possible values are in the help's text already, in words.
    arg.help(help)
        .hide_default_value(true)
        .hide_env(true)
        .hide_possible_values(true)
}

/// A placeholder in the reader's language: `cli-value-host-port` for
/// `HOST:PORT`, or the placeholder as it is if the catalogue has none.
fn value_name(name: &str) -> String {
    let id = format!("cli-value-{}", name.to_lowercase().replace(':', "-"));
    match has(&id) {
        true => t!(&id),
        false => name.to_owned(),
    }
}

/// Prints a bad command line's error in the reader's language and exits
/// with clap's code; help and the version go out as clap writes them.
fn exit(error: clap::Error) -> ! {
    let shows_help = error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand;
    if !error.use_stderr() || shows_help {
        error.exit();
    }
    let explained = explain(&error).unwrap_or_else(|| {
        // A program's own refusal (a value parser's message): already ours.
        let rendered = error.render().to_string();
        let message = rendered.lines().next().unwrap_or_default();
        message
            .strip_prefix("error: ")
            .unwrap_or(message)
            .to_owned()
    });
    eprintln!("{}", t!("cli-error", message = explained));
    eprintln!("\n{}", t!("cli-try-help"));
    process::exit(error.exit_code());
}

/// The sentence for the usual mistakes, from what clap found.
fn explain(error: &clap::Error) -> Option<String> {
    let get = |kind| error.get(kind).map(|value| value.to_string());
    let arg = get(ContextKind::InvalidArg).unwrap_or_default();
    let value = get(ContextKind::InvalidValue).unwrap_or_default();
    let message = match error.kind() {
        ErrorKind::ValueValidation => {
            let reason = std::error::Error::source(error).map(|why| why.to_string())?;
            t!(
                "cli-error-invalid-value",
                value = value,
                arg = arg,
                reason = reason
            )
        }
        ErrorKind::InvalidValue => {
            let valid = get(ContextKind::ValidValue).unwrap_or_default();
            t!(
                "cli-error-not-one-of",
                value = value,
                arg = arg,
                valid = valid
            )
        }
        ErrorKind::UnknownArgument => t!("cli-error-unknown", arg = arg),
        ErrorKind::InvalidSubcommand => {
            let name = get(ContextKind::InvalidSubcommand).unwrap_or_default();
            t!("cli-error-unknown-command", name = name)
        }
        ErrorKind::MissingRequiredArgument => t!("cli-error-missing", arg = arg),
        ErrorKind::NoEquals | ErrorKind::InvalidUtf8 | ErrorKind::TooManyValues => {
            t!("cli-error-unknown", arg = arg)
        }
        ErrorKind::ArgumentConflict => t!("cli-error-conflict", arg = arg),
        _ => return None,
    };
    Some(message)
}
