//! Exercise 1.1: lesson 01 with an idle timeout.
//!
//! Lesson 01 serves one client at a time, so a client that connects and
//! then says nothing holds the server's only place for as long as it likes.
//! The fix is two lines of setup and one method: give the socket a read
//! timeout, so the blocked read gives the request loop a word every so
//! often, and answer that word with `ERROR timeout` once the client has
//! been quiet for too long.

use std::net::TcpListener;
use std::time::Duration;

use chamada::{serve, Command, Handler, Response, RollCalls};

// ANCHOR: solution
/// How often a blocked read wakes up to let the handler check the idle
/// time. Short enough that a timeout is never late by much.
const TICK: Duration = Duration::from_millis(50);

/// One lesson 01 connection, with patience that runs out.
struct Patient<'a> {
    /// The server's only state, lent to this connection while it is served.
    roll_calls: &'a mut RollCalls,
    /// How long the client may stay silent.
    idle_timeout: Duration,
}

impl Handler for Patient<'_> {
    fn answer(&mut self, command: Command) -> Response {
        self.roll_calls.answer(command)
    }

    // `serve` calls this whenever the read times out, with how long the
    // client has been silent; a response here is sent and then the
    // connection is closed, which frees the server for the next client.
    fn interrupt(&mut self, quiet_for: Duration) -> Option<Response> {
        (quiet_for >= self.idle_timeout).then(|| Response::timeout(self.idle_timeout.as_secs()))
    }
}

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
        // Without a read timeout, the read inside `serve` would block
        // until the client sends something, and `interrupt` would never run.
        if let Err(error) = stream.set_read_timeout(Some(TICK.min(idle_timeout))) {
            eprintln!("cannot set a read timeout: {error}");
            continue;
        }
        let mut patient = Patient {
            roll_calls: &mut *roll_calls,
            idle_timeout,
        };
        serve(stream, &mut patient);
    }
}
// ANCHOR_END: solution
