//! How lesson 03 answers one connection: through the registry, and with the
//! protections a real classroom needs. Each is a few lines of one method of
//! [`Handler`]:
//!
//! - the teacher key, in `answer` and `authorize`;
//! - the idle timeout and the shutdown notice, in `interrupt`, which the
//!   shared request loop calls between requests and whenever a read times out.

use std::sync::Arc;
use std::time::Duration;

use chamada::{Command, Handler, Response, TeacherKey};
use subtle::ConstantTimeEq;

use crate::registry::Registry;
use crate::shutdown::Shutdown;
use crate::Config;

/// Everything one connection thread needs.
pub struct Connection {
    /// The way to the roll calls.
    pub registry: Registry,
    /// The server's settings, shared by all connections.
    pub config: Arc<Config>,
    /// The server-wide shutdown signal.
    pub shutdown: Shutdown,
    /// Whether this connection has sent the right `AUTH`. It belongs to the
    /// connection, not the client: a new connection starts unauthorized.
    pub is_teacher: bool,
}

impl Handler for Connection {
    // ANCHOR: answer
    fn answer(&mut self, command: Command) -> Response {
        let key_needed = self.config.teacher_key.is_some() && !self.is_teacher;
        if command.is_for_teachers() && key_needed {
            return Response::teachers_only();
        }
        self.registry.ask(command)
    }
    // ANCHOR_END: answer

    // ANCHOR: authorize
    fn authorize(&mut self, key: TeacherKey) -> Response {
        let Some(expected) = &self.config.teacher_key else {
            return Response::Authorized; // no key on this server: anyone may teach
        };
        // `==` on strings stops at the first differing byte, so how long
        // it takes tells an attacker how much of a guess was right.
        // `ct_eq` always looks at every byte.
        self.is_teacher = bool::from(key.as_bytes().ct_eq(expected.as_bytes()));
        if self.is_teacher {
            Response::Authorized
        } else {
            Response::wrong_key()
        }
    }
    // ANCHOR_END: authorize

    // ANCHOR: interrupt
    fn interrupt(&mut self, quiet_for: Duration) -> Option<Response> {
        if self.shutdown.has_begun() {
            Some(Response::shutdown())
        } else if quiet_for >= self.config.idle_timeout {
            Some(Response::timeout(self.config.idle_timeout.as_secs()))
        } else {
            None
        }
    }
    // ANCHOR_END: interrupt
}
