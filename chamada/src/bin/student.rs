//! The student's client: answer a class's roll call with your student id.
//!
//! `student 042191010 42` answers once and exits (for scripts);
//! `student` alone asks for answers at a prompt (for people).

use std::process::ExitCode;

use chamada::client::{fail, Choice, ClientArgs, Session};
use chamada::{ClassId, Command, StudentId};
use clap::Parser;

/// The student's client for the roll-call server.
///
/// With a student id and a class, answers once and exits (0 when recorded,
/// 1 when refused). Without them, asks at a prompt.
#[derive(Parser)]
#[command(name = "student", version)]
struct Args {
    #[command(flatten)]
    connection: ClientArgs,
    /// Your student id (matrícula): 1 to 32 letters or digits.
    #[arg(requires = "class")]
    student: Option<StudentId>,
    /// The class whose roll call you are answering.
    class: Option<ClassId>,
}

const HOW_TO: &str = "Type your student id and the class, e.g. `042191010 42`; `quit` to leave.";

fn main() -> ExitCode {
    let args = Args::parse();
    let mut session = match Session::connect(&args.connection) {
        Ok(session) => session,
        Err(error) => return fail(&error),
    };
    match (args.student, args.class) {
        (Some(student), Some(class)) => session.run_once(Command::Present { student, class }),
        _ => {
            println!("Connected to {}.\n{HOW_TO}", args.connection.server);
            session.prompt_loop("student> ", answer_choice)
        }
    }
}

/// Reads `<student> <class>` typed at the prompt.
fn answer_choice(line: &str) -> Choice {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        [] => Choice::Nothing,
        [word] if word.eq_ignore_ascii_case("quit") => Choice::Quit,
        [student, class] => match (student.parse::<StudentId>(), class.parse::<ClassId>()) {
            (Ok(student), Ok(class)) => Choice::Send(Command::Present { student, class }),
            (Err(why), _) | (_, Err(why)) => Choice::Say(format!("Not sent: {why}.")),
        },
        _ => Choice::Say(HOW_TO.to_owned()),
    }
}
