//! Exercise 1.1: lesson 01 with an idle timeout.
//!
//! Lesson 01 serves one client at a time, so a client that connects and
//! then says nothing holds the server's only place for as long as it likes.
//! The fix is a read timeout on the socket, so the blocked read gives the
//! request loop a word every so often, and an `ERROR timeout` once the
//! client has been quiet for too long.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use chamada::connection::{is_timeout, lingering_close, respond, ConnectionLog, Ending};
use chamada::{LineReader, Response, RollCalls};

// ANCHOR: solution
/// How often a blocked read wakes up to look at the clock. Short enough
/// that a timeout is never late by much.
const TICK: Duration = Duration::from_millis(50);

/// Lesson 01's accept loop, with an idle timeout on every connection.
/// Serves `clients` connections, one at a time, then returns (pass
/// `usize::MAX` to serve forever).
pub fn serve_clients(
    listener: &TcpListener,
    roll_calls: &mut RollCalls,
    idle_timeout: Duration,
    clients: usize,
) {
    for connection in listener.incoming().take(clients) {
        let stream = match connection {
            Ok(stream) => stream,
            Err(error) => {
                eprintln!("accept failed: {error}");
                continue;
            }
        };
        // Without a read timeout, the read would block until the client
        // sends something, and the loop could never look at the clock.
        if let Err(error) = stream.set_read_timeout(Some(TICK.min(idle_timeout))) {
            eprintln!("cannot set a read timeout: {error}");
            continue;
        }
        serve(stream, roll_calls, idle_timeout);
    }
}

/// Lesson 01's `serve`, with two changes marked NEW.
fn serve(stream: TcpStream, roll_calls: &mut RollCalls, idle_timeout: Duration) {
    let log = ConnectionLog::opened(&stream);
    let mut lines = LineReader::new(&stream);
    let mut answered = 0;
    let mut last_request = Instant::now(); // NEW: when the client last asked
    let ending = loop {
        let frame = match lines.read_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => break Ending::ClientLeft,
            // NEW: a timed-out read is not an error, just a chance to look
            // at the clock. Too quiet for too long: say so and hang up.
            Err(error) if is_timeout(&error) => {
                if last_request.elapsed() < idle_timeout {
                    continue;
                }
                let timeout = Response::timeout(idle_timeout.as_secs());
                let _ = (&stream).write_all(format!("{timeout}\n").as_bytes());
                lingering_close(&stream);
                break Ending::Closed(timeout);
            }
            Err(error) => break Ending::Failed(error),
        };
        let Some(response) = respond(frame, &mut |command| roll_calls.answer(command)) else {
            continue;
        };
        last_request = Instant::now();
        answered += 1;
        if let Err(error) = (&stream).write_all(format!("{response}\n").as_bytes()) {
            break Ending::Failed(error);
        }
        if response.closes_connection() {
            lingering_close(&stream);
            break Ending::Closed(response);
        }
    };
    log.closed(answered, &ending);
}
// ANCHOR_END: solution
