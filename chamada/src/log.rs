//! The servers' log: one plain line per event, written by a thread of its
//! own, so that writing the log can never stall or crash serving.
//!
//! A `println!` writes to standard output right where it is called. If
//! that output is a pipe nobody reads, the pipe fills and the `println!`
//! blocks, and so does the connection thread that called it; if the
//! reader has gone, `println!` panics. So the servers log with `tracing`
//! (`tracing::info!` for events, `tracing::warn!` for trouble), and
//! [`init`] sends the lines through `tracing-appender`'s non-blocking
//! writer: a bounded queue and a thread that does the writing. When the
//! output cannot keep up, lines are dropped, never waited for, and
//! [`Log::finish`] says how many never made it out.
//!
//! Events go to standard output, trouble to standard error, each line just
//! the message: exactly what `println!` and `eprintln!` would have written.
//!
//! [`init`] also makes the server fail-stop: a panic on any thread (but
//! the log's own) stops the whole process with a clear message and exit
//! code 101. A server that lost its registry thread, or a connection
//! thread halfway through a change, cannot be trusted to answer correctly,
//! and a half-alive server is worse than a stopped one.

use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

use tracing::Level;
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::fmt::writer::{MakeWriter, MakeWriterExt};

/// How many lines may wait for the writing thread before new ones are dropped.
const QUEUE: usize = 16_384;

/// How long [`Log::finish`] waits for the queued lines to be written.
const FLUSH_WAIT: Duration = Duration::from_secs(2);

/// The running log. Keep it alive for as long as the server runs.
#[must_use = "the log stops when this is dropped"]
pub struct Log {
    /// Dropping these makes the writing threads write what is queued, and stop.
    guards: Vec<WorkerGuard>,
    /// Lines handed to the log.
    logged: Arc<AtomicUsize>,
    /// Lines the writing threads wrote out.
    written: Arc<AtomicUsize>,
}

// ANCHOR: init
/// Starts the log, and makes any panic stop the process (see
/// [`stop_on_panic`]). Call it once, first thing in `main`.
pub fn init() -> Log {
    stop_on_panic();
    let logged = Arc::new(AtomicUsize::new(0));
    let written = Arc::new(AtomicUsize::new(0));
    let (out, out_guard) = NonBlockingBuilder::default()
        .lossy(true)
        .buffered_lines_limit(QUEUE)
        .thread_name("log-stdout")
        .finish(Forgiving(io::stdout(), Arc::clone(&written)));
    let (err, err_guard) = NonBlockingBuilder::default()
        .lossy(true)
        .buffered_lines_limit(QUEUE)
        .thread_name("log-stderr")
        .finish(Forgiving(io::stderr(), Arc::clone(&written)));
    // Warnings and errors to standard error, everything else to standard
    // output; each line only the message, as the transcripts show it.
    let writer = err.with_max_level(Level::WARN).or_else(out);
    let _ = tracing_subscriber::fmt()
        .with_writer(Counting(writer, Arc::clone(&logged)))
        .without_time()
        .with_level(false)
        .with_target(false)
        .with_ansi(false)
        .try_init();
    Log {
        guards: vec![out_guard, err_guard],
        logged,
        written,
    }
}
// ANCHOR_END: init

// ANCHOR: stop_on_panic
/// The exit code of a server stopped by a panic: the one Rust itself uses.
pub const PANIC_EXIT_CODE: i32 = 101;

/// How long the panic's message may take to be written before the process
/// stops anyway: standard error may be a pipe nobody reads.
const LAST_WORDS_WAIT: Duration = Duration::from_secs(1);

/// Makes a panic on any thread stop the whole process, with exit code
/// [`PANIC_EXIT_CODE`], after writing what panicked to standard error.
///
/// Without this, a panic ends only its own thread: a server whose registry
/// thread panicked would go on accepting connections and answering
/// `ERROR shutdown` to everyone. The log's own threads are the exception:
/// if one of them fails, lines are lost, and serving goes on.
///
/// The message is written by a thread of its own, and the process stops
/// after at most [`LAST_WORDS_WAIT`] even if it could not be written.
pub fn stop_on_panic() {
    std::panic::set_hook(Box::new(|info| {
        let thread = thread::current();
        let name = thread.name().unwrap_or("unnamed").to_owned();
        if name.starts_with("log-") {
            return;
        }
        let message = format!(
            "thread '{name}' {info}\nthe server stops: a server that lost a thread cannot be \
             trusted to answer correctly"
        );
        stop(&message, PANIC_EXIT_CODE);
    }));
}

/// Stops the process with exit code `code`, after writing `message` (and a
/// line end) to standard error: the way a server stops when it cannot go
/// on correctly (fail-stop).
///
/// The message is written by a thread of its own, and the process stops
/// after at most [`LAST_WORDS_WAIT`] even if it could not be written: a
/// standard error that nobody reads cannot keep a stopping server alive.
pub fn stop(message: &str, code: i32) -> ! {
    let text = format!("{message}\n");
    let (written, done) = mpsc::channel();
    let _ = thread::Builder::new()
        .name("log-last-words".into())
        .spawn(move || {
            let _ = io::stderr().write_all(text.as_bytes());
            let _ = written.send(());
        });
    let _ = done.recv_timeout(LAST_WORDS_WAIT);
    std::process::exit(code);
}
// ANCHOR_END: stop_on_panic

impl Log {
    /// Writes out what is queued, waiting at most a couple of seconds (an
    /// output nobody reads must not keep the server from exiting), and
    /// returns how many lines never made it out: dropped because the
    /// output could not keep up, refused by it, or still queued.
    pub fn finish(self) -> usize {
        let (done, finished) = mpsc::channel();
        let guards = self.guards;
        // Dropping a guard waits for its thread to write everything; that
        // wait happens on a thread of its own, so we can stop waiting.
        let _ = thread::Builder::new()
            .name("log-flush".into())
            .spawn(move || {
                drop(guards);
                let _ = done.send(());
            });
        let _ = finished.recv_timeout(FLUSH_WAIT);
        let logged = self.logged.load(Ordering::SeqCst);
        logged.saturating_sub(self.written.load(Ordering::SeqCst))
    }
}

/// A writer maker that counts the lines handed to it.
struct Counting<M>(M, Arc<AtomicUsize>);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Counting<M> {
    type Writer = Counted<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        Counted(self.0.make_writer(), Arc::clone(&self.1))
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Self::Writer {
        Counted(self.0.make_writer_for(meta), Arc::clone(&self.1))
    }
}

/// The writer of one log line, counted.
struct Counted<W>(W, Arc<AtomicUsize>);

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.1.fetch_add(1, Ordering::SeqCst);
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// An output whose errors are not the server's problem: a reader that went
/// away (a broken pipe) loses the line, and nothing else happens. `.1`
/// counts the lines that did get written.
struct Forgiving<W>(W, Arc<AtomicUsize>);

impl<W: Write> Write for Forgiving<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.0.write_all(buf).is_ok() {
            self.1.fetch_add(1, Ordering::SeqCst);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let _ = self.0.flush();
        Ok(())
    }
}
