//! # Bug hunt: bug-01
//!
//! This roll-call server has one bug, of a kind that real servers written
//! by students have. Everything in `bugs/src/lib.rs` is correct; the bug is
//! in this file.
//!
//! Exercise: start it with `cargo run -p chamada-bugs --bin bug-01`, run
//! `cargo run --release --bin check -- 127.0.0.1:5050` against it, and read
//! the report: which category fails, what was sent, what came back. Then
//! find the bug here, fix it, and run `check` again until every check
//! passes. The book's chapter "Bug hunt" has hints.

use std::io::Read;
use std::net::TcpStream;
use std::sync::Mutex;

use chamada::{RollCalls, StartupError};

fn main() -> Result<(), StartupError> {
    chamada_bugs::run(serve)
}

/// Answers one client's requests until it leaves.
fn serve(mut stream: TcpStream, roll_calls: &Mutex<RollCalls>) {
    // A request line is at most 256 bytes, so this is room enough.
    let mut buffer = [0; 1024];
    loop {
        let received = match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return, // the client left
            Ok(n) => n,
        };
        let text = String::from_utf8_lossy(&buffer[..received]);
        let line = chamada::Frame::Line(text.trim_end_matches(['\r', '\n']).to_owned());
        let mut answer = |command| chamada_bugs::answer(roll_calls, command);
        let Some(response) = chamada::respond(line, &mut answer) else {
            continue;
        };
        if chamada_bugs::send(&stream, &response).is_err() || response.closes_connection() {
            return;
        }
    }
}
