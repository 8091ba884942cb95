//! Lesson 03's command line: read the options, bind, install the Ctrl-C and
//! SIGTERM handler, run the server, and print what was still open at the end.

use chamada::{server, RollCalls, ServerArgs, StartupError};
use clap::Parser;
use lesson_03_final::options::Options;
use lesson_03_final::{listener, run, Shutdown};

/// Lesson 03: the roll-call server for a real classroom, with a registry
/// thread, connection limits, timeouts, a teacher key and graceful shutdown.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    options: Options,
}

fn main() -> Result<(), StartupError> {
    let args = Args::parse();
    let roll_calls = server::roll_calls_from_env()?;
    let listener = listener::listen(args.server.bind)
        .map_err(|error| StartupError::cannot_listen(args.server.bind, error))?;
    server::announce(&listener);
    if args.options.teacher_key.is_some() {
        // Say that there is a key, never what it is: logs get shared.
        println!("teachers must send AUTH with the teacher key");
    }

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

    let roll_calls = run(listener, args.options.config(), roll_calls, shutdown);
    print_still_open(&roll_calls);
    Ok(())
}

// ANCHOR: still_open
/// Prints every roll call still open, as the `STATUS` line a teacher would
/// have seen, so a forgotten `END` loses nobody's presence.
fn print_still_open(roll_calls: &RollCalls) {
    let open = roll_calls.still_open();
    println!(
        "{} roll call{} still open at shutdown",
        open.len(),
        if open.len() == 1 { "" } else { "s" }
    );
    for status in open {
        println!("{status}");
    }
}
// ANCHOR_END: still_open
