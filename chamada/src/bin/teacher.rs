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

use chamada::client::{fail, Choice, ClientArgs, Session};
use chamada::{Attendance, ClassId, Command, Request, TeacherKey};
use clap::{Parser, Subcommand};

/// The teacher's client for the roll-call server.
///
/// With a command, does it and exits (0 on success, 1 if refused).
/// Without one, opens an interactive menu.
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
        allow_hyphen_values = true
    )]
    key: Option<TeacherKey>,
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(Subcommand)]
enum Action {
    /// Open the roll call of a class.
    Start { class: ClassId },
    /// Show who has answered so far.
    Status {
        class: ClassId,
        /// Also save the list in FILE as CSV (replacing it).
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
    /// Close the roll call and list everyone who answered.
    End {
        class: ClassId,
        /// Also save the list in FILE as CSV (replacing it).
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

const MENU: &str = "\
Teacher menu:
  start <class>    open the roll call of a class
  status <class>   see who has answered so far
  end <class>      close it and list who answered
  help             show this menu
  quit             leave";

fn main() -> ExitCode {
    let args = Args::parse();
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
            println!("Connected to {}.\n{MENU}", args.connection.server);
            session.prompt_loop("teacher> ", menu_choice)
        }
    }
}

// ANCHOR: save_list
/// Runs `command` (`STATUS` or `END`) and saves the list it is answered
/// with in `path` as CSV. The file is created before the request is sent,
/// so a path that cannot be written is found out before a roll call ends.
/// (The protocol's lists carry no answer times: that column stays empty.)
fn save_list(session: &mut Session, command: Command, path: &Path) -> ExitCode {
    let file = match File::create(path) {
        Ok(file) => file,
        Err(error) => {
            eprintln!("teacher: cannot write {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
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
    match list.write_csv(BufWriter::new(file)) {
        Ok(()) => {
            println!("List saved in {}.", path.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("teacher: cannot write {}: {error}", path.display());
            ExitCode::FAILURE
        }
    }
}
// ANCHOR_END: save_list

/// Reads a menu line. The menu's words are the protocol's own verbs, so the
/// protocol's parser reads them; only teacher requests are offered here.
fn menu_choice(line: &str) -> Choice {
    let verb = line
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !["", "start", "status", "end", "help", "quit"].contains(&verb.as_str()) {
        return Choice::Say(format!("{verb:?} is not in the menu; type help to see it."));
    }
    match Request::parse(line) {
        Ok(Some(Request::Command(command))) => Choice::Send(command),
        Ok(Some(Request::Help)) => Choice::Say(MENU.to_owned()),
        Ok(Some(Request::Quit)) => Choice::Quit,
        Ok(_) => Choice::Nothing,
        Err(bad) => Choice::Say(format!("{bad}.")),
    }
}
