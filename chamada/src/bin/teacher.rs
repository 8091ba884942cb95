//! The teacher's client: open a class's roll call, see who has answered,
//! close it and get the list.
//!
//! `teacher start 42` does one thing and exits (for scripts);
//! `teacher` alone opens a menu on one connection (for people).

use std::process::ExitCode;

use chamada::client::{fail, Choice, ClientArgs, Session};
use chamada::{ClassId, Command, Request, TeacherKey};
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
    Status { class: ClassId },
    /// Close the roll call and list everyone who answered.
    End { class: ClassId },
}

impl Action {
    fn command(self) -> Command {
        match self {
            Action::Start { class } => Command::Start(class),
            Action::Status { class } => Command::Status(class),
            Action::End { class } => Command::End(class),
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
    match args.action {
        Some(action) => session.run_once(action.command()),
        None => {
            println!("Connected to {}.\n{MENU}", args.connection.server);
            session.prompt_loop("teacher> ", menu_choice)
        }
    }
}

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
