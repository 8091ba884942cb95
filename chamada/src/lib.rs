//! # chamada: what every lesson shares
//!
//! The roll-call ("chamada") service of the course, minus the one thing each
//! lesson teaches: how the server handles many clients. Everything here is
//! used by all three lesson servers, by both clients and by the tests, so it
//! exists exactly once.
//!
//! | module | what it holds |
//! |---|---|
//! | [`protocol`] | requests and responses: parsing, formatting, validation |
//! | [`framing`] | cutting a byte stream into lines, with the 256-byte limit |
//! | [`rollcall`] | the roll-call state: open classes and who answered |
//! | [`clock`] | timestamps, and a clock tests can script |
//! | [`attendance`] | an attendance list as CSV, for the teacher client and lesson 03's journal |
//! | [`connection`] | what serving one connection is the same in every server: responses to frames, the log, the lingering close |
//! | [`files`] | a name beside a file, a new file under a free name, syncing a folder (lesson 03's journal) |
//! | [`server`] | the `--bind` option and start-up messages of every server |
//! | [`client`] | the teacher and student clients' logic |
//! | [`i18n`] | the programs' messages in English and Brazilian Portuguese |

pub mod attendance;
pub mod client;
pub mod clock;
pub mod connection;
pub mod files;
pub mod framing;
pub mod i18n;
pub mod log;
pub mod protocol;
pub mod rollcall;
pub mod server;

pub use attendance::Attendance;
pub use clock::{Clock, Timestamp};
pub use connection::{respond, serve, ConnectionLog, Ending, Handler};
pub use framing::{Frame, LineReader, MAX_LINE};
pub use protocol::{ClassId, Command, ErrorCode, Request, Response, StudentId, TeacherKey};
pub use rollcall::{Capacity, RollCall, RollCalls};
pub use server::{ServerArgs, StartupError};
