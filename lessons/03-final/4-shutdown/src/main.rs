//! Lesson 03's command line (step 4): read the options, bind, install the
//! handler for Ctrl-C, SIGTERM and SIGHUP, run the server, and print what
//! was still open at the end.

use chamada::{ServerArgs, StartupError};
use clap::Parser;
use lesson_03_4_shutdown::options::Options;
use lesson_03_4_shutdown::shutdown::report_still_open;
use lesson_03_4_shutdown::{listener, open_connections, run, Shutdown};

/// Lesson 03, step 4: a registry thread, a socket2 listener, connection
/// limits, timeouts, a teacher key and graceful shutdown.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    options: Options,
}

// ANCHOR: main
fn main() -> Result<(), StartupError> {
    // The options, and `--help`, in the reader's language (see chamada::i18n).
    let args: Args = chamada::i18n::cli::parse(env!("CARGO_PKG_NAME"));
    // Log lines go out through a thread of their own (see chamada::log).
    let log = chamada::log::init();
    let roll_calls = args.server.roll_calls()?;
    let listener = listener::listen(args.server.bind)
        .map_err(|error| StartupError::cannot_listen(args.server.bind, error))?;
    chamada::server::announce(&listener);
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

    let roll_calls = run(listener, config, roll_calls, shutdown);
    report_still_open(&roll_calls, None, log);
    Ok(())
}
// ANCHOR_END: main
