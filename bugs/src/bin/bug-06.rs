//! # Bug hunt: bug-06
//!
//! This roll-call server has one bug, of a kind that real servers written
//! by students have. Everything in `bugs/src/lib.rs` is correct; the bug is
//! in this file.
//!
//! Exercise: start it with `cargo run -p chamada-bugs --bin bug-06`, run
//! `cargo run --release --bin check -- 127.0.0.1:5050` against it, and read
//! the report: which category fails, what was sent, what came back. Then
//! find the bug here, fix it, and run `check` again until every check
//! passes. The book's chapter "Bug hunt" has hints.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::sync::Mutex;

use chamada::{Frame, RollCalls, StartupError};

fn main() -> Result<(), StartupError> {
    chamada_bugs::run(serve)
}

/// Answers one client's requests until it leaves.
fn serve(stream: TcpStream, roll_calls: &Mutex<RollCalls>) {
    let mut input = BufReader::new(&stream);
    let mut line = Vec::new();
    loop {
        line.clear();
        // A whole line, however the bytes arrive: read up to the newline.
        match input.read_until(b'\n', &mut line) {
            Ok(_) if line.ends_with(b"\n") => {}
            _ => break, // the client left, perhaps in the middle of a line
        }
        let frame = match std::str::from_utf8(&line) {
            Ok(text) => Frame::Line(text.trim_end_matches(['\r', '\n']).to_owned()),
            Err(_) => Frame::NotUtf8,
        };
        let mut answer = |command| chamada_bugs::answer(roll_calls, command);
        let Some(response) = chamada::respond(frame, &mut answer) else {
            continue;
        };
        if chamada_bugs::send(&stream, &response).is_err() || response.closes_connection() {
            break;
        }
    }
    chamada::connection::lingering_close(&stream);
}
