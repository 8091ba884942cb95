//! Exercise 1.2: a request budget per connection.
//! The exercise: the book's chapter "Exercises", "Lesson 01".

use chamada::{Command, Handler, Response, TeacherKey};

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
        todo!()
    }
}

impl<H: Handler> Handler for Budget<H> {
    /// Passes `command` to the inner handler while the budget lasts; after
    /// that, an error that closes the connection.
    fn answer(&mut self, command: Command) -> Response {
        todo!()
    }

    /// `AUTH` is not a command: pass it on as it is.
    fn authorize(&mut self, key: TeacherKey) -> Response {
        todo!()
    }
}
