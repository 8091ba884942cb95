//! The roll-call wire protocol (`PROTOCOL.md`), as Rust types.
//!
//! - [`ids`]: classes, students and teacher keys, each valid by construction.
//! - [`request`]: a request line into a [`Request`] (all input rules live here).
//! - [`response`]: a [`Response`] into its line and back (the output format).

pub mod ids;
pub mod request;
pub mod response;

pub use ids::{ClassId, KeyParser, StudentId, TeacherKey};
pub use request::{BadRequest, Command, Request, HELP_TEXT};
pub use response::{ErrorCode, Response};
