//! Lesson 03's server run inside the test process, stopped with a
//! [`Shutdown`] exactly as the Ctrl-C / SIGTERM handler stops it.
//!
//! Running [`run`] on a thread of our own lets these tests check what a
//! separate process cannot show: the [`RollCalls`] that `run` hands back,
//! and how long `run` takes to return after `begin()`, whatever the
//! clients are doing (sending, idling, or never reading).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use chamada::{Clock, ErrorCode, Response, RollCalls, StudentId};
use crossbeam_channel::{bounded, Receiver, Sender};
use lesson_03_final::{listener, run, Config, Shutdown, GRACE};

/// The longest any single wait of these tests may take.
const WAIT: Duration = Duration::from_secs(20);

/// How long `run` may take to return once shutdown has begun: the grace
/// period, a tick for the connection threads to notice, and a generous
/// margin for a busy machine. Well below any write timeout used here, so a
/// pass shows that the grace period, not a timeout, freed the threads.
const RETURN_BOUND: Duration = Duration::from_secs(8);

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
        let roll_calls = run(listener, config, RollCalls::new(Clock::System), signal);
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
            .unwrap_or_else(|_| {
                panic!("run did not return within {RETURN_BOUND:?} of shutdown (grace {GRACE:?})")
            });
        (roll_calls, begun.elapsed())
    }
}

/// Checks that an idle connection was told `ERROR shutdown`, then closed.
///
/// One exception: a machine too busy to run the connection's thread within
/// the grace period (CI runners, other tests) gets its socket closed without
/// a word. Then the shutdown must have lasted at least the grace period;
/// closing early without the notice is a failure.
fn check_told_of_shutdown(client: &mut Client, shutdown_took: Duration) {
    match client.line() {
        Some(notice) => {
            assert!(is_error(&notice, ErrorCode::Shutdown), "{notice}");
            assert_eq!(client.line(), None, "closed after ERROR shutdown");
        }
        None => assert!(
            shutdown_took >= GRACE,
            "closed without ERROR shutdown after only {shutdown_took:?}"
        ),
    }
}

/// A plain protocol connection that reports, rather than panics on, the
/// server hanging up: during a shutdown that is expected.
struct Client {
    /// Where requests go.
    stream: TcpStream,
    /// Where responses come from.
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).expect("the server accepts connections");
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let reader = BufReader::new(stream.try_clone().unwrap());
        Client { stream, reader }
    }

    fn send(&mut self, request: &str) -> io::Result<()> {
        self.stream.write_all(format!("{request}\n").as_bytes())
    }

    /// The next whole response line; `None` once the server has hung up
    /// (end of stream, or a reset). A line cut short is a failure: the
    /// server promised never to send half a response.
    fn line(&mut self) -> Option<String> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => None,
            Ok(_) => {
                let whole = line.strip_suffix('\n');
                Some(
                    whole
                        .unwrap_or_else(|| panic!("a partial line: {line:?}"))
                        .to_owned(),
                )
            }
            Err(error) if is_timeout(&error) => panic!("no response within {WAIT:?}"),
            Err(_) => None,
        }
    }

    fn ask(&mut self, request: &str) -> String {
        self.send(request).expect("the server takes the request");
        self.line().expect("the server answers")
    }
}

fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn is_error(line: &str, code: ErrorCode) -> bool {
    matches!(Response::parse(line), Ok(Response::Error { code: c, .. }) if c == code)
}

// ---------------------------------------------------------------------------
// No presence is lost by a shutdown.

/// The two roll calls the students answer in the shutdown test.
const CLASSES: [u32; 2] = [101, 202];
/// How many students answer at once.
const STUDENTS: usize = 16;
/// How many answers each student gets before the shutdown begins.
const ANSWERS_BEFORE_SHUTDOWN: usize = 3;

/// One student's connection: answers the roll call of `class` over and
/// over, with a new student number each time, until the server hangs up.
/// Says so on `ready` once a few answers have come back. Returns every
/// line the server sent.
fn keep_answering(addr: SocketAddr, client: usize, class: u32, ready: Sender<()>) -> Vec<String> {
    let mut connection = Client::connect(addr);
    let mut lines = Vec::new();
    for n in 0.. {
        if connection
            .send(&format!("PRESENT c{client}n{n} {class}"))
            .is_err()
        {
            break;
        }
        let Some(line) = connection.line() else { break };
        let last = is_error(&line, ErrorCode::Shutdown);
        lines.push(line);
        if lines.len() == ANSWERS_BEFORE_SHUTDOWN {
            let _ = ready.send(());
        }
        if last {
            break;
        }
    }
    // After ERROR shutdown the server closes: nothing more may arrive.
    assert_eq!(connection.line(), None, "a line after ERROR shutdown");
    lines
}

/// The students whose `PRESENCE` answers name an open class, by class.
/// Every line must be a whole protocol response: `PRESENCE` for an open
/// class, except that the last may be `ERROR shutdown`.
fn answered(lines: &[String], student_of: impl Fn(usize) -> String) -> Vec<(u32, String)> {
    let mut recorded = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        match Response::parse(line) {
            Ok(Response::Presence {
                class: Some(class), ..
            }) => recorded.push((class.get(), student_of(n))),
            Ok(Response::Error {
                code: ErrorCode::Shutdown,
                ..
            }) if n + 1 == lines.len() => {}
            other => panic!("unexpected response {line:?} ({other:?}) in {lines:#?}"),
        }
    }
    recorded
}

/// The students listed in each `STATUS` line, by class.
fn students_by_class(statuses: &[Response]) -> BTreeMap<u32, BTreeSet<String>> {
    let mut lists = BTreeMap::new();
    for status in statuses {
        let Response::Status {
            class, students, ..
        } = status
        else {
            panic!("still_open gave {status:?}, not a STATUS")
        };
        let names = students.iter().map(StudentId::to_string).collect();
        lists.insert(class.get(), names);
    }
    lists
}

#[test]
fn every_answered_presence_is_still_open_after_the_shutdown() {
    let server = start(Config::default());
    let mut teacher = Client::connect(server.addr);
    for class in CLASSES {
        assert!(teacher
            .ask(&format!("START {class}"))
            .starts_with("STARTED "));
    }

    let (ready, all_ready) = bounded(STUDENTS);
    let students: Vec<JoinHandle<Vec<String>>> = (0..STUDENTS)
        .map(|client| {
            let (addr, ready) = (server.addr, ready.clone());
            let class = CLASSES[client % CLASSES.len()];
            thread::spawn(move || keep_answering(addr, client, class, ready))
        })
        .collect();
    for _ in 0..STUDENTS {
        all_ready
            .recv_timeout(WAIT)
            .expect("every student gets answers before the shutdown");
    }

    let (roll_calls, shutdown_took) = server.stop();
    let still_open = students_by_class(&roll_calls.still_open());
    assert_eq!(
        still_open.keys().copied().collect::<Vec<_>>(),
        CLASSES,
        "both roll calls are still open"
    );
    let mut told = 0;
    for (client, student) in students.into_iter().enumerate() {
        let lines = student.join().expect("the student thread ends");
        let last = lines.last();
        told += usize::from(last.is_some_and(|line| is_error(line, ErrorCode::Shutdown)));
        let presences = answered(&lines, |n| format!("c{client}n{n}"));
        assert!(presences.len() >= ANSWERS_BEFORE_SHUTDOWN, "{lines:#?}");
        for (class, name) in presences {
            assert!(
                still_open[&class].contains(&name),
                "{name} was told PRESENCE {class} but is not in the list still open"
            );
        }
    }
    // A busy student is told right after its next answer, grace or not.
    assert!(told > 0, "no student was told ERROR shutdown");
    // The teacher's idle connection is told why it is being closed.
    check_told_of_shutdown(&mut teacher, shutdown_took);
}

// ---------------------------------------------------------------------------
// `run` returns promptly after `begin()`, whatever the clients do.

#[test]
fn an_idle_client_is_told_and_does_not_hold_up_the_shutdown() {
    let server = start(Config::default()); // idle timeout: minutes
    let mut idle = Client::connect(server.addr);
    assert!(
        idle.ask("HELP").starts_with("HELP "),
        "served before idling"
    );

    let (_, shutdown_took) = server.stop();
    check_told_of_shutdown(&mut idle, shutdown_took);
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

// ---------------------------------------------------------------------------
// A client that writes requests and never reads the responses.

/// How long one write may make no progress before we call the connection
/// stalled: the server has stopped reading because its own writes to us
/// are blocked, with every buffer between us full.
const STALL: Duration = Duration::from_millis(200);

/// A thread writing `HELP` requests as fast as the server takes them.
struct Flooder {
    /// Told once, the first time a write makes no progress for [`STALL`].
    stalled: Receiver<()>,
    /// Set to make the thread stop writing.
    stop: Arc<AtomicBool>,
    /// The thread; ends on `stop`, when the server hangs up, or after [`WAIT`].
    thread: JoinHandle<()>,
}

impl Flooder {
    fn start(addr: SocketAddr) -> Flooder {
        let stream = TcpStream::connect(addr).expect("the server accepts connections");
        stream.set_write_timeout(Some(STALL)).unwrap();
        let (tell, stalled) = bounded(1);
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = thread::spawn(move || flood(stream, &tell, &stopped));
        Flooder {
            stalled,
            stop,
            thread,
        }
    }

    fn wait_until_stalled(&self) {
        self.stalled
            .recv_timeout(WAIT)
            .expect("the connection stalls once the buffers are full");
    }

    fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.join().expect("the flooding thread ends");
    }
}

/// Writes whole `HELP` lines, never reading, until told to stop, the server
/// hangs up, or [`WAIT`] passes.
fn flood(mut stream: TcpStream, stalled: &Sender<()>, stop: &AtomicBool) {
    let requests = "HELP\n".repeat(1000).into_bytes();
    // Where the next write starts, so that a partial write never breaks a line.
    let mut at = 0;
    let deadline = Instant::now() + WAIT;
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
