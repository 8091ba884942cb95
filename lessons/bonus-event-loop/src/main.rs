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
//! the same tests and transcripts run against both.

mod connection;
mod deadlines;
mod desk;
mod event_loop;
mod log;

use chamada::{server, RollCalls, ServerArgs, StartupError};
use clap::Parser;
use lesson_03_final::listener;
use lesson_03_final::options::Options;

use event_loop::EventLoop;

/// Bonus lesson: the roll-call server on one thread, with non-blocking
/// sockets and an event loop (mio). The same options and behaviour as
/// lesson 03.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
    #[command(flatten)]
    options: Options,
}

// Up to the event loop, `main` starts the way lesson 03's does, line for
// line: the same options, the same messages. Only the server differs.
fn main() -> Result<(), StartupError> {
    let args = Args::parse();
    let roll_calls = server::roll_calls_from_env()?;
    // Lesson 03's listening socket (SO_REUSEADDR, a backlog of 1024); the
    // event loop makes it non-blocking.
    let listener = listener::listen(args.server.bind)
        .map_err(|error| StartupError::cannot_listen(args.server.bind, error))?;
    server::announce(&listener);
    if args.options.teacher_key.is_some() {
        // Say that there is a key, never what it is: logs get shared.
        println!("teachers must send AUTH with the teacher key");
    }
    let event_loop = EventLoop::new(listener, args.options.config(), roll_calls)
        .map_err(|error| StartupError(format!("cannot start the event loop: {error}")))?;

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
            eprintln!("cannot wake the event loop: {error}");
            std::process::exit(1);
        }
    })
    .map_err(|error| StartupError(format!("cannot install the Ctrl-C handler: {error}")))?;
    // ANCHOR_END: signals

    let roll_calls = event_loop.run();
    print_still_open(&roll_calls);
    Ok(())
}

/// Prints every roll call still open, as the `STATUS` line a teacher would
/// have seen. A copy of lesson 03's function of the same name (in its
/// `main.rs`, which a library cannot share), so that this file reads whole.
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
