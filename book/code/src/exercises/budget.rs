//! Exercise 1.2: a request budget per connection.
//!
//! An idle client is one way to keep lesson 01's only place; a busy one is
//! the other: a script that sends requests without end keeps everybody
//! else waiting. This solution gives each connection a budget of commands
//! and hangs up, politely, when it is spent.
//!
//! It is written as a handler that wraps any other handler, so it adds the
//! budget to lesson 01's closure without touching it: the same trick the
//! standard library plays with `BufReader` around a `Read`.

use std::time::Duration;

use chamada::{Command, ErrorCode, Handler, Response, TeacherKey};

// ANCHOR: solution
/// A handler that lets `inner` answer at most `left` commands, then ends
/// the connection.
pub struct Budget<H> {
    /// The handler that really answers.
    inner: H,
    /// How many more commands this connection may send.
    left: usize,
}

impl<H: Handler> Budget<H> {
    /// Wraps `inner` with a budget of `commands`.
    pub fn new(inner: H, commands: usize) -> Budget<H> {
        Budget {
            inner,
            left: commands,
        }
    }
}

impl<H: Handler> Handler for Budget<H> {
    fn answer(&mut self, command: Command) -> Response {
        self.left = self.left.saturating_sub(1);
        self.inner.answer(command)
    }

    fn authorize(&mut self, key: TeacherKey) -> Response {
        self.inner.authorize(key)
    }

    // Called after every response: once the budget is spent, the client
    // gets its last answer and then this, and the connection closes.
    fn interrupt(&mut self, quiet_for: Duration) -> Option<Response> {
        if self.left == 0 {
            let message = "this connection has used its requests; connect again to go on";
            return Some(Response::error(ErrorCode::Busy, message));
        }
        self.inner.interrupt(quiet_for)
    }
}
// ANCHOR_END: solution
