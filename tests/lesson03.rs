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
use harness::shutdown::{self, check_told_of_shutdown, Stopped, NOTICE_GRACE};
use harness::{
    is_error, response, run_client_with, Raw, Server, GUARDED_LESSONS, STOPPABLE_LESSONS, WAIT,
};

/// Runs `check` against each lesson that has these protections (lesson 03
/// from step 3 on, and the event loop), in turn.
fn for_each_guarded_lesson(check: impl Fn(&str)) {
    for_each_of(&GUARDED_LESSONS, check);
}

/// Runs `check` against each lesson that also stops gracefully (lesson 03
/// from step 4 on, and the event loop), in turn.
fn for_each_stoppable_lesson(check: impl Fn(&str)) {
    for_each_of(&STOPPABLE_LESSONS, check);
}

fn for_each_of(lessons: &[&str], check: impl Fn(&str)) {
    for lesson in lessons {
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

#[test]
fn a_client_that_asks_before_reading_is_told_busy_and_closed_without_a_reset() {
    for_each_guarded_lesson(|lesson| {
        let server = Server::start_with(lesson, &["--max-connections", "1"], &[]);
        let _holder = served(&server);
        for _ in 0..3 {
            // Like the student client: the request goes out before any read.
            let mut eager = server.connect();
            eager.send("PRESENT s1 1\n");
            let busy = eager.line();
            assert!(is_error(&busy, ErrorCode::Busy), "{busy}");
            // The server read our request before closing, so the connection
            // ends normally. A reset would lose the line on Windows.
            let mut rest = [0; 64];
            assert_eq!(
                eager.read_some(&mut rest),
                Some(0),
                "reset, not a normal end"
            );
            eager.close();
        }
    });
}

/// How many turned-away clients may wait at once for their lingering
/// close: lesson 03's `CLOSER_QUEUE`, which the event loop shares.
const TURNED_AWAY_LINGERING: usize = 64;

#[test]
fn past_a_cap_on_turned_away_clients_lingering_at_once_the_rest_are_closed_at_once() {
    for_each_guarded_lesson(|lesson| {
        let server = Server::start_with(lesson, &["--max-connections", "1"], &[]);
        let _holder = served(&server);
        // Each stays connected, so its lingering close lasts its full
        // half second; twice the cap come well within that.
        let crowd: Vec<Raw> = (0..2 * TURNED_AWAY_LINGERING)
            .map(|_| {
                let mut raw = server.connect();
                let busy = raw.line();
                assert!(is_error(&busy, ErrorCode::Busy), "{busy}");
                raw
            })
            .collect();
        server.wait_for("closed at once: too many clients turned away at the same time");
        drop(crowd);
    });
}

#[cfg(unix)]
#[test]
fn under_a_low_open_file_limit_the_clients_past_what_it_holds_are_told_busy() {
    for_each_guarded_lesson(|lesson| {
        // 100 descriptors, minus the server's spare ones, leaves 20 connections.
        let server = Server::start_with_file_limit(lesson, 100, &[]);
        let notice = server.wait_for("serving at most");
        let room: usize = notice
            .split("serving at most ")
            .nth(1)
            .and_then(|rest| rest.split(',').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no number in {notice:?}"));
        assert!((1..100).contains(&room), "{notice}");
        let held: Vec<Raw> = (0..room).map(|_| served(&server)).collect();
        for _ in 0..5 {
            let mut late = server.connect();
            let busy = late.line();
            assert!(is_error(&busy, ErrorCode::Busy), "{busy}");
        }
        drop(held);
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
        let socket = trickler.socket().try_clone().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let trickle = thread::spawn(move || {
            let deadline = Instant::now() + WAIT;
            while !stopped.load(Ordering::SeqCst) && Instant::now() < deadline {
                if (&socket).write_all(b"x").is_err() {
                    return; // the server has gone
                }
                thread::sleep(Duration::from_millis(100));
            }
        });
        server.wait_for(&format!("{peer} disconnected"));
        admitted(&server); // the one place is free again
        stop.store(true, Ordering::SeqCst);
        trickle.join().unwrap();
    });
}

/// Sends a blank line every 50 ms on `raw`'s socket, from a thread of its
/// own, until the server hangs up or [`WAIT`] has passed.
fn send_blank_lines(raw: &Raw) -> thread::JoinHandle<()> {
    let socket = raw.socket().try_clone().unwrap();
    thread::spawn(move || {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline && (&socket).write_all(b"\n").is_ok() {
            thread::sleep(Duration::from_millis(50));
        }
    })
}

/// Sends one byte of an endless request line every 50 ms on `raw`'s
/// socket, from a thread of its own, until the server hangs up or [`WAIT`]
/// has passed: 256 bytes, the line limit, take 12.8 s to trickle in.
fn trickle_bytes(raw: &Raw) -> thread::JoinHandle<()> {
    let socket = raw.socket().try_clone().unwrap();
    thread::spawn(move || {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline && (&socket).write_all(b"x").is_ok() {
            thread::sleep(Duration::from_millis(50));
        }
    })
}

#[test]
fn a_line_trickling_in_does_not_keep_a_connection_from_timing_out() {
    for_each_guarded_lesson(|lesson| {
        let server = Server::start_with(lesson, &["--idle-timeout", "1"], &[]);
        let mut trickler = served(&server);
        let sender = trickle_bytes(&trickler);
        // Bytes of an unfinished line are no request: the idle timeout
        // comes long before the line could grow to the limit.
        let timeout = trickler.line();
        assert!(is_error(&timeout, ErrorCode::Timeout), "{timeout}");
        trickler.close();
        sender.join().unwrap();
    });
}

#[test]
fn blank_lines_do_not_keep_a_connection_from_timing_out() {
    for_each_guarded_lesson(|lesson| {
        let server = Server::start_with(lesson, &["--idle-timeout", "1"], &[]);
        let mut blank = served(&server);
        let sender = send_blank_lines(&blank);
        // Blank lines get no response; the next line is the timeout.
        let timeout = blank.line();
        assert!(is_error(&timeout, ErrorCode::Timeout), "{timeout}");
        assert!(blank.is_closed());
        blank.close();
        sender.join().unwrap();
    });
}

// ---------------------------------------------------------------------------
// A client that writes requests and never reads the responses.

/// The bytes the server's socket for the connection from `client` holds,
/// unsent or unacknowledged: its send queue (`tx_queue` in Linux's
/// /proc/net/tcp, where an IPv4 address is written as the hex of its four
/// bytes read as a little-endian number, then the port).
#[cfg(target_os = "linux")]
fn server_send_queue(server: std::net::SocketAddr, client: std::net::SocketAddr) -> Option<usize> {
    let hex = |addr: std::net::SocketAddr| match addr {
        std::net::SocketAddr::V4(v4) => {
            format!(
                "{:08X}:{:04X}",
                u32::from_le_bytes(v4.ip().octets()),
                v4.port()
            )
        }
        std::net::SocketAddr::V6(_) => unreachable!("the tests listen on 127.0.0.1"),
    };
    let (local, remote) = (hex(server), hex(client));
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.get(1) != Some(&local.as_str()) || fields.get(2) != Some(&remote.as_str()) {
            return None;
        }
        let tx_queue = fields.get(4)?.split(':').next()?;
        usize::from_str_radix(tx_queue, 16).ok()
    })
}

/// A client that asks for long responses and never reads them fills the
/// buffers between it and the server. The server's own send buffer is
/// capped (lesson 03's `SEND_BUFFER`, 64 KiB, which Linux doubles): left to
/// the system it grows to megabytes per connection, and a crowd of such
/// clients would cost the machine gigabytes.
#[cfg(target_os = "linux")]
#[test]
fn a_client_that_never_reads_holds_little_of_the_servers_memory() {
    for_each_guarded_lesson(|lesson| {
        let server = Server::start(lesson);
        fill_class(&server, 1, 2000); // a STATUS line of about 66 KB
        let socket =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        socket.connect(&server.addr().into()).unwrap();
        let stream: std::net::TcpStream = socket.into();
        let client = stream.local_addr().unwrap();
        // 200 requests for 13 MB of answers, written by a thread of its
        // own: the server stops reading them once it is stuck writing.
        let writer = thread::spawn(move || {
            let _ = (&stream).write_all("STATUS 1\n".repeat(200).as_bytes());
            stream
        });
        // Wait until the queue stops growing: the server is stuck.
        let deadline = Instant::now() + WAIT;
        let mut last = (0, Instant::now());
        while last.1.elapsed() < Duration::from_secs(1) {
            assert!(Instant::now() < deadline, "the send queue never settled");
            let queued = server_send_queue(server.addr(), client).unwrap_or(0);
            if queued != last.0 {
                last = (queued, Instant::now());
            }
            thread::sleep(Duration::from_millis(50));
        }
        assert!(
            last.0 > 0,
            "the server sent nothing: the test measured nothing"
        );
        assert!(
            last.0 <= 512 * 1024,
            "{} bytes wait in the server's send buffer for one client that never reads",
            last.0
        );
        drop(writer);
    });
}

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

/// Opens class `class` and records `students` students in it, each with a
/// 32-character id, as fast as the server takes them: requests are written
/// on one thread while the answers are read on another.
fn fill_class(server: &Server, class: u32, students: usize) {
    let mut teacher = served(server);
    assert!(teacher
        .ask(&format!("START {class}"))
        .starts_with("STARTED "));
    let socket = teacher.socket().try_clone().unwrap();
    let writer = thread::spawn(move || {
        let mut requests = Vec::new();
        for n in 0..students {
            requests.extend(format!("PRESENT {n:0>32} {class}\n").bytes());
        }
        (&socket).write_all(&requests).unwrap();
    });
    for _ in 0..students {
        let answer = teacher.line();
        assert!(
            answer.starts_with(&format!("PRESENCE {class} ")),
            "{answer}"
        );
    }
    writer.join().unwrap();
}

#[test]
fn a_client_reading_a_large_status_slowly_is_cut_after_the_write_timeout() {
    for_each_guarded_lesson(|lesson| {
        let students = 150_000;
        let room = students.to_string();
        let options = ["--write-timeout", "1", "--max-students", &room];
        let server = Server::start_with(lesson, &options, &[]);
        fill_class(&server, 44, students);
        // The STATUS line lists every id: about 5 MB, more than the system
        // buffers between server and client take (Linux lets a send buffer
        // grow to 4 MiB).
        let status_len = students * 33;

        // A client with a small receive buffer (so the system cannot take the
        // whole response on its behalf) that reads 2 KiB every 100 ms: at that
        // pace the response would take over 30 s, longer than WAIT.
        let mut slow = Raw::connect_with_receive_buffer(server.addr(), 4096);
        let peer = slow.socket().local_addr().unwrap();
        slow.send("STATUS 44\n");
        let reader = thread::spawn(move || {
            let started = Instant::now();
            let mut received = 0;
            let mut chunk = [0; 2048];
            while started.elapsed() < WAIT {
                match slow.read_some(&mut chunk) {
                    Some(0) | None => return received, // the server hung up
                    Some(n) => received += n,
                }
                thread::sleep(Duration::from_millis(100));
            }
            panic!("still connected after {WAIT:?}, {received} bytes read");
        });

        // Meanwhile everyone else is served.
        served(&server);
        let received = reader.join().expect("the slow reader is cut off");
        assert!(received < status_len, "read all {received} bytes");
        let log = server.wait_for(&format!("{peer} disconnected"));
        assert!(log.contains("write timeout"), "{log}");
        served(&server);
    });
}

// ---------------------------------------------------------------------------
// The teacher key.

/// The key the tests give the server; it must never show up in its log.
const KEY: &str = "s3cret-key";

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
    let wrong = teacher.ask("AUTH s3cret-keY");
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
/// the shutdown report is checked too (a lesson that has no graceful
/// shutdown yet, step 3, is simply stopped).
#[cfg(unix)]
fn finished_log(server: Server) -> Vec<String> {
    if !STOPPABLE_LESSONS.contains(&server.lesson()) {
        return server.kill();
    }
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

/// Every `AUTH` replaces the verdict of the one before: a wrong key after
/// the right one takes the authorization back (PROTOCOL.md says so).
#[test]
fn a_wrong_auth_after_a_right_one_takes_the_authorization_back() {
    for_each_guarded_lesson(|lesson| {
        let server = Server::start_with(lesson, &["--teacher-key", KEY], &[]);
        let mut teacher = server.connect();
        assert_eq!(teacher.ask(&format!("AUTH {KEY}")), "AUTHORIZED");
        assert!(teacher.ask("START 6").starts_with("STARTED 6 "));
        let wrong = teacher.ask("AUTH not-the-key");
        assert!(is_error(&wrong, ErrorCode::Forbidden), "{wrong}");
        let after = teacher.ask("STATUS 6");
        assert!(is_error(&after, ErrorCode::Forbidden), "{after}");
        // The right key, sent again, authorizes again.
        assert_eq!(teacher.ask(&format!("AUTH {KEY}")), "AUTHORIZED");
        // A key that is not even valid is refused as a bad request, and
        // takes the authorization back too.
        let malformed = teacher.ask(&format!("AUTH {KEY}ção"));
        assert!(is_error(&malformed, ErrorCode::BadRequest), "{malformed}");
        let after = teacher.ask("STATUS 6");
        assert!(is_error(&after, ErrorCode::Forbidden), "{after}");
    });
}

/// Guessing costs a connection every three tries, and every wrong try is
/// logged with the client's address, never with what it sent.
#[test]
fn after_three_wrong_keys_the_server_hangs_up_and_logs_each_try() {
    for_each_guarded_lesson(|lesson| {
        let server = Server::start_with(lesson, &["--teacher-key", KEY], &[]);
        let mut guesser = served(&server);
        let peer = guesser.socket().local_addr().unwrap();
        let wrong = guesser.ask("AUTH guess-one");
        assert!(is_error(&wrong, ErrorCode::Forbidden), "{wrong}");
        // A key that is not even valid counts as a wrong one.
        let malformed = guesser.ask("AUTH guess-twoção");
        assert!(is_error(&malformed, ErrorCode::BadRequest), "{malformed}");
        // Still served between tries.
        assert!(guesser.ask("PRESENT s1 5").starts_with("PRESENCE 0 "));
        let last = guesser.ask("AUTH guess-three");
        assert!(is_error(&last, ErrorCode::Forbidden), "{last}");
        assert!(guesser.is_closed(), "still open after three wrong keys");
        server.wait_for(&format!("{peer} disconnected"));
        // Trouble goes to standard error, written by a thread of its own.
        let tries: Vec<String> = (1..=3)
            .map(|n| format!("{peer}: wrong teacher key ({n} of 3 tries)"))
            .collect();
        let deadline = Instant::now() + WAIT;
        while !tries.iter().all(|line| server.errors().contains(line)) {
            assert!(
                Instant::now() < deadline,
                "not logged: {:#?}",
                server.errors()
            );
            thread::sleep(Duration::from_millis(20));
        }
        // A new connection has its three tries again.
        let mut next = server.connect();
        assert!(is_error(&next.ask("AUTH guess-four"), ErrorCode::Forbidden));
        assert_eq!(next.ask(&format!("AUTH {KEY}")), "AUTHORIZED");
        leave(&server, next);
        let log = finished_log(server);
        assert!(log.iter().all(|line| !line.contains("guess-")), "{log:#?}");
    });
}

/// Keys a server refuses as its own: three that break the protocol's rule
/// (a space, too long, not ASCII), each holding [`KEY`] so that a leak of
/// even part of one is easy to spot, and one that is valid but too short
/// to protect anything (7 characters).
fn malformed_keys() -> [String; 4] {
    [
        format!("{KEY} with a space"),
        KEY.repeat(11),
        format!("{KEY}ção"),
        KEY[..7].to_owned(),
    ]
}

#[test]
fn a_malformed_key_is_refused_by_name_and_rule_without_being_shown() {
    for_each_guarded_lesson(|lesson| {
        for key in malformed_keys() {
            let on_command_line = ["--teacher-key", key.as_str()];
            let in_environment = [("CHAMADA_TEACHER_KEY", key.as_str())];
            for (options, env) in [(&on_command_line[..], &[][..]), (&[], &in_environment)] {
                // If the key were taken, the server would run: on a free port,
                // and only until the harness's wait runs out.
                let options = [&["--bind", "127.0.0.1:0"], options].concat();
                let run = run_client_with(lesson, &options, &[], "", env);
                assert_eq!(run.code, Some(2), "{run:#?}");
                assert_eq!(run.stdout, "", "{run:#?}");
                for what in ["'--teacher-key <KEY>'", "CHAMADA_TEACHER_KEY", "8 to 64"] {
                    assert!(run.stderr.contains(what), "no {what}: {run:#?}");
                }
                assert!(!run.stderr.contains("panicked"), "{run:#?}");
                assert!(!run.stderr.contains(&KEY[..7]), "the key leaked: {run:#?}");
            }
        }
    });
}

#[test]
fn a_key_may_start_with_a_dash_and_is_still_never_shown() {
    for_each_guarded_lesson(|lesson| {
        // clap would read `-s3cret-key` as an unknown option and quote it.
        let key = format!("-{KEY}");
        let server = Server::start_with(lesson, &["--teacher-key", &key], &[]);
        let mut teacher = server.connect();
        assert!(is_error(&teacher.ask("START 5"), ErrorCode::Forbidden));
        assert_eq!(teacher.ask(&format!("AUTH {key}")), "AUTHORIZED");
        assert!(teacher.ask("START 5").starts_with("STARTED 5 "));
        leave(&server, teacher);
        let log = finished_log(server);
        assert!(log.iter().all(|line| !line.contains(KEY)), "{log:#?}");
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

/// Starts `lesson` with a grace period in which every connection has time
/// to hear the shutdown notice.
fn start_to_be_stopped(lesson: &str) -> Server {
    let grace = NOTICE_GRACE.as_secs().to_string();
    Server::start_with(lesson, &["--shutdown-grace", &grace], &[])
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_without_losing_an_answered_presence() {
    for_each_stoppable_lesson(|lesson| {
        let server = start_to_be_stopped(lesson);
        shutdown::check_no_answered_presence_is_lost(server.addr(), || {
            signal(server.pid(), "TERM");
            let (code, log) = server.wait_exit(); // bounded by WAIT
            assert_eq!(code, Some(0), "{log:#?}");
            assert!(log
                .iter()
                .any(|line| line == "2 roll calls still open at shutdown"));
            Stopped {
                still_open: printed_still_open(&log),
                report: log,
            }
        });
    });
}

#[cfg(unix)]
#[test]
fn a_client_sending_blank_lines_still_hears_the_shutdown_notice() {
    for_each_stoppable_lesson(|lesson| {
        let server = start_to_be_stopped(lesson);
        let mut blank = served(&server);
        let sender = send_blank_lines(&blank);
        signal(server.pid(), "TERM");
        let (code, log) = server.wait_exit();
        check_told_of_shutdown(&mut blank, &log);
        assert_eq!(code, Some(0), "{log:#?}");
        sender.join().unwrap();
    });
}

#[cfg(unix)]
#[test]
fn a_client_trickling_a_line_still_hears_the_shutdown_notice() {
    for_each_stoppable_lesson(|lesson| {
        let server = start_to_be_stopped(lesson);
        let mut trickler = served(&server);
        let sender = trickle_bytes(&trickler);
        signal(server.pid(), "TERM");
        let (code, log) = server.wait_exit();
        assert_eq!(code, Some(0), "{log:#?}");
        check_told_of_shutdown(&mut trickler, &log);
        trickler.close();
        sender.join().unwrap();
    });
}

#[cfg(unix)]
#[test]
fn sigint_is_the_same_graceful_shutdown() {
    for_each_stoppable_lesson(|lesson| {
        let server = start_to_be_stopped(lesson);
        let mut teacher = served(&server);
        assert!(teacher.ask("START 7").starts_with("STARTED 7 "));
        assert!(teacher.ask("PRESENT s1 7").starts_with("PRESENCE 7 "));

        signal(server.pid(), "INT");
        let (code, log) = server.wait_exit();
        check_told_of_shutdown(&mut teacher, &log);
        assert_eq!(code, Some(0), "{log:#?}");
        assert!(log
            .iter()
            .any(|line| line == "1 roll call still open at shutdown"));
        let still_open = printed_still_open(&log);
        assert_eq!(still_open[&7], BTreeSet::from(["s1".to_owned()]));
    });
}

// ---------------------------------------------------------------------------
// Logging never stalls or crashes serving.

/// What becomes of the server's standard output after its first line.
#[cfg(unix)]
enum Stdout {
    /// Kept open and never read again: the pipe fills up.
    Unread,
    /// Closed: every later write finds a broken pipe.
    Closed,
}

/// Runs `lesson` with its standard output treated as `stdout` says, serves
/// 1,500 connections (about 150 KB of log, more than a pipe holds), stops
/// it, and checks that the open roll call reached standard error.
#[cfg(unix)]
fn serve_with_stdout(lesson: &str, stdout: Stdout) {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};
    use wait_timeout::ChildExt;

    let mut child = Command::new(harness::binary(lesson))
        .args(["--bind", "127.0.0.1:0"])
        .args(harness::in_memory_unless_told(lesson, &[]))
        .env_remove("CHAMADA_TEACHER_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let addr: std::net::SocketAddr = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .parse()
        .unwrap();
    let kept = match stdout {
        Stdout::Unread => Some(out),
        Stdout::Closed => None, // dropped here: the pipe's reader is gone
    };
    let mut errors = child.stderr.take().unwrap();
    let errors = thread::spawn(move || {
        let mut text = String::new();
        let _ = errors.read_to_string(&mut text);
        text
    });

    let mut teacher = Raw::connect(addr);
    assert!(teacher.ask("START 9").starts_with("STARTED 9 "));
    for n in 0..1_500 {
        let mut student = Raw::connect(addr);
        let answer = student.ask(&format!("PRESENT s{n} 9"));
        assert!(answer.starts_with("PRESENCE 9 "), "student {n}: {answer}");
        student.close();
    }
    teacher.close();

    signal(child.id(), "TERM");
    let status = child.wait_timeout(WAIT).unwrap();
    let status = status.unwrap_or_else(|| {
        let _ = child.kill();
        panic!("the server did not exit")
    });
    assert_eq!(status.code(), Some(0));
    let errors = errors.join().unwrap();
    assert!(errors.contains("could not be written"), "{errors}");
    let still_open = errors.lines().find(|line| line.starts_with("STATUS 9 "));
    let still_open = still_open.unwrap_or_else(|| panic!("no list on stderr: {errors}"));
    assert!(still_open.contains(" 1500 s0 s1 "), "{still_open}");
    drop(kept);
}

#[cfg(unix)]
#[test]
fn a_standard_output_nobody_reads_never_stalls_serving() {
    for_each_stoppable_lesson(|lesson| {
        serve_with_stdout(lesson, Stdout::Unread);
    });
}

#[cfg(unix)]
#[test]
fn a_standard_output_whose_reader_left_never_crashes_serving() {
    for_each_stoppable_lesson(|lesson| {
        serve_with_stdout(lesson, Stdout::Closed);
    });
}
