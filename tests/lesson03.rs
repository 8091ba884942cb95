//! # Lesson 03's protections, tested on the real server process
//!
//! What only the final lesson promises (PROTOCOL.md, "What each lesson
//! implements"): a connection limit (`busy`), an idle timeout (`timeout`),
//! a write timeout for clients that stop reading, a teacher key
//! (`forbidden`), and a graceful shutdown (`shutdown`) that loses no
//! recorded presence. The bonus event loop promises the same with the same
//! options, so every test runs against each of [`GUARDED_LESSONS`] in turn.
//! Each starts the server with the options it needs and talks to it over
//! loopback, waiting on events (a response, a log line, the process
//! exiting) rather than on fixed sleeps, except where the passing of time
//! is itself what is tested.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use chamada::ErrorCode;
use harness::flood::Flooder;
use harness::shutdown::{self, check_told_of_shutdown, Stopped};
use harness::{is_error, response, Raw, Server, GUARDED_LESSONS, WAIT};

/// Runs `check` against each lesson that has these protections, in turn.
fn for_each_guarded_lesson(check: impl Fn(&str)) {
    for lesson in GUARDED_LESSONS {
        // Shown only when a test fails: which lesson the failure belongs to.
        println!("--- checking {lesson}");
        check(lesson);
    }
}

/// A fresh connection that has been served once, so it is known to hold
/// one of the server's places (and not to be waiting in the backlog).
fn served(server: &Server) -> Raw {
    let mut raw = server.connect();
    assert!(raw.ask("HELP").starts_with("HELP "));
    raw
}

// ---------------------------------------------------------------------------
// The connection limit.

/// How many times [`admitted`] tries.
const ATTEMPTS: usize = 20;

/// A connection that a server with a free place has admitted and served.
///
/// The server logs a client's leaving a moment before its thread frees the
/// place, and nothing a client can see marks that moment; so right after
/// the log line an attempt may still be turned away, and we try again.
/// A place that is never freed fails after [`ATTEMPTS`] refusals.
fn admitted(server: &Server) -> Raw {
    for _ in 0..ATTEMPTS {
        let mut raw = server.connect();
        let answer = raw.ask("HELP");
        if answer.starts_with("HELP ") {
            return raw;
        }
        assert!(is_error(&answer, ErrorCode::Busy), "{answer}");
    }
    panic!("turned away {ATTEMPTS} times after a client left");
}

/// Says `QUIT` on `raw`, closes it, and waits until the server has logged
/// its leaving.
fn leave(server: &Server, mut raw: Raw) {
    let peer = raw.socket().local_addr().unwrap();
    assert_eq!(raw.ask("QUIT"), "BYE");
    assert!(raw.is_closed());
    // The server reads on until we close too (a lingering close), so close.
    raw.close();
    server.wait_for(&format!("{peer} disconnected"));
}

#[test]
fn the_client_over_the_limit_is_told_busy_and_the_others_carry_on() {
    for_each_guarded_lesson(|lesson| {
        let server = Server::start_with(lesson, &["--max-connections", "4"], &[]);
        let mut open: Vec<Raw> = (0..4).map(|_| served(&server)).collect();

        // The fifth is told why, and hung up on. It sends nothing first: a
        // request the server never reads would turn its hang-up into a reset.
        let mut fifth = server.connect();
        let busy = fifth.line();
        assert!(is_error(&busy, ErrorCode::Busy), "{busy}");
        assert!(busy.starts_with("ERROR busy "), "{busy}");
        assert!(fifth.is_closed(), "the server hangs up after ERROR busy");
        server.wait_for("turned away: already 4 connections");

        for raw in &mut open {
            assert!(raw.ask("HELP").starts_with("HELP "), "the four still work");
        }

        // Once a client has gone, its place is free again.
        let leaving = open.pop().unwrap();
        leave(&server, leaving);
        open.push(admitted(&server));

        // ...and the server is full again.
        let mut sixth = server.connect();
        assert!(is_error(&sixth.line(), ErrorCode::Busy));
        assert!(sixth.is_closed());
    });
}

// ---------------------------------------------------------------------------
// The idle timeout.

#[test]
fn a_silent_client_times_out_and_a_talkative_one_does_not() {
    for_each_guarded_lesson(|lesson| {
        let server = Server::start_with(lesson, &["--idle-timeout", "1"], &[]);
        let addr = server.addr();
        // The talkative client runs alongside, on a thread of its own.
        let talkative = thread::spawn(move || {
            let mut raw = Raw::connect(addr);
            // Here the passing of time is what is tested: a request every
            // 300 ms for 1.5 s, each well inside the 1 s idle timeout.
            for _ in 0..5 {
                let answer = raw.ask("HELP");
                assert!(
                    answer.starts_with("HELP "),
                    "timed out while talking: {answer}"
                );
                thread::sleep(Duration::from_millis(300));
            }
            assert!(raw.ask("HELP").starts_with("HELP "));
        });

        let mut silent = server.connect();
        let peer = silent.socket().local_addr().unwrap();
        let timeout = silent.line();
        assert!(is_error(&timeout, ErrorCode::Timeout), "{timeout}");
        assert!(timeout.starts_with("ERROR timeout "), "{timeout}");
        assert!(
            silent.is_closed(),
            "the server hangs up after ERROR timeout"
        );
        let log = server.wait_for(&format!("{peer} disconnected"));
        assert!(log.ends_with("closed by the server (timeout)"), "{log}");

        talkative
            .join()
            .expect("the talkative client was served throughout");
    });
}

#[test]
fn a_client_hung_up_on_cannot_keep_its_place_by_trickling_bytes() {
    for_each_guarded_lesson(|lesson| {
        let server = Server::start_with(lesson, &["--max-connections", "1"], &[]);
        let mut trickler = server.connect();
        let peer = trickler.socket().local_addr().unwrap();
        trickler.send("X".repeat(300));
        assert!(is_error(&trickler.line(), ErrorCode::LineTooLong));

        // After its last line the server reads on for a moment, so the client
        // can finish sending; a byte every 100 ms must not stretch that moment.
        let trickle = Trickle::start(&trickler, b"x");
        server.wait_for(&format!("{peer} disconnected"));
        admitted(&server); // the one place is free again
        trickle.stop();
    });
}

/// A thread sending the same few bytes on a connection every 100 ms, until
/// stopped, the server hangs up, or [`WAIT`] passes.
struct Trickle {
    stop: Arc<AtomicBool>,
    thread: thread::JoinHandle<()>,
}

impl Trickle {
    fn start(raw: &Raw, bytes: &'static [u8]) -> Trickle {
        let socket = raw.socket().try_clone().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let thread = thread::spawn(move || {
            let deadline = Instant::now() + WAIT;
            while !stopped.load(Ordering::SeqCst) && Instant::now() < deadline {
                if (&socket).write_all(bytes).is_err() {
                    return; // the server has gone
                }
                thread::sleep(Duration::from_millis(100));
            }
        });
        Trickle { stop, thread }
    }

    fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.join().unwrap();
    }
}

/// The lessons whose idle timeout ignores blank lines (they get no
/// response, so they are not activity). Lesson 03 still counts them; it
/// joins this list when it follows.
const BLANK_LINES_ARE_SILENCE: [&str; 1] = ["lesson-bonus-event-loop"];

#[test]
fn blank_lines_do_not_keep_a_connection_alive() {
    for lesson in BLANK_LINES_ARE_SILENCE {
        println!("--- checking {lesson}");
        let server = Server::start_with(lesson, &["--idle-timeout", "1"], &[]);
        let mut raw = server.connect();
        let blank_lines = Trickle::start(&raw, b"\n");
        let timeout = raw.line(); // within WAIT, or the test fails
        assert!(is_error(&timeout, ErrorCode::Timeout), "{timeout}");
        assert!(raw.is_closed(), "the server hangs up after ERROR timeout");
        blank_lines.stop();
    }
}

// ---------------------------------------------------------------------------
// A client that writes requests and never reads the responses.

#[test]
fn a_client_that_never_reads_does_not_hold_up_the_others() {
    for_each_guarded_lesson(|lesson| {
        // The default write timeout (10 s) keeps the flooder's thread stuck for
        // the whole test.
        let server = Server::start(lesson);
        let flooder = Flooder::start(server.addr());
        flooder.wait_until_stalled();

        // Every answer arrives within the harness's bound (`Raw::line`).
        let mut teacher = served(&server);
        assert!(teacher.ask("START 9").starts_with("STARTED 9 "));
        let students: Vec<Raw> = (0..3).map(|_| server.connect()).collect();
        for (n, mut student) in students.into_iter().enumerate() {
            let answer = student.ask(&format!("PRESENT s{n} 9"));
            assert!(answer.starts_with("PRESENCE 9 "), "{answer}");
        }
        assert!(teacher.ask("END 9").starts_with("ENDED 9 "));
        let still_there = format!("{} disconnected", flooder.addr());
        assert!(!server.log().iter().any(|line| line.contains(&still_there)));
        flooder.stop();
    });
}

#[test]
fn a_client_that_never_reads_is_dropped_after_the_write_timeout() {
    for_each_guarded_lesson(|lesson| {
        let server = Server::start_with(lesson, &["--write-timeout", "1"], &[]);
        let flooder = Flooder::start(server.addr());
        flooder.wait_until_stalled();
        server.wait_for(&format!("{} disconnected", flooder.addr()));
        // Everyone else is still served.
        served(&server);
        flooder.stop();
    });
}

// ---------------------------------------------------------------------------
// The teacher key.

/// The key the tests give the server; it must never show up in its log.
const KEY: &str = "s3cret";

/// A whole teacher-key session against a server that has [`KEY`], then a
/// check that the key never appears in anything the server printed.
fn the_key_guards_teacher_requests(server: Server) {
    let mut teacher = server.connect();
    for request in ["START 5", "END 5", "STATUS 5"] {
        let answer = teacher.ask(request);
        assert!(
            is_error(&answer, ErrorCode::Forbidden),
            "{request}: {answer}"
        );
    }
    // Students need no key (class 5 is not open, hence PRESENCE 0).
    assert!(teacher.ask("PRESENT s1 5").starts_with("PRESENCE 0 "));
    let wrong = teacher.ask("AUTH s3creT");
    assert!(is_error(&wrong, ErrorCode::Forbidden), "{wrong}");
    assert!(is_error(&teacher.ask("START 5"), ErrorCode::Forbidden));

    assert_eq!(teacher.ask(&format!("AUTH {KEY}")), "AUTHORIZED");
    assert!(teacher.ask("START 5").starts_with("STARTED 5 "));
    assert!(teacher.ask("PRESENT s1 5").starts_with("PRESENCE 5 "));
    assert!(teacher.ask("STATUS 5").ends_with(" 1 s1"));

    // Being a teacher belongs to the connection, not to the client.
    let mut next = server.connect();
    assert!(is_error(&next.ask("STATUS 5"), ErrorCode::Forbidden));
    assert!(next.ask("PRESENT s2 5").starts_with("PRESENCE 5 "));
    for raw in [teacher, next] {
        leave(&server, raw);
    }

    let log = finished_log(server);
    assert!(
        log.iter().any(|line| line.contains("teacher key")),
        "the log says a key is needed: {log:#?}"
    );
    let leaks: Vec<&String> = log.iter().filter(|line| line.contains(KEY)).collect();
    assert!(leaks.is_empty(), "the key is in the log: {leaks:#?}");
}

/// Everything the server printed, to its very end: a signal stops it, so
/// the shutdown report is checked too.
#[cfg(unix)]
fn finished_log(server: Server) -> Vec<String> {
    signal(server.pid(), "TERM");
    let (code, log) = server.wait_exit();
    assert_eq!(code, Some(0), "{log:#?}");
    log
}

/// Everything the server has printed so far (no signals to stop it here).
#[cfg(not(unix))]
fn finished_log(server: Server) -> Vec<String> {
    server.log()
}

#[test]
fn a_teacher_key_given_on_the_command_line_guards_teacher_requests() {
    for_each_guarded_lesson(|lesson| {
        let server = Server::start_with(lesson, &["--teacher-key", KEY], &[]);
        the_key_guards_teacher_requests(server);
    });
}

#[test]
fn a_teacher_key_given_in_the_environment_guards_teacher_requests() {
    for_each_guarded_lesson(|lesson| {
        let server = Server::start_with(lesson, &[], &[("CHAMADA_TEACHER_KEY", KEY)]);
        the_key_guards_teacher_requests(server);
    });
}

#[test]
fn without_a_teacher_key_any_auth_is_authorized() {
    for_each_guarded_lesson(|lesson| {
        let server = Server::start(lesson);
        let mut teacher = server.connect();
        assert!(teacher.ask("START 5").starts_with("STARTED 5 "));
        assert_eq!(teacher.ask("AUTH anything"), "AUTHORIZED");
        assert_eq!(teacher.ask(&format!("AUTH {KEY}")), "AUTHORIZED");
        assert!(teacher.ask("END 5").starts_with("ENDED 5 "));
    });
}

// ---------------------------------------------------------------------------
// Graceful shutdown by signal.

/// Sends `SIG<name>` to a process, as `kill -<name> <pid>` does.
#[cfg(unix)]
fn signal(pid: u32, name: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -{name} {pid} failed");
}

/// The lists the server printed after "still open at shutdown", by class.
fn printed_still_open(log: &[String]) -> BTreeMap<u32, BTreeSet<String>> {
    let report = log
        .iter()
        .position(|line| line.ends_with("still open at shutdown"))
        .unwrap_or_else(|| panic!("no shutdown report in {log:#?}"));
    shutdown::students_by_class(log[report + 1..].iter().map(|line| response(line)))
}

/// The server's grace period (`lesson_03_final::GRACE`): how long shutdown
/// lets open connections finish before it closes their sockets.
const GRACE: Duration = Duration::from_secs(1);

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_without_losing_an_answered_presence() {
    for_each_guarded_lesson(|lesson| {
        let server = Server::start(lesson);
        shutdown::check_no_answered_presence_is_lost(server.addr(), GRACE, || {
            signal(server.pid(), "TERM");
            let signalled = Instant::now();
            let (code, log) = server.wait_exit(); // bounded by WAIT
            let took = signalled.elapsed();
            assert_eq!(code, Some(0), "{log:#?}");
            assert!(log
                .iter()
                .any(|line| line == "2 roll calls still open at shutdown"));
            Stopped {
                took,
                still_open: printed_still_open(&log),
                report: log,
            }
        });
    });
}

#[cfg(unix)]
#[test]
fn sigint_is_the_same_graceful_shutdown() {
    for_each_guarded_lesson(|lesson| {
        let server = Server::start(lesson);
        let mut teacher = served(&server);
        assert!(teacher.ask("START 7").starts_with("STARTED 7 "));
        assert!(teacher.ask("PRESENT s1 7").starts_with("PRESENCE 7 "));

        signal(server.pid(), "INT");
        let signalled = Instant::now();
        let (code, log) = server.wait_exit();
        check_told_of_shutdown(&mut teacher, signalled.elapsed(), GRACE, &log);
        assert_eq!(code, Some(0), "{log:#?}");
        assert!(log
            .iter()
            .any(|line| line == "1 roll call still open at shutdown"));
        let still_open = printed_still_open(&log);
        assert_eq!(still_open[&7], BTreeSet::from(["s1".to_owned()]));
    });
}
