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
    // Once the budget is spent, the next command gets `ERROR busy` instead
    // of an answer; `busy` is an error that closes the connection.
    fn answer(&mut self, command: Command) -> Response {
        if self.left == 0 {
            let message = "this connection has used its requests; connect again to go on";
            return Response::error(ErrorCode::Busy, message);
        }
        self.left -= 1;
        self.inner.answer(command)
    }

    fn authorize(&mut self, key: TeacherKey) -> Response {
        self.inner.authorize(key)
    }
}
// ANCHOR_END: solution
