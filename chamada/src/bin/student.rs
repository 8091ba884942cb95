//! The student's client: answer a class's roll call with your student id.
//!
//! `student 042191010 42` answers once and exits (for scripts);
//! `student` alone asks for answers at a prompt (for people).

use std::process::ExitCode;

use chamada::client::{class_arg, fail, student_arg, Choice, ClientArgs, Session};
use chamada::{i18n, t, ClassId, Command, StudentId};
use clap::Parser;

/// The student's client for the roll-call server.
///
/// With a student id and a class, answers once and exits (0 when recorded,
/// 1 when refused). Without them, asks at a prompt.
///
/// (What `--help` shows comes from the catalogue, `student-about` and
/// `student-arg-*` in chamada/i18n/*/clients.ftl, in the reader's language.)
#[derive(Parser)]
#[command(name = "student", version)]
struct Args {
    #[command(flatten)]
    connection: ClientArgs,
    /// Your student id (matrícula): 1 to 32 letters or digits.
    #[arg(requires = "class", value_parser = student_arg)]
    student: Option<StudentId>,
    /// The class whose roll call you are answering.
    #[arg(value_parser = class_arg)]
    class: Option<ClassId>,
}

fn main() -> ExitCode {
    let args: Args = i18n::cli::parse("student");
    let mut session = match Session::connect(&args.connection) {
        Ok(session) => session,
        Err(error) => return fail(&error),
    };
    match (args.student, args.class) {
        (Some(student), Some(class)) => session.run_once(Command::Present { student, class }),
        _ => {
            let server = args.connection.server.to_string();
            println!(
                "{}\n{}",
                t!("client-connected", server = server),
                t!("student-how-to")
            );
            session.prompt_loop(&t!("student-prompt"), answer_choice)
        }
    }
}

/// Reads `<student> <class>` typed at the prompt.
fn answer_choice(line: &str) -> Choice {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        [] => Choice::Nothing,
        [word] if word.eq_ignore_ascii_case("quit") => Choice::Quit,
        [student, class] => match (student_arg(student), class_arg(class)) {
            (Ok(student), Ok(class)) => Choice::Send(Command::Present { student, class }),
            (Err(why), _) | (_, Err(why)) => Choice::Say(t!("student-not-sent", why = why)),
        },
        _ => Choice::Say(t!("student-how-to")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every text of `--help` comes from the catalogue, in both languages.
    #[test]
    fn every_help_text_has_a_message() {
        i18n::cli::localize(Args::command(), "student").debug_assert();
        for id in i18n::cli::message_ids(&Args::command(), "student") {
            for lang in i18n::Lang::ALL {
                assert!(
                    i18n::try_text_in(lang, &id, None).is_ok(),
                    "no {id} in {lang:?}"
                );
            }
        }
    }
}
