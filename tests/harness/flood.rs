//! A client that writes requests and never reads the responses: the one
//! that lesson 03's write timeout and graceful shutdown must not let hold
//! up the server. Used by the tests of the server process and by lesson
//! 03's in-process tests alike.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use chamada::connection::is_timeout;
use crossbeam_channel::{bounded, Receiver, Sender};

use crate::WAIT;

/// How long one write may make no progress before we call the connection
/// stalled: every buffer between us and the server is full, and the server
/// thread serving us is stuck writing a response nobody reads.
pub const STALL: Duration = Duration::from_millis(200);

/// A thread writing `HELP` requests as fast as the server takes them,
/// reading nothing.
pub struct Flooder {
    /// Our end's address: the server's log names the connection by it.
    addr: SocketAddr,
    /// Told once, the first time a write makes no progress for [`STALL`].
    stalled: Receiver<()>,
    /// Set to make the thread stop writing.
    stop: Arc<AtomicBool>,
    /// Ends on `stop`, when the server hangs up, or after twice [`WAIT`].
    thread: JoinHandle<()>,
}

impl Flooder {
    /// Connects to `server` and starts flooding it.
    pub fn start(server: SocketAddr) -> Flooder {
        let stream = TcpStream::connect(server).expect("the server accepts connections");
        stream.set_write_timeout(Some(STALL)).unwrap();
        let addr = stream.local_addr().unwrap();
        let (tell, stalled) = bounded(1);
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = thread::spawn(move || flood(stream, &tell, &stopped));
        Flooder {
            addr,
            stalled,
            stop,
            thread,
        }
    }

    /// Our end's address, as the server's log names the connection.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Waits (at most [`WAIT`]) until the server has stopped taking our bytes.
    pub fn wait_until_stalled(&self) {
        self.stalled
            .recv_timeout(WAIT)
            .expect("the connection stalls once the buffers are full");
    }

    /// Stops writing and waits for the thread to end.
    pub fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.join().expect("the flooding thread ends");
    }
}

/// Writes whole `HELP` lines, never reading, until told to stop, the server
/// hangs up, or twice [`WAIT`] passes: longer than any single wait of a
/// test, so that a test waiting for the server to hang up never mistakes
/// the flooder giving up (and closing) for the server doing it.
fn flood(mut stream: TcpStream, stalled: &Sender<()>, stop: &AtomicBool) {
    let requests = "HELP\n".repeat(1000).into_bytes();
    // Where the next write starts, so that a partial write never breaks a line.
    let mut at = 0;
    let deadline = Instant::now() + 2 * WAIT;
    while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
        match stream.write(&requests[at..]) {
            Ok(written) => at = (at + written) % requests.len(),
            Err(error) if is_timeout(&error) => {
                let _ = stalled.try_send(());
            }
            Err(_) => return, // the server hung up
        }
    }
}
