//! # Bug hunt: what every bug server shares
//!
//! Each binary in `src/bin/` is a small roll-call server with one bug of
//! a kind real student servers have. Everything in this file is correct:
//! the bug is always in the binary's own file. The book's chapter "Bug
//! hunt" (book/src/bug-hunt.md) is the exercise.
//!
//! This is also a correct server, taken apart: a thread per client
//! ([`thread_per_client`]), a request loop that reads whole lines
//! ([`serve_lines`]) and answers them (the library's `respond`) from roll calls behind
//! one lock ([`answer`]). A bug server replaces one of these parts with its
//! own, through [`run`] (its own request loop) or [`run_answering`] (its
//! own way of answering).

use std::io::{self, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;

use chamada::connection::{lingering_close, respond};
use chamada::{server, Command, LineReader, Response};
use chamada::{Capacity, RollCalls, ServerArgs, StartupError};
use clap::Parser;

/// A roll-call server with one bug to find: run `check` against it.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
}

/// Reads `--bind`, listens there and prints `listening on ADDR`.
pub fn listen() -> Result<TcpListener, StartupError> {
    let args = Args::parse();
    // The log runs for as long as the process: a bug server never stops by
    // itself, so its log is never finished (see chamada::log).
    std::mem::forget(chamada::log::init());
    let listener = TcpListener::bind(args.server.bind)
        .map_err(|error| StartupError::cannot_listen(args.server.bind, error))?;
    server::announce(&listener);
    Ok(listener)
}

/// How much the roll calls may hold: `--max-students`, `--max-classes`.
pub fn capacity() -> Capacity {
    let args = Args::parse().server;
    Capacity {
        students_per_class: args.max_students as usize,
        open_classes: args.max_classes as usize,
    }
}

/// No roll calls open yet, shared by every connection's thread.
pub fn shared_roll_calls() -> Result<Arc<Mutex<RollCalls>>, StartupError> {
    Ok(Arc::new(Mutex::new(Args::parse().server.roll_calls()?)))
}

/// Runs a server whose connections are each served by `serve`, on a
/// thread of their own, all sharing one [`RollCalls`].
pub fn run(
    serve: impl Fn(TcpStream, &Mutex<RollCalls>) + Send + Sync + 'static,
) -> Result<(), StartupError> {
    let listener = listen()?;
    let roll_calls = shared_roll_calls()?;
    thread_per_client(listener, move |stream| serve(stream, &roll_calls));
    Ok(())
}

/// Runs a server that reads requests with [`serve_lines`] and answers
/// each command with `answer`.
pub fn run_answering(
    answer: fn(&Mutex<RollCalls>, Command) -> Response,
) -> Result<(), StartupError> {
    run(move |stream, roll_calls| serve_lines(stream, |command| answer(roll_calls, command)))
}

/// Serves every connection on a thread of its own, for ever.
pub fn thread_per_client(listener: TcpListener, serve: impl Fn(TcpStream) + Send + Sync + 'static) {
    let serve = Arc::new(serve);
    for stream in listener.incoming().flatten() {
        // Each response leaves in one write: Nagle's algorithm would only
        // delay it (see lesson 01). Not one of the bugs.
        let _ = stream.set_nodelay(true);
        let serve = Arc::clone(&serve);
        thread::spawn(move || serve(stream));
    }
}

/// Locks the roll calls. A thread that panicked holding the lock left
/// them whole (each change is one call), so carry on.
pub fn lock(roll_calls: &Mutex<RollCalls>) -> MutexGuard<'_, RollCalls> {
    roll_calls.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Carries out one command, check and act under one lock.
pub fn answer(roll_calls: &Mutex<RollCalls>, command: Command) -> Response {
    lock(roll_calls).answer(command)
}

/// A correct request loop: whole lines, at most 256 bytes, one response
/// each, `answer` for the commands.
pub fn serve_lines(stream: TcpStream, mut answer: impl FnMut(Command) -> Response) {
    let mut lines = LineReader::new(&stream);
    while let Ok(Some(frame)) = lines.read_frame() {
        let Some(response) = respond(frame, &mut answer) else {
            continue; // a blank line
        };
        if send(&stream, &response).is_err() || response.closes_connection() {
            break;
        }
    }
    lingering_close(&stream);
}

/// Writes one response line.
pub fn send(mut stream: &TcpStream, response: &Response) -> io::Result<()> {
    stream.write_all(format!("{response}\n").as_bytes())
}
