//! Graceful shutdown: a signal that every thread of the server can check.
//!
//! Ctrl-C (or SIGTERM, or a test) calls [`Shutdown::begin`]. The accept loop
//! stops taking connections, each connection thread finishes the request it
//! is answering and sends `ERROR shutdown` (those still open when the grace
//! period ends are shut down from outside instead), and `main` logs the
//! roll calls still open ([`report_still_open`]) before the process exits.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use chamada::log::Log;
use chamada::RollCalls;

// ANCHOR: signal
/// A cheap, cloneable handle to one server's shutdown signal.
#[derive(Clone, Default)]
pub struct Shutdown {
    /// What every clone shares.
    inner: Arc<Signal>,
}

#[derive(Default)]
struct Signal {
    /// Set once, never cleared: the server is shutting down.
    begun: AtomicBool,
    /// The address the accept loop listens on, so that `begin` can wake it.
    listening_on: OnceLock<SocketAddr>,
}
// ANCHOR_END: signal

impl Shutdown {
    /// A signal that has not been given yet.
    pub fn new() -> Shutdown {
        Shutdown::default()
    }

    /// True once shutdown has begun.
    pub fn has_begun(&self) -> bool {
        self.inner.begun.load(Ordering::SeqCst)
    }

    /// Starts the shutdown. Safe to call from any thread, any number of times.
    pub fn begin(&self) {
        self.inner.begun.store(true, Ordering::SeqCst);
        // ANCHOR: wake
        // The accept loop is blocked inside `accept`, which no flag can
        // interrupt. So we connect to our own listener: a wake-up
        // connection. `accept` returns it, the loop sees the flag, and
        // stops. (The same idea as the "self-pipe trick" of event loops,
        // which write to a pipe the loop watches; here the listener itself
        // is what the loop waits on.)
        if let Some(addr) = self.inner.listening_on.get() {
            wake(*addr);
        }
        // ANCHOR_END: wake
    }

    // ANCHOR: watch
    /// Tells the signal which address to poke to wake the accept loop.
    pub(crate) fn watch(&self, addr: SocketAddr) {
        let _ = self.inner.listening_on.set(addr);
        // A shutdown that began before this moment had no address to poke,
        // and the accept loop is about to block: poke it now, so that its
        // first `accept` returns at once instead of never.
        if self.has_begun() {
            wake(addr);
        }
    }
    // ANCHOR_END: watch
}

/// Connects to our own listener at `addr`, which makes its `accept` return.
/// Gives up after a second (the backlog may be full, and then `accept` has
/// other connections to return anyway).
fn wake(addr: SocketAddr) {
    let _ = TcpStream::connect_timeout(&reachable(addr), Duration::from_secs(1));
}

/// An address we can connect to that reaches a listener bound to `addr`:
/// a listener on "every address" (0.0.0.0 or ::) is reached on loopback.
fn reachable(addr: SocketAddr) -> SocketAddr {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, addr.port())
}

// ANCHOR: still_open
/// Logs every roll call still open, as the `STATUS` line a teacher would
/// have seen, so a forgotten `END` loses nobody's presence.
///
/// If some log lines could not be written (standard output is a pipe
/// nobody reads, say), the lists may be among them: then they are written
/// to standard error as well, directly.
///
/// `where_kept`, when the server has a journal, says where the lists are
/// kept, and is logged after them.
///
/// `main` calls it once `run` has returned the roll calls; so does the
/// bonus event loop, whose shutdown ends the same way.
pub fn report_still_open(roll_calls: &RollCalls, where_kept: Option<String>, log: Log) {
    let open = roll_calls.still_open();
    tracing::info!("{}", chamada::t!("server-still-open", count = open.len()));
    for status in &open {
        tracing::info!("{status}");
    }
    if let Some(where_kept) = where_kept {
        tracing::info!("{where_kept}");
    }
    let lost = log.finish();
    if lost == 0 || open.is_empty() {
        return;
    }
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{}", chamada::t!("server-lines-lost", lost = lost));
    for status in &open {
        let _ = writeln!(stderr, "{status}");
    }
}
// ANCHOR_END: still_open
