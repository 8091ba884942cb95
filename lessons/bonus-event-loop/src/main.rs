//! # Bonus lesson: one thread, many sockets
//!
//! Lesson 03 gives every client a thread that waits in `read`. This server
//! has one thread for everything. It never waits on any one socket: every
//! socket is non-blocking, and the thread asks the operating system, all at
//! once, "which of my sockets can I read or write without waiting?". That
//! question is `poll` (epoll on Linux, kqueue on macOS, IOCP on Windows;
//! `mio` hides which), and a program built around it is an event loop.
//!
//! | idea | where |
//! |---|---|
//! | the loop: wait for readiness, act, check the deadlines | [`event_loop`] |
//! | one connection's state between events: read and write buffers | [`connection`] |
//! | a deadline per connection instead of a thread per connection | [`deadlines`] |
//! | answering with the roll calls the loop owns | [`desk`] |
//! | every line the server prints | [`log`] |
//!
//! The command line, the protocol and every log line are lesson 03's, so
//! the same tests and transcripts run against both. One option means
//! something a little different: lesson 03's write timeout is a deadline
//! for each response, this server's a deadline for all the output waiting
//! for a connection (see [`connection`]), and `--help` says so.

mod connection;
mod deadlines;
mod desk;
mod event_loop;
mod log;

use std::io::Write;

use chamada::{ServerArgs, StartupError};
use clap::Parser;
use lesson_03_final::options::Options;
use lesson_03_final::shutdown::report_still_open;
use lesson_03_final::{listener, open_connections};

use event_loop::EventLoop;

/// What `--help` says of `--write-timeout` here: lesson 03's words describe
/// lesson 03's deadline, one per response; this server has one per
/// connection (see `Connection::deadline`).
const WRITE_TIMEOUT_HELP: &str =
    "Hang up on a client (with a reset) when the responses waiting for it \
     have not all left within this time of its socket first refusing to take more \
     (the client stopped reading, or reads too slowly)";

/// Bonus lesson: the roll-call server on one thread, with non-blocking
/// sockets and an event loop (mio). The same options and behaviour as
/// lesson 03.
#[derive(Parser)]
#[command(version, mut_arg("write_timeout", |arg| arg.help(WRITE_TIMEOUT_HELP)))]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    options: Options,
}

// Up to the event loop, `main` starts the way lesson 03's does, line for
// line: the same options, the same messages. Only the server differs.
fn main() -> Result<(), StartupError> {
    // The options, and `--help`, in the reader's language (see chamada::i18n).
    let args: Args = chamada::i18n::cli::parse(env!("CARGO_PKG_NAME"));
    // Log lines go out through a thread of their own (see chamada::log):
    // the one thread that serves everyone must never wait on its output.
    let log = chamada::log::init();
    let roll_calls = args.server.roll_calls()?;
    // Lesson 03's listening socket (SO_REUSEADDR, a backlog of 1024); the
    // event loop makes it non-blocking.
    let listener = listener::listen(args.server.bind)
        .map_err(|error| StartupError::cannot_listen(args.server.bind, error))?;
    chamada::server::announce(&listener);
    if args.options.teacher_key.is_some() {
        // Say that there is a key, never what it is: logs get shared.
        tracing::info!("{}", chamada::t!("server-key-needed"));
    }
    let mut config = args.options.config();
    config.max_connections = open_connections::fit_to_file_limit(config.max_connections);
    let event_loop = EventLoop::new(listener, config, roll_calls).map_err(|error| {
        let error = error.to_string();
        StartupError(chamada::t!(
            "startup-cannot-start-event-loop",
            error = error
        ))
    })?;

    // ANCHOR: signals
    // The handler runs on a thread of the ctrlc crate, while our one thread
    // sleeps in `poll`. It cannot touch the loop's state; it can only wake
    // the loop, which then sees an event for the waker's token and begins
    // the shutdown itself. A second Ctrl-C stops at once.
    let waker = event_loop.waker();
    let mut signalled = false;
    ctrlc::set_handler(move || {
        if signalled {
            std::process::exit(130);
        }
        signalled = true;
        if let Err(error) = waker.wake() {
            // Straight to standard error: the process ends before the log's
            // thread would get to write it.
            let _ = writeln!(std::io::stderr(), "cannot wake the event loop: {error}");
            std::process::exit(1);
        }
    })
    .map_err(|error| {
        StartupError(chamada::t!(
            "startup-cannot-install-ctrlc",
            error = error.to_string()
        ))
    })?;
    // ANCHOR_END: signals

    let roll_calls = event_loop.run();
    // Lesson 03's own report: the lists still open, on standard error too
    // if any log line was lost.
    report_still_open(&roll_calls, None, log);
    Ok(())
}
