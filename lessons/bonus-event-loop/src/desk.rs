//! The roll calls and the server's settings: what answering a request needs
//! besides the connection it came on.
//!
//! Lesson 02 shared the roll calls behind a mutex; lesson 03 gave them to a
//! registry thread and reached it through channels. Here there is only one
//! thread, so it simply owns them: the loop lends its [`Desk`] to one
//! connection at a time, and nothing else can touch it meanwhile.

use std::net::SocketAddr;

use chamada::{Command, Handler, Response, RollCalls, TeacherKey};
use lesson_03_final::session::KeyCheck;
use lesson_03_final::Config;

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
    /// What this connection has shown of the teacher key.
    pub keys: &'a mut KeyCheck,
    /// The client's address, for the log.
    pub peer: SocketAddr,
}

// The same two checks as lesson 03's `connection.rs`, with the roll calls
// at hand instead of behind a channel.
impl Handler for Clerk<'_> {
    // ANCHOR: answer
    fn answer(&mut self, command: Command) -> Response {
        let key_needed = self.desk.config.teacher_key.is_some() && !self.keys.is_teacher();
        if command.is_for_teachers() && key_needed {
            return Response::teachers_only();
        }
        // No lock, no message: this thread is the only one there is.
        self.desk.roll_calls.answer(command)
    }
    // ANCHOR_END: answer

    // The same judge as lesson 03's, which keeps count of wrong keys.
    fn authorize(&mut self, key: TeacherKey) -> Response {
        let expected = self.desk.config.teacher_key.as_ref();
        self.keys.authorize(Some(&key), expected, self.peer)
    }

    fn malformed_key(&mut self) {
        let expected = self.desk.config.teacher_key.as_ref();
        let _ = self.keys.authorize(None, expected, self.peer);
    }
}
