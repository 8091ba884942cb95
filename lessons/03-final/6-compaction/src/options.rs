//! The command-line options of lesson 03's protections. They live in the
//! library, not in `main`, so that the bonus event loop takes exactly the
//! same options (and `--help` says the same) without a copy.

use std::time::Duration;

use chamada::protocol::KeyParser;
use chamada::TeacherKey;

use crate::Config;

/// The options that fill a [`Config`].
#[derive(Debug, clap::Args)]
pub struct Options {
    /// The most clients served at once; one more gets ERROR busy.
    #[arg(long, value_name = "N", default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Hang up on a client that sends no request for this long (blank lines
    /// do not count).
    #[arg(long, value_name = "SECONDS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout: u64,
    /// Hang up on a client when one response has not wholly left within
    /// this time (the client stopped reading, or reads too slowly).
    #[arg(long, value_name = "SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub write_timeout: u64,
    /// At shutdown, how long open connections get to finish their request
    /// and hear ERROR shutdown before their sockets are closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 1)]
    pub shutdown_grace: u64,
    /// Require this key (AUTH <key>) for START, END and STATUS. Prefer the
    /// environment variable: a command line is visible to everyone in `ps`.
    /// A key is 8 to 64 printable ASCII characters and may start with `-`;
    /// a bad one is refused without being shown.
    #[arg(
        long,
        value_name = "KEY",
        env = "CHAMADA_TEACHER_KEY",
        hide_env_values = true,
        allow_hyphen_values = true,
        value_parser = KeyParser::for_servers()
    )]
    pub teacher_key: Option<TeacherKey>,
}

impl Options {
    /// The server's settings these options ask for.
    pub fn config(&self) -> Config {
        Config {
            max_connections: self.max_connections as usize,
            idle_timeout: Duration::from_secs(self.idle_timeout),
            write_timeout: Duration::from_secs(self.write_timeout),
            teacher_key: self.teacher_key.clone(),
            grace: Duration::from_secs(self.shutdown_grace),
            max_batch: crate::registry::MAX_BATCH,
        }
    }
}
