//! # Bug hunt: bug-04
//!
//! This roll-call server has one bug, of a kind that real servers written
//! by students have. Everything in `bugs/src/lib.rs` is correct; the bug is
//! in this file.
//!
//! Exercise: start it with `cargo run -p chamada-bugs --bin bug-04`, run
//! `cargo run --release --bin check -- 127.0.0.1:5050` against it, and read
//! the report: which category fails, what was sent, what came back. Then
//! find the bug here, fix it, and run `check` again until every check
//! passes. The book's chapter "Bug hunt" has hints.

use std::net::TcpStream;
use std::sync::Mutex;

use chamada::{LineReader, RollCalls, StartupError};

fn main() -> Result<(), StartupError> {
    chamada_bugs::run(serve)
}

/// Answers one client's requests until it leaves.
fn serve(stream: TcpStream, roll_calls: &Mutex<RollCalls>) {
    let mut lines = LineReader::new(&stream);
    loop {
        let mut roll_calls = chamada_bugs::lock(roll_calls);
        let frame = match lines.read_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) | Err(_) => break, // the client left
        };
        let Some(response) = chamada::respond(frame, &mut |command| roll_calls.answer(command))
        else {
            continue;
        };
        if chamada_bugs::send(&stream, &response).is_err() || response.closes_connection() {
            break;
        }
    }
    chamada::connection::lingering_close(&stream);
}
