//! Lesson 03's command line: read the options, bind, install the handler
//! for Ctrl-C, SIGTERM and SIGHUP, run the server, and print what was still
//! open at the end.

use std::path::{Path, PathBuf};
use std::time::Duration;

use std::io::Write;

use chamada::log::Log;
use chamada::{RollCalls, ServerArgs, StartupError, TeacherKey};
use clap::Parser;
use lesson_03_final::journal::{self, Journal};
use lesson_03_final::{listener, open_connections, registry, run, Config, Shutdown};

/// Lesson 03: the roll-call server for a real classroom, with a registry
/// thread, connection limits, timeouts, a teacher key and graceful shutdown.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
    /// The most clients served at once; one more gets ERROR busy.
    #[arg(long, value_name = "N", default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
    /// Hang up on a client that sends no request for this long (blank lines
    /// do not count).
    #[arg(long, value_name = "SECONDS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout: u64,
    /// Hang up on a client when one response has not wholly left within
    /// this time (the client stopped reading, or reads too slowly).
    #[arg(long, value_name = "SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    write_timeout: u64,
    /// At shutdown, how long open connections get to finish their request
    /// and hear ERROR shutdown before their sockets are closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 1)]
    shutdown_grace: u64,
    /// Require this key (AUTH <key>) for START, END and STATUS. Prefer the
    /// environment variable: a command line is visible to everyone in `ps`.
    /// A key may start with `-`; a bad one is refused without being shown.
    #[arg(
        long,
        value_name = "KEY",
        env = "CHAMADA_TEACHER_KEY",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    teacher_key: Option<TeacherKey>,
    /// Keep every roll call in this journal, so that a crash loses nothing
    /// acknowledged: a server started on it again reopens them. The lists
    /// of ended roll calls go to CSV files in FILE's folder, in a folder
    /// named after it (chamada.ended/ for chamada.journal).
    #[arg(long, value_name = "FILE", default_value = journal::DEFAULT_PATH)]
    journal: PathBuf,
    /// Keep roll calls in memory only: a crash of the server loses them.
    #[arg(long, conflicts_with = "journal")]
    no_journal: bool,
    /// For the benchmark only: the most requests the
    /// registry takes at once. 1 syncs the journal after every request.
    #[arg(long, hide = true, value_name = "N", default_value_t = registry::MAX_BATCH as u32,
          value_parser = clap::value_parser!(u32).range(1..))]
    max_batch: u32,
    /// For tests only: compact the journal once it reaches this many bytes.
    #[arg(long, hide = true, value_name = "BYTES", default_value_t = journal::COMPACT_AT_LEAST)]
    compact_journal_at: u64,
}

impl Args {
    fn config(&self) -> Config {
        Config {
            max_connections: self.max_connections as usize,
            idle_timeout: Duration::from_secs(self.idle_timeout),
            write_timeout: Duration::from_secs(self.write_timeout),
            teacher_key: self.teacher_key.clone(),
            grace: Duration::from_secs(self.shutdown_grace),
            max_batch: self.max_batch as usize,
        }
    }

    /// The journal to use, opened and replayed into `roll_calls`, or none.
    fn journal(
        &self,
        roll_calls: &mut RollCalls,
    ) -> Result<Option<(Journal, journal::Restored)>, StartupError> {
        if self.no_journal {
            return Ok(None);
        }
        Journal::open(&self.journal, roll_calls, self.compact_journal_at)
            .map(Some)
            .map_err(StartupError)
    }
}

fn main() -> Result<(), StartupError> {
    let args = Args::parse();
    // Log lines go out through a thread of their own (see chamada::log).
    let log = chamada::log::init();
    let mut roll_calls = args.server.roll_calls()?;
    // Before binding: a second server on the same journal stops here.
    let journal = args.journal(&mut roll_calls)?;
    let listener = listener::listen(args.server.bind)
        .map_err(|error| StartupError::cannot_listen(args.server.bind, error))?;
    chamada::server::announce(&listener);
    // After `listening on`, which must stay the first line.
    if let Some((_, restored)) = &journal {
        restored.warnings.iter().for_each(|w| tracing::info!("{w}"));
        tracing::info!("{restored}");
    }
    let journal = journal.map(|(journal, _)| journal);
    if args.teacher_key.is_some() {
        // Say that there is a key, never what it is: logs get shared.
        tracing::info!("teachers must send AUTH with the teacher key");
    }
    let mut config = args.config();
    config.max_connections = open_connections::fit_to_file_limit(config.max_connections);

    // ANCHOR: signals
    let shutdown = Shutdown::new();
    let signal = shutdown.clone();
    // Ctrl-C on every system, and SIGTERM and SIGHUP on Unix (the ctrlc
    // crate's "termination" feature). A second Ctrl-C stops at once.
    ctrlc::set_handler(move || {
        if signal.has_begun() {
            std::process::exit(130);
        }
        signal.begin();
    })
    .map_err(|error| StartupError(format!("cannot install the Ctrl-C handler: {error}")))?;
    // ANCHOR_END: signals

    let journaled = journal.is_some();
    let roll_calls = run(listener, config, roll_calls, journal, shutdown);
    log_still_open(&roll_calls);
    if journaled {
        log_where_lists_are(&args.journal);
    }
    finish_log(log, &roll_calls);
    Ok(())
}

/// With a journal, says where every list is kept.
fn log_where_lists_are(journal: &Path) {
    tracing::info!(
        "the journal {} keeps the roll calls still open (a server started on it reopens them); \
         the lists of ended ones are in {}/",
        journal.display(),
        journal::ended_folder(journal).display()
    );
}

// ANCHOR: still_open
/// Logs every roll call still open, as the `STATUS` line a teacher would
/// have seen, so a forgotten `END` loses nobody's presence.
fn log_still_open(roll_calls: &RollCalls) {
    let open = roll_calls.still_open();
    let s = if open.len() == 1 { "" } else { "s" };
    tracing::info!("{} roll call{s} still open at shutdown", open.len());
    for status in &open {
        tracing::info!("{status}");
    }
}

/// Writes out the log's last lines. If some lines could not be written
/// (standard output is a pipe nobody reads, say), the lists still open may
/// be among them: then they are written to standard error too, directly.
fn finish_log(log: Log, roll_calls: &RollCalls) {
    let open = roll_calls.still_open();
    let lost = log.finish();
    if lost == 0 || open.is_empty() {
        return;
    }
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(
        stderr,
        "{lost} log line(s) could not be written; the roll calls still open were:"
    );
    for status in &open {
        let _ = writeln!(stderr, "{status}");
    }
}
// ANCHOR_END: still_open
