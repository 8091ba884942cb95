//! # Bug hunt: bug-07
//!
//! This roll-call server has one bug, of a kind that real servers written
//! by students have. Everything in `bugs/src/lib.rs` is correct; the bug is
//! in this file.
//!
//! Exercise: start it with `cargo run -p chamada-bugs --bin bug-07`, run
//! `cargo run --release --bin check -- 127.0.0.1:5050` against it, and read
//! the report: which category fails, what was sent, what came back. Then
//! find the bug here, fix it, and run `check` again until every check
//! passes. The book's chapter "Bug hunt" has hints.

use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use chamada::{Command, Response, RollCalls, StartupError};

fn main() -> Result<(), StartupError> {
    chamada_bugs::run_answering(answer)
}

/// Carries out one command.
fn answer(roll_calls: &Mutex<RollCalls>, command: Command) -> Response {
    let Command::Present { student, class } = command else {
        return chamada_bugs::answer(roll_calls, command);
    };
    // Is this class's roll call open?
    let is_open = matches!(
        chamada_bugs::answer(roll_calls, Command::Status(class)),
        Response::Status { .. }
    );
    if !is_open {
        return chamada_bugs::answer(roll_calls, Command::Present { student, class });
    }
    // This pause is not the bug. It stands for work a bigger server would
    // do here (a log line, a database look-up), and makes the bug show up
    // on every run of `check` rather than once in a thousand.
    thread::sleep(Duration::from_millis(1));
    // It is open: record the student.
    match chamada_bugs::answer(roll_calls, Command::Present { student, class }) {
        Response::Presence { at, .. } => Response::Presence {
            class: Some(class),
            at,
        },
        other => other,
    }
}
