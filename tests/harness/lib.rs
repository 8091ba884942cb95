//! # The test harness
//!
//! Everything the tests in `tests/` share: building and finding the
//! workspace's binaries, starting a lesson's server as a real process on a
//! port the system picks, talking to it through raw sockets or the real
//! client binaries, and stopping it. Every wait here is bounded by
//! [`WAIT`], so a broken server fails a test instead of hanging it.
//!
//! The modules hold what only some tests share: [`clock`] the times a test
//! server stamps, [`flood`] a client that never reads, [`shutdown`] lesson
//! 03's shutdown under load, and [`transcript`] the book's transcripts.

pub mod clock;
pub mod flood;
pub mod shutdown;
pub mod transcript;

pub use clock::{reading, Reading};

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use chamada::{ErrorCode, Response};
use crossbeam_channel::{unbounded, Receiver};
use wait_timeout::ChildExt;

/// The longest any single step of a test may wait: a response, a log line,
/// a client run. Generous, because CI machines are shared and slow.
/// The locale every program the tests start runs in, unless a test sets
/// `LC_ALL` itself: English, whatever the developer's own locale, so the
/// snapshots are the same on every machine. (`LC_ALL` comes first of the
/// variables that choose the language: see `chamada::i18n`.)
pub const ENGLISH: &str = "C";

/// The locale of the tests that show the programs in Portuguese.
pub const PORTUGUESE: &str = "pt_BR.UTF-8";

pub const WAIT: Duration = Duration::from_secs(20);

/// The lesson servers, in course order: lessons 01 and 02, the six steps
/// of lesson 03 (the last is the final server, `lesson-03-final`), then the
/// bonus event loop.
pub const LESSONS: [&str; 9] = [
    "lesson-01-blocking",
    "lesson-02-threads",
    "lesson-03-1-registry",
    "lesson-03-2-listener",
    "lesson-03-3-protections",
    "lesson-03-4-shutdown",
    "lesson-03-5-durability",
    "lesson-03-final",
    "lesson-bonus-event-loop",
];

/// The lessons that serve many clients at once: all but lesson 01.
pub const CONCURRENT_LESSONS: [&str; 8] = [
    "lesson-02-threads",
    "lesson-03-1-registry",
    "lesson-03-2-listener",
    "lesson-03-3-protections",
    "lesson-03-4-shutdown",
    "lesson-03-5-durability",
    "lesson-03-final",
    "lesson-bonus-event-loop",
];

/// The lessons that protect themselves and their users (PROTOCOL.md, "What
/// each lesson implements"): lesson 03 from its step 3 on, with a
/// connection limit, idle and write timeouts and a teacher key, with the
/// same options and the same log lines. The bonus event loop is built
/// another way, and must behave the same.
pub const GUARDED_LESSONS: [&str; 5] = [
    "lesson-03-3-protections",
    "lesson-03-4-shutdown",
    "lesson-03-5-durability",
    "lesson-03-final",
    "lesson-bonus-event-loop",
];

/// The guarded lessons that also stop gracefully (lesson 03 from its step 4
/// on): on Ctrl-C or SIGTERM they tell their clients and print the roll
/// calls still open.
pub const STOPPABLE_LESSONS: [&str; 4] = [
    "lesson-03-4-shutdown",
    "lesson-03-5-durability",
    "lesson-03-final",
    "lesson-bonus-event-loop",
];

/// The lesson whose name the transcripts of the guarded lessons show.
pub const FINAL_LESSON: &str = "lesson-03-final";

/// The packages of the other binaries tests run: the grader (`check`) and
/// the bug-hunt servers (`bug-01` ...).
pub const TOOLS: [&str; 2] = ["chamada-check", "chamada-bugs"];

/// The scripted clock every test server runs on (see `chamada::clock`):
/// real-looking times that are the same on every run.
pub const CLOCK_START: &str = "2026-11-24T10:15:00-03:00";
/// Seconds the scripted clock advances per reading.
pub const CLOCK_STEP: &str = "3";

/// Runs `check` against a fresh server of each of `lessons` in turn, so
/// each server's clock starts from its first reading and no state leaks
/// from one lesson to the next.
pub fn for_each_lesson(lessons: &[&str], check: impl Fn(&Server)) {
    for lesson in lessons {
        // Printed output is shown only when a test fails: it says which
        // lesson the failure belongs to.
        println!("--- checking {lesson}");
        check(&Server::start(lesson));
    }
}

/// The path of one of the workspace's binaries, built on first use.
///
/// `cargo test` builds only the binaries of packages that have tests of
/// their own, so the harness asks cargo to build the servers and clients,
/// once per test program. When they are up to date this takes a fraction
/// of a second.
pub fn binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        // This test program lives in target/<profile>/deps/.
        let exe = std::env::current_exe().expect("the test knows its own path");
        let profile_dir = exe
            .parent()
            .and_then(|deps| deps.parent())
            .expect("target/<profile>/deps");
        let mut cargo = Command::new(env!("CARGO"));
        cargo.args(["build", "--quiet", "--bins"]);
        // book-code: the book's UDP example, `udp-roll-call`.
        for package in ["chamada", "book-code"]
            .iter()
            .chain(&LESSONS)
            .chain(&TOOLS)
        {
            cargo.args(["--package", package]);
        }
        if profile_dir.ends_with("release") {
            cargo.arg("--release");
        }
        let status = cargo.status().expect("cargo runs");
        assert!(status.success(), "building the workspace's binaries failed");
        profile_dir.to_path_buf()
    });
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// A server process, stopped (killed) when dropped.
pub struct Server {
    /// The lesson (the binary's name) it runs.
    lesson: String,
    /// The running process.
    child: Child,
    /// The address it printed on its first line.
    addr: SocketAddr,
    /// Its standard output, one line at a time, as it prints them.
    lines: Receiver<String>,
    /// Every line it has printed so far, including the ones taken from `lines`.
    log: Arc<Mutex<Vec<String>>>,
    /// Every line it has printed on its standard error so far.
    errors: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `lesson` on 127.0.0.1, on a port the system picks.
    pub fn start(lesson: &str) -> Server {
        Server::start_with(lesson, &[], &[])
    }

    /// Starts `lesson` with extra command-line options and environment.
    pub fn start_with(lesson: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
        Server::start_on(lesson, "127.0.0.1:0", args, env)
    }

    /// Starts `lesson` bound to `bind` (give port 0, so the system picks a
    /// free one), with extra command-line options and environment. Tests
    /// may bind a wildcard such as `0.0.0.0:0`, which only listens, but
    /// connect only to loopback.
    pub fn start_on(lesson: &str, bind: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(binary(lesson));
        command
            .args(["--bind", bind])
            .args(args)
            .args(in_memory_unless_told(lesson, args));
        Server::spawn(lesson, command, env, None)
    }

    /// Starts `lesson` on 127.0.0.1 in the folder `dir`, where relative
    /// paths such as `--journal chamada.journal` then lead.
    pub fn start_in(dir: &Path, lesson: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(binary(lesson));
        command
            .args(["--bind", "127.0.0.1:0"])
            .args(args)
            .args(in_memory_unless_told(lesson, args));
        Server::spawn(lesson, command, env, Some(dir))
    }

    /// Starts `lesson` on 127.0.0.1 with its open-file limit (soft and
    /// hard) set to `limit` by the shell's `ulimit -n`, as a user would.
    #[cfg(unix)]
    pub fn start_with_file_limit(lesson: &str, limit: u32, args: &[&str]) -> Server {
        let mut command = Command::new("sh");
        command
            .args(["-c", &format!("ulimit -n {limit} && exec \"$0\" \"$@\"")])
            .arg(binary(lesson))
            .args(["--bind", "127.0.0.1:0"])
            .args(args)
            .args(in_memory_unless_told(lesson, args));
        Server::spawn(lesson, command, &[], None)
    }

    /// Runs `command`, a server, on the harness's clock (in `dir` if
    /// given), and reads its first line for the address it listens on.
    fn spawn(
        lesson: &str,
        mut command: Command,
        env: &[(&str, &str)],
        dir: Option<&Path>,
    ) -> Server {
        if let Some(dir) = dir {
            command.current_dir(dir);
        }
        let mut child = command
            .env("CHAMADA_CLOCK", CLOCK_START)
            .env("CHAMADA_CLOCK_STEP", CLOCK_STEP)
            .env("LC_ALL", ENGLISH)
            .env_remove("CHAMADA_TEACHER_KEY")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {lesson}: {error}"));
        let (lines, log) = follow(child.stdout.take().expect("stdout is piped"));
        let (_, errors) = follow(child.stderr.take().expect("stderr is piped"));
        let first = lines.recv_timeout(WAIT).unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("{lesson} printed nothing")
        });
        let addr = first
            .strip_prefix("listening on ")
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| {
                panic!("{lesson}'s first line is not `listening on ADDR`: {first:?}")
            });
        Server {
            lesson: lesson.to_owned(),
            child,
            addr,
            lines,
            log,
            errors,
        }
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Opens a raw protocol connection, like `nc`.
    pub fn connect(&self) -> Raw {
        Raw::connect(self.addr)
    }

    /// Waits for the server to print a line containing `text`, and returns it.
    pub fn wait_for(&self, text: &str) -> String {
        loop {
            match self.lines.recv_timeout(WAIT) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => continue,
                Err(_) => panic!(
                    "the server never printed {text:?}; it printed {:#?}",
                    self.log()
                ),
            }
        }
    }

    /// Every line the server has printed so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Every line the server has printed on its standard error so far.
    pub fn errors(&self) -> Vec<String> {
        self.errors.lock().unwrap().clone()
    }

    /// The lesson it runs, as given to [`Server::start`].
    pub fn lesson(&self) -> &str {
        &self.lesson
    }

    /// The process id, to send it signals.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the server at once, as `kill -9` does (SIGKILL on Unix): no
    /// handler runs, nothing is flushed. Returns everything it printed.
    pub fn kill(mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        while self.lines.recv_timeout(WAIT).is_ok() {}
        self.log()
    }

    /// Waits for the server to exit by itself, and returns its exit code
    /// and everything it printed.
    pub fn wait_exit(mut self) -> (Option<i32>, Vec<String>) {
        let status = self.child.wait_timeout(WAIT).expect("wait works");
        let status = status
            .unwrap_or_else(|| panic!("the server did not exit; it printed {:#?}", self.log()));
        // The output thread finishes once the pipe closes.
        while self.lines.recv_timeout(WAIT).is_ok() {}
        (status.code(), self.log())
    }
}

/// Lesson 03 keeps a journal in the folder it runs in unless told
/// otherwise. A test that does not give it one runs it in memory only
/// (`--no-journal`, which the transcripts do not show): no two test servers
/// then share a file, and none is left behind.
pub fn in_memory_unless_told<'a>(lesson: &str, args: &[&'a str]) -> Option<&'a str> {
    let told = args
        .iter()
        .any(|arg| arg.starts_with("--journal") || *arg == "--no-journal");
    let journaled = ["lesson-03-5-durability", "lesson-03-final"].contains(&lesson);
    (journaled && !told).then_some("--no-journal")
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads a process's output on a thread of its own, handing each line out
/// through a channel (for waiting) and keeping them all (for reading later).
fn follow(output: impl Read + Send + 'static) -> (Receiver<String>, Arc<Mutex<Vec<String>>>) {
    let (sender, lines) = unbounded();
    let log = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&log);
    thread::spawn(move || {
        for line in BufReader::new(output).lines() {
            let Ok(line) = line else { break };
            keep.lock().unwrap().push(line.clone());
            let _ = sender.send(line);
        }
    });
    (lines, log)
}

/// True if this machine has IPv6 loopback (`::1`). Some containers and CI
/// machines have IPv6 turned off; tests of IPv6 then print why they skip.
pub fn has_ipv6_loopback() -> bool {
    let available = std::net::TcpListener::bind("[::1]:0").is_ok();
    if !available {
        println!("note: no IPv6 loopback (::1) on this machine; skipping the IPv6 part");
    }
    available
}

/// A raw connection to a server: bytes out, lines in, like `nc`.
pub struct Raw {
    /// Where requests go.
    stream: TcpStream,
    /// Where responses come from.
    reader: BufReader<TcpStream>,
}

impl Raw {
    /// Connects to `addr`; every later read gives up after [`WAIT`].
    pub fn connect(addr: SocketAddr) -> Raw {
        let stream = TcpStream::connect(addr)
            .unwrap_or_else(|error| panic!("cannot connect to {addr}: {error}"));
        Raw::from_stream(stream)
    }

    /// Connects to `addr` with a receive buffer of about `bytes` (the
    /// system may round it), set before connecting so that the window the
    /// client offers stays that small: a client that cannot take a large
    /// response quickly.
    pub fn connect_with_receive_buffer(addr: SocketAddr, bytes: usize) -> Raw {
        use socket2::{Domain, Socket, Type};
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None).unwrap();
        socket.set_recv_buffer_size(bytes).unwrap();
        socket
            .connect_timeout(&addr.into(), WAIT)
            .unwrap_or_else(|error| panic!("cannot connect to {addr}: {error}"));
        Raw::from_stream(socket.into())
    }

    fn from_stream(stream: TcpStream) -> Raw {
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let reader = BufReader::new(stream.try_clone().unwrap());
        Raw { stream, reader }
    }

    /// Reads whatever bytes have arrived, at most `buf.len()`: `Some(0)`
    /// at the end of the stream, `None` if the server reset it.
    pub fn read_some(&mut self, buf: &mut [u8]) -> Option<usize> {
        match self.reader.read(buf) {
            Ok(n) => Some(n),
            Err(error) if error.kind() == io::ErrorKind::ConnectionReset => None,
            Err(error) => panic!("no bytes within {WAIT:?}: {error}"),
        }
    }

    /// Sends bytes exactly as given (no newline added).
    pub fn send(&mut self, bytes: impl AsRef<[u8]>) {
        self.try_send(bytes).expect("the server takes our bytes");
    }

    /// Sends bytes exactly as given, reporting rather than panicking on a
    /// server that has hung up: during a shutdown that is expected.
    pub fn try_send(&mut self, bytes: impl AsRef<[u8]>) -> io::Result<()> {
        self.stream.write_all(bytes.as_ref())
    }

    /// Reads one response line, without its `\n`. Panics on a timeout or
    /// if the server hangs up first.
    pub fn line(&mut self) -> String {
        self.try_line()
            .expect("the server hung up instead of answering")
    }

    /// Reads one response line, or `None` if the server hung up.
    ///
    /// A server that closes a connection while some of our bytes are still
    /// unread (after `line-too-long`, say) makes the system send a reset
    /// rather than a normal end of stream: that is hanging up too. A line
    /// cut short by the hang-up fails the test: the protocol promises that
    /// a server never sends half a response.
    pub fn try_line(&mut self) -> Option<String> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => None,
            Ok(_) => match line.strip_suffix('\n') {
                Some(whole) => Some(whole.to_owned()),
                None => panic!("the server hung up in the middle of a line: {line:?}"),
            },
            Err(error) if error.kind() == io::ErrorKind::ConnectionReset => None,
            Err(error) => panic!("no response within {WAIT:?}: {error}"),
        }
    }

    /// Sends one request line and reads its response.
    pub fn ask(&mut self, request: &str) -> String {
        self.send(format!("{request}\n"));
        self.line()
    }

    /// True if the server has closed the connection (reads end of stream).
    pub fn is_closed(&mut self) -> bool {
        self.try_line().is_none()
    }

    /// Closes our side of the connection.
    pub fn close(self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }

    /// The underlying socket, for tests that need to do something unusual.
    pub fn socket(&self) -> &TcpStream {
        &self.stream
    }
}

/// Reads a response line as a client would; anything that is not a
/// protocol response fails the test.
pub fn response(line: &str) -> Response {
    Response::parse(line).unwrap_or_else(|why| panic!("not a response: {why}: {line:?}"))
}

/// True if `line` is `ERROR <code> ...`; a line that is no response at all
/// fails the test.
pub fn is_error(line: &str, code: ErrorCode) -> bool {
    matches!(response(line), Response::Error { code: c, .. } if c == code)
}

/// What a finished client run printed, and how it exited.
#[derive(Debug)]
pub struct Run {
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
    /// Its exit code.
    pub code: Option<i32>,
}

/// Runs a client binary (`teacher` or `student`) against `addr` with
/// `args`, feeding it `input` on standard input, and waits for it to end.
pub fn run_client(client: &str, addr: SocketAddr, args: &[&str], input: &str) -> Run {
    run_client_with(client, &["--server", &addr.to_string()], args, input, &[])
}

/// Runs a client binary against `addr` in the folder `dir`, where relative
/// paths such as `--csv list.csv` then lead.
pub fn run_client_in(
    dir: &Path,
    client: &str,
    addr: SocketAddr,
    args: &[&str],
    input: &str,
) -> Run {
    run_client_in_with(dir, client, addr, args, input, &[])
}

/// [`run_client_in`] with extra environment (`LC_ALL`, say).
pub fn run_client_in_with(
    dir: &Path,
    client: &str,
    addr: SocketAddr,
    args: &[&str],
    input: &str,
    env: &[(&str, &str)],
) -> Run {
    let options = ["--server", &addr.to_string()];
    spawn_client(client, &options, args, input, env, Some(dir))
}

/// Runs a client binary with the given options, arguments, input and
/// environment.
pub fn run_client_with(
    client: &str,
    options: &[&str],
    args: &[&str],
    input: &str,
    env: &[(&str, &str)],
) -> Run {
    spawn_client(client, options, args, input, env, None)
}

fn spawn_client(
    client: &str,
    options: &[&str],
    args: &[&str],
    input: &str,
    env: &[(&str, &str)],
    dir: Option<&Path>,
) -> Run {
    let mut command = Command::new(binary(client));
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = command
        .args(options)
        .args(args)
        .env("LC_ALL", ENGLISH)
        .env_remove("CHAMADA_TEACHER_KEY")
        .env_remove("CHAMADA_SERVER")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {client}: {error}"));
    // Writing all input up front is fine: it is small, and a client reads
    // it a line at a time as it goes.
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    let stdout = read_all(child.stdout.take().expect("stdout is piped"));
    let stderr = read_all(child.stderr.take().expect("stderr is piped"));
    let status = child.wait_timeout(WAIT).expect("wait works");
    let Some(status) = status else {
        let _ = child.kill();
        panic!("{client} {args:?} did not finish within {WAIT:?}");
    };
    Run {
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        code: status.code(),
    }
}

fn read_all(mut output: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        let _ = output.read_to_string(&mut text);
        text
    })
}
