//! Lesson 03's command line (step 5): read the options, lock the journal,
//! bind, open the journal, install the handler for Ctrl-C, SIGTERM and
//! SIGHUP, run the server, and print what was still open at the end.

use std::path::PathBuf;

use chamada::{RollCalls, ServerArgs, StartupError};
use clap::Parser;
use lesson_03_5_durability::journal::{self, Journal};
use lesson_03_5_durability::options::Options;
use lesson_03_5_durability::shutdown::report_still_open;
use lesson_03_5_durability::{listener, open_connections, run, Shutdown};

/// Lesson 03: the roll-call server for a real classroom, with a registry
/// thread, connection limits, timeouts, a teacher key, graceful shutdown
/// and a journal.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    options: Options,
    #[command(flatten)]
    journal: JournalArgs,
}

/// Lesson 03's own options (step 5): where the roll calls are made durable.
/// The bonus event loop shares [`Options`] but has no journal.
#[derive(clap::Args)]
struct JournalArgs {
    /// Keep every roll call in this journal, so that a crash loses nothing
    /// acknowledged: a server started on it again reopens them.
    #[arg(long, value_name = "FILE", default_value = journal::DEFAULT_PATH)]
    journal: PathBuf,
    /// Keep roll calls in memory only: a crash of the server loses them.
    #[arg(long, conflicts_with = "journal")]
    no_journal: bool,
}

impl JournalArgs {
    /// The journal's lock, taken for the rest of the process's life; none
    /// without a journal. Touches nothing on disk but the lock file.
    fn lock(&self) -> Result<Option<journal::Lock>, StartupError> {
        if self.no_journal {
            return Ok(None);
        }
        journal::Lock::take(&self.journal)
            .map(Some)
            .map_err(StartupError)
    }

    /// The journal to use, opened and replayed into `roll_calls`, or none.
    fn open(
        &self,
        lock: Option<&journal::Lock>,
        roll_calls: &mut RollCalls,
    ) -> Result<Option<(Journal, journal::Restored)>, StartupError> {
        let Some(lock) = lock else {
            return Ok(None);
        };
        Journal::open(&self.journal, lock, roll_calls)
            .map(Some)
            .map_err(StartupError)
    }
}

// ANCHOR: main
fn main() -> Result<(), StartupError> {
    // The options, and `--help`, in the reader's language (see chamada::i18n).
    let args: Args = chamada::i18n::cli::parse(env!("CARGO_PKG_NAME"));
    // Log lines go out through a thread of their own (see chamada::log).
    let log = chamada::log::init();
    let mut roll_calls = args.server.roll_calls()?;
    // ANCHOR: start_order
    // First the lock: a second server on the same journal stops here.
    let lock = args.journal.lock()?;
    let listener = listener::listen(args.server.bind)
        .map_err(|error| StartupError::cannot_listen(args.server.bind, error))?;
    // Only with the lock held and the port ours is the journal read, and
    // repaired if need be: a server that cannot start has changed nothing.
    let journal = args.journal.open(lock.as_ref(), &mut roll_calls)?;
    // ANCHOR_END: start_order
    chamada::server::announce(&listener);
    // After `listening on`, which must stay the first line.
    if let Some((_, restored)) = &journal {
        restored.warnings.iter().for_each(|w| tracing::warn!("{w}"));
        tracing::info!("{restored}");
    }
    let journal = journal.map(|(journal, _)| journal);
    if args.options.teacher_key.is_some() {
        // Say that there is a key, never what it is: logs get shared.
        tracing::info!("{}", chamada::t!("server-key-needed"));
    }
    let mut config = args.options.config();
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
    .map_err(|error| {
        StartupError(chamada::t!(
            "startup-cannot-install-ctrlc",
            error = error.to_string()
        ))
    })?;
    // ANCHOR_END: signals

    let roll_calls = run(listener, config, roll_calls, journal, shutdown);
    report_still_open(&roll_calls, None, log);
    drop(lock); // held until the very end
    Ok(())
}
// ANCHOR_END: main
