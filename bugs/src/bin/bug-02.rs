//! # Bug hunt: bug-02
//!
//! This roll-call server has one bug, of a kind that real servers written
//! by students have. Everything in `bugs/src/lib.rs` is correct; the bug is
//! in this file.
//!
//! Exercise: start it with `cargo run -p chamada-bugs --bin bug-02`, run
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
    // Teachers read the lists, so make them easy to read.
    match chamada_bugs::answer(roll_calls, command) {
        Response::Status {
            class,
            started,
            mut students,
        } => {
            students.sort();
            Response::Status {
                class,
                started,
                students,
            }
        }
        Response::Ended {
            class,
            at,
            mut students,
        } => {
            students.sort();
            Response::Ended {
                class,
                at,
                students,
            }
        }
        other => other,
    }
}
