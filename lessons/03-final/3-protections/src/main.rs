//! Lesson 03's command line (step 3): read the options, bind, run the
//! server.

use chamada::{ServerArgs, StartupError};
use clap::Parser;
use lesson_03_3_protections::options::Options;
use lesson_03_3_protections::{listener, open_connections, run};

/// Lesson 03, step 3: a registry thread, a socket2 listener, connection
/// limits, timeouts and a teacher key.
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
    let _log = chamada::log::init();
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

    run(listener, config, roll_calls);
    Ok(())
}
// ANCHOR_END: main
