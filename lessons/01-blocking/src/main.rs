//! # Lesson 01: a blocking server, one client at a time
//!
//! The simplest server that works: bind a listening socket, then forever
//! accept one connection and serve it until the client leaves. Every call
//! here *blocks*: `accept` waits for a client to connect, and while one
//! client is being served, reading its next request waits for it to type.
//!
//! So a second client can connect (the operating system completes its TCP
//! handshake and keeps it in the listen backlog) but gets no answer until the
//! first one leaves. That is not a bug to fix here: it is what this lesson
//! shows, and what lesson 02 fixes.

// ANCHOR: all
// ANCHOR: args
use std::net::TcpListener;

use chamada::{serve, server, ServerArgs, StartupError};
use clap::Parser;

/// Lesson 01: a roll-call server that serves one client at a time.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
}
// ANCHOR_END: args

// ANCHOR: state
fn main() -> Result<(), StartupError> {
    let args = Args::parse();
    // The state is a plain local variable: only one connection is ever
    // served at a time, so nothing else can touch it.
    let mut roll_calls = server::roll_calls_from_env()?;
    // ANCHOR_END: state

    // ANCHOR: bind
    let listener = TcpListener::bind(args.server.bind)
        .map_err(|error| StartupError::cannot_listen(args.server.bind, error))?;
    server::announce(&listener);
    // ANCHOR_END: bind

    // ANCHOR: accept_loop
    for connection in listener.incoming() {
        match connection {
            // Serve this client to its end; only then accept the next one.
            Ok(stream) => serve(stream, &mut |command| roll_calls.answer(command)),
            // A connection that failed before we accepted it (reset by its
            // client, say) affects only that client: keep listening.
            Err(error) => eprintln!("accept failed: {error}"),
        }
    }
    // ANCHOR_END: accept_loop
    Ok(())
}
// ANCHOR_END: all
