//! # Bug hunt: bug-03
//!
//! This roll-call server has one bug, of a kind that real servers written
//! by students have. Everything in `bugs/src/lib.rs` is correct; the bug is
//! in this file.
//!
//! Exercise: start it with `cargo run -p chamada-bugs --bin bug-03`, run
//! `cargo run --release --bin check -- 127.0.0.1:5050` against it, and read
//! the report: which category fails, what was sent, what came back. Then
//! find the bug here, fix it, and run `check` again until every check
//! passes. The book's chapter "Bug hunt" has hints.

use std::sync::Mutex;

use chamada::{Command, Response, RollCalls, StartupError};

fn main() -> Result<(), StartupError> {
    chamada_bugs::run_answering(answer)
}

/// Carries out one command.
fn answer(roll_calls: &Mutex<RollCalls>, command: Command) -> Response {
    let Command::Present { student, class } = command else {
        return chamada_bugs::answer(roll_calls, command);
    };
    let present = Command::Present { student, class };
    match chamada_bugs::answer(roll_calls, present) {
        // Say which class the answer is about, so the student can check it.
        Response::Presence { at, .. } => Response::Presence {
            class: Some(class),
            at,
        },
        other => other,
    }
}
