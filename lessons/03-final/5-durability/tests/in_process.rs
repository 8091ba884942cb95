//! Lesson 03's server run inside the test process, stopped with a
//! [`Shutdown`] exactly as the Ctrl-C / SIGTERM handler stops it.
//!
//! Running [`run`] on a thread of our own lets these tests check what a
//! separate process cannot show: the [`RollCalls`] that `run` hands back,
//! and how long `run` takes to return after `begin()`, whatever the
//! clients are doing (sending, idling, or never reading).
//!
//! The clients come from the course's test harness (the `chamada-course`
//! package, a dev-dependency), shared with the tests of the server process:
//! a raw connection, a client that never reads, and the scenario of
//! sixteen students answering while the server stops.

use std::net::SocketAddr;
use std::thread;
use std::time::{Duration, Instant};

use chamada::{Clock, RollCalls};
use crossbeam_channel::{bounded, Receiver};
use harness::flood::Flooder;
use harness::shutdown::{self, check_told_of_shutdown, Stopped, NOTICE_GRACE};
use harness::Raw;
use lesson_03_5_durability::{listener, run, Config, Shutdown};

/// How long `run` may take to return once shutdown has begun: a tick for
/// the connection threads to notice, the default grace period (1 s) where
/// a client holds its thread, and a generous margin for a busy machine.
/// Well below any write timeout and [`NOTICE_GRACE`], so a pass shows that
/// the connections closed by themselves or at the end of the default
/// grace, not at a timeout.
const RETURN_BOUND: Duration = Duration::from_secs(8);

/// The settings of a server whose connections must all hear the shutdown
/// notice: a grace period that cannot run out first.
fn told_config() -> Config {
    Config {
        grace: NOTICE_GRACE,
        ..Config::default()
    }
}

/// A server running `run` on a thread of its own.
struct Running {
    /// Where it listens.
    addr: SocketAddr,
    /// The handle a signal handler would hold.
    shutdown: Shutdown,
    /// Receives what `run` returns, once it returns.
    finished: Receiver<RollCalls>,
}

/// Starts `run` with `config` on 127.0.0.1 and a port the system picks.
fn start(config: Config) -> Running {
    start_with(config, Shutdown::new())
}

/// Starts `run` with a given shutdown signal, which may already have begun.
fn start_with(config: Config, shutdown: Shutdown) -> Running {
    let listener = listener::listen("127.0.0.1:0".parse().unwrap()).expect("loopback binds");
    let addr = listener.local_addr().unwrap();
    let (done, finished) = bounded(1);
    let signal = shutdown.clone();
    thread::spawn(move || {
        let roll_calls = run(
            listener,
            config,
            RollCalls::new(Clock::System),
            None,
            signal,
        );
        let _ = done.send(roll_calls);
    });
    Running {
        addr,
        shutdown,
        finished,
    }
}

impl Running {
    /// Begins the shutdown, as Ctrl-C would, and returns the roll calls
    /// `run` hands back and how long it took to return; fails if that is
    /// longer than [`RETURN_BOUND`].
    fn stop(&self) -> (RollCalls, Duration) {
        let begun = Instant::now();
        self.shutdown.begin();
        let roll_calls = self
            .finished
            .recv_timeout(RETURN_BOUND)
            .unwrap_or_else(|_| panic!("run did not return within {RETURN_BOUND:?} of shutdown"));
        (roll_calls, begun.elapsed())
    }
}

// ---------------------------------------------------------------------------
// No presence is lost by a shutdown.

#[test]
fn every_answered_presence_is_still_open_after_the_shutdown() {
    let server = start(told_config());
    shutdown::check_no_answered_presence_is_lost(server.addr, || {
        let (roll_calls, _) = server.stop();
        let statuses = roll_calls.still_open();
        Stopped {
            report: statuses.iter().map(ToString::to_string).collect(),
            still_open: shutdown::students_by_class(statuses),
        }
    });
}

// ---------------------------------------------------------------------------
// `run` returns promptly after `begin()`, whatever the clients do.

#[test]
fn an_idle_client_is_told_and_does_not_hold_up_the_shutdown() {
    let server = start(told_config()); // idle timeout: minutes
    let mut idle = Raw::connect(server.addr);
    assert!(
        idle.ask("HELP").starts_with("HELP "),
        "served before idling"
    );

    server.stop(); // within RETURN_BOUND, far less than the grace period
    check_told_of_shutdown(&mut idle, &[]);
}

#[test]
fn a_client_that_never_reads_does_not_hold_up_the_shutdown() {
    // A write timeout far longer than the bound: only the grace period's
    // closing of the socket can free the thread stuck writing to it.
    let config = Config {
        write_timeout: Duration::from_secs(60),
        ..Config::default()
    };
    let server = start(config);
    let flooder = Flooder::start(server.addr);
    flooder.wait_until_stalled();

    server.stop();
    flooder.stop();
}

#[test]
fn a_shutdown_begun_before_run_starts_listening_still_stops_it() {
    // A signal can arrive between installing the handler and `run`
    // reaching its accept loop. Nobody is connected to wake `accept` then.
    let shutdown = Shutdown::new();
    shutdown.begin();
    let server = start_with(Config::default(), shutdown);
    server
        .finished
        .recv_timeout(RETURN_BOUND)
        .expect("run returns at once when the shutdown has already begun");
}
