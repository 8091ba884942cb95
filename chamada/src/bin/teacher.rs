//! The teacher's client: open a class's roll call, see who has answered,
//! close it and get the list.
//!
//! `teacher start 42` does one thing and exits (for scripts);
//! `teacher` alone opens a menu on one connection (for people).
//! `teacher end 42 --csv list.csv` also saves the list as CSV.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chamada::client::{class_arg, fail, Choice, ClientArgs, KeyArg, Session};
use chamada::{i18n, t, Attendance, ClassId, Command, TeacherKey};
use clap::{Parser, Subcommand};

/// The teacher's client for the roll-call server.
///
/// With a command, does it and exits (0 on success, 1 if refused).
/// Without one, opens an interactive menu.
///
/// (What `--help` shows comes from the catalogue, `teacher-about` and
/// `teacher-arg-*` in chamada/i18n/*/clients.ftl, in the reader's language.)
#[derive(Parser)]
#[command(name = "teacher", version)]
struct Args {
    #[command(flatten)]
    connection: ClientArgs,
    /// The teacher key, if the server was started with one. Prefer the
    /// environment variable: a command line is visible to everyone in `ps`.
    /// A key may start with `-`; a bad one is refused without being shown.
    #[arg(
        long,
        value_name = "KEY",
        env = "CHAMADA_TEACHER_KEY",
        hide_env_values = true,
        allow_hyphen_values = true,
        value_parser = KeyArg
    )]
    key: Option<TeacherKey>,
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(Subcommand)]
enum Action {
    /// Open the roll call of a class.
    Start {
        #[arg(value_parser = class_arg)]
        class: ClassId,
    },
    /// Show who has answered so far.
    Status {
        #[arg(value_parser = class_arg)]
        class: ClassId,
        /// Also save the list of students in FILE as CSV (replacing it).
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
    /// Close the roll call and list everyone who answered.
    End {
        #[arg(value_parser = class_arg)]
        class: ClassId,
        /// Also save the list of students in FILE as CSV (replacing it).
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
}

impl Action {
    /// The request, and the file to save its list in, if asked.
    fn command(self) -> (Command, Option<PathBuf>) {
        match self {
            Action::Start { class } => (Command::Start(class), None),
            Action::Status { class, csv } => (Command::Status(class), csv),
            Action::End { class, csv } => (Command::End(class), csv),
        }
    }
}

fn main() -> ExitCode {
    let args: Args = i18n::cli::parse("teacher");
    let mut session = match Session::connect(&args.connection) {
        Ok(session) => session,
        Err(error) => return fail(&error),
    };
    if let Err(error) = session.authenticate(args.key.as_ref()) {
        return fail(&error);
    }
    match args.action.map(Action::command) {
        Some((command, None)) => session.run_once(command),
        Some((command, Some(csv))) => save_list(&mut session, command, &csv),
        None => {
            let server = args.connection.server.to_string();
            println!(
                "{}\n{}",
                t!("client-connected", server = server),
                t!("teacher-menu")
            );
            session.prompt_loop(&t!("teacher-prompt"), menu_choice)
        }
    }
}

// ANCHOR: save_list
/// Runs `command` (`STATUS` or `END`) and saves the list it is answered
/// with in `path` as CSV. The file is created before the request is sent,
/// so a path that cannot be written is found out before a roll call ends.
/// The protocol's lists carry no answer times, so the file has no column
/// for them; the server's own copy in `chamada.ended/` has them.
fn save_list(session: &mut Session, command: Command, path: &Path) -> ExitCode {
    let cannot_write = |error: std::io::Error| {
        let path = path.display().to_string();
        eprintln!(
            "{}",
            t!(
                "teacher-cannot-write",
                path = path,
                error = error.to_string()
            )
        );
        ExitCode::FAILURE
    };
    let file = match File::create(path) {
        Ok(file) => file,
        Err(error) => return cannot_write(error),
    };
    let list = match session.exchange(command) {
        Ok(response) => Attendance::from_response(&response),
        Err(error) => {
            let _ = fs::remove_file(path);
            return fail(&error);
        }
    };
    let Some(list) = list else {
        let _ = fs::remove_file(path); // refused: there is no list to save
        return ExitCode::FAILURE;
    };
    match list.write_known_csv(BufWriter::new(file)) {
        Ok(()) => {
            println!(
                "{}",
                t!("teacher-list-saved", path = path.display().to_string())
            );
            ExitCode::SUCCESS
        }
        Err(error) => cannot_write(error),
    }
}
// ANCHOR_END: save_list

/// What the menu offers, by number or by word. The words are the
/// protocol's verbs, in both languages; the numbers are how the original
/// assignment's menu was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MenuItem {
    Start,
    Status,
    End,
    Help,
    Quit,
}

impl MenuItem {
    /// Every item, in the menu's order: item `n` is number `n + 1`.
    const ALL: [MenuItem; 5] = [
        MenuItem::Start,
        MenuItem::Status,
        MenuItem::End,
        MenuItem::Help,
        MenuItem::Quit,
    ];

    fn word(self) -> &'static str {
        match self {
            MenuItem::Start => "start",
            MenuItem::Status => "status",
            MenuItem::End => "end",
            MenuItem::Help => "help",
            MenuItem::Quit => "quit",
        }
    }

    /// The item a typed word or number chooses.
    fn read(typed: &str) -> Option<MenuItem> {
        MenuItem::ALL
            .into_iter()
            .enumerate()
            .find_map(|(index, item)| {
                let chosen =
                    typed.eq_ignore_ascii_case(item.word()) || typed == (index + 1).to_string();
                chosen.then_some(item)
            })
    }
}

/// Reads a menu line: a number or a word, then the class for the items
/// that need one (`1 42`, `start 42`). Help and mistakes are answered here,
/// without asking the server.
fn menu_choice(line: &str) -> Choice {
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some((&typed, rest)) = words.split_first() else {
        return Choice::Nothing;
    };
    let Some(item) = MenuItem::read(typed) else {
        let word = typed.to_ascii_lowercase();
        return Choice::Say(t!("teacher-not-in-menu", word = word));
    };
    let command: fn(ClassId) -> Command = match item {
        MenuItem::Help => return Choice::Say(t!("teacher-menu")),
        MenuItem::Quit => return Choice::Quit,
        MenuItem::Start => Command::Start,
        MenuItem::Status => Command::Status,
        MenuItem::End => Command::End,
    };
    match rest {
        [] => Choice::Say(t!("teacher-needs-class", word = typed)),
        [class] => match class_arg(class) {
            Ok(class) => Choice::Send(command(class)),
            Err(why) => Choice::Say(t!("teacher-bad-class", word = *class, why = why)),
        },
        _ => Choice::Say(t!("teacher-too-many-words")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_menu_takes_numbers_and_words() {
        let class = ClassId::new(42).unwrap();
        for (line, expected) in [
            ("1 42", Command::Start(class)),
            ("start 42", Command::Start(class)),
            ("START 42", Command::Start(class)),
            ("2 42", Command::Status(class)),
            ("status 042", Command::Status(class)),
            ("3 42", Command::End(class)),
            ("  end   42 ", Command::End(class)),
        ] {
            match menu_choice(line) {
                Choice::Send(command) => assert_eq!(command, expected, "{line:?}"),
                other => panic!("{line:?} gave {other:?}"),
            }
        }
        assert!(matches!(menu_choice("5"), Choice::Quit));
        assert!(matches!(menu_choice("quit"), Choice::Quit));
        assert!(matches!(menu_choice("4"), Choice::Say(_)));
        assert!(matches!(menu_choice(""), Choice::Nothing));
        for refused in [
            "6", "0", "1", "start", "1 x", "1 0", "1 42 7", "strat 7", "42",
        ] {
            assert!(
                matches!(menu_choice(refused), Choice::Say(_)),
                "{refused:?}"
            );
        }
    }

    /// Every text of `--help` comes from the catalogue, in both languages.
    #[test]
    fn every_help_text_has_a_message() {
        i18n::cli::localize(Args::command(), "teacher").debug_assert();
        for id in i18n::cli::message_ids(&Args::command(), "teacher") {
            for lang in i18n::Lang::ALL {
                assert!(
                    i18n::try_text_in(lang, &id, None).is_ok(),
                    "no {id} in {lang:?}"
                );
            }
        }
    }
}
