//! The roll calls and the server's settings: what answering a request needs
//! besides the connection it came on.
//!
//! Lesson 02 shared the roll calls behind a mutex; lesson 03 gave them to a
//! registry thread and reached it through channels. Here there is only one
//! thread, so it simply owns them: the loop lends its [`Desk`] to one
//! connection at a time, and nothing else can touch it meanwhile.

use chamada::{Command, Handler, Response, RollCalls, TeacherKey};
use lesson_03_final::Config;
use subtle::ConstantTimeEq;

/// What the loop owns besides its sockets.
pub struct Desk {
    /// Every open roll call.
    pub roll_calls: RollCalls,
    /// Lesson 03's settings: limits, timeouts, the teacher key.
    pub config: Config,
}

/// The desk lent to one connection, to answer one request:
/// `chamada::connection::respond` parses the line and asks this handler.
pub struct Clerk<'a> {
    /// The loop's roll calls and settings.
    pub desk: &'a mut Desk,
    /// Whether this connection has sent the right `AUTH`.
    pub is_teacher: &'a mut bool,
}

// The same two checks as lesson 03's `connection.rs`, with the roll calls
// at hand instead of behind a channel.
impl Handler for Clerk<'_> {
    // ANCHOR: answer
    fn answer(&mut self, command: Command) -> Response {
        let key_needed = self.desk.config.teacher_key.is_some() && !*self.is_teacher;
        if command.is_for_teachers() && key_needed {
            return Response::teachers_only();
        }
        // No lock, no message: this thread is the only one there is.
        self.desk.roll_calls.answer(command)
    }
    // ANCHOR_END: answer

    fn authorize(&mut self, key: TeacherKey) -> Response {
        let Some(expected) = &self.desk.config.teacher_key else {
            return Response::Authorized; // no key on this server: anyone may teach
        };
        // Compare every byte, always: see lesson 03.
        *self.is_teacher = bool::from(key.as_bytes().ct_eq(expected.as_bytes()));
        if *self.is_teacher {
            Response::Authorized
        } else {
            Response::wrong_key()
        }
    }
}
