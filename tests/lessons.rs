//! # What each lesson is about, shown by its server
//!
//! `protocol.rs` checks that every lesson answers the same way. This file
//! checks what makes each lesson different:
//!
//! - lesson 01 serves one client at a time: a second client is answered
//!   only once the first one leaves;
//! - lessons 02 and 03 serve everyone at once, and sharing the state
//!   between connections loses nothing: two teachers keep their classes
//!   apart, sixteen students answering together are all recorded once, and
//!   a misbehaving client does not disturb a connection in progress.
//!
//! Waits are on events (a response, a closed socket), never on fixed sleeps;
//! the one "nothing happens" check is bounded by a short read timeout.

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use chamada::connection::is_timeout;
use harness::{for_each_lesson, reading, Raw, Server, CONCURRENT_LESSONS, WAIT};

/// Whether any response arrives on `raw` within `patience`, without taking
/// it: `peek` leaves the bytes for the next `line()`.
fn answers_within(raw: &Raw, patience: Duration) -> bool {
    let socket = raw.socket();
    socket.set_read_timeout(Some(patience)).unwrap();
    let answered = match socket.peek(&mut [0; 1]) {
        Ok(_) => true, // a response, or the server hanging up: either is an answer
        Err(error) if is_timeout(&error) => false,
        Err(error) => panic!("the connection failed: {error}"),
    };
    socket.set_read_timeout(Some(WAIT)).unwrap();
    answered
}

/// The parts of an `ENDED <class> <time> <count> <students...>` line.
fn ended_list(line: &str, class: u32) -> (usize, Vec<String>) {
    let words: Vec<&str> = line.split(' ').collect();
    assert!(
        words.len() >= 4 && words[0] == "ENDED" && words[1] == class.to_string(),
        "not an ENDED line for class {class}: {line:?}"
    );
    let count = words[3].parse().expect("the count is a number");
    (count, words[4..].iter().map(|s| s.to_string()).collect())
}

// ---------------------------------------------------------------------------
// Lesson 01: one client at a time
// ---------------------------------------------------------------------------

/// Long enough that a server which could answer would have (it answers in
/// well under a millisecond); short enough to keep the suite fast.
const NO_ANSWER_YET: Duration = Duration::from_millis(300);

#[test]
fn lesson_01_answers_a_second_client_only_once_the_first_leaves() {
    let server = Server::start("lesson-01-blocking");
    let mut first = server.connect();
    assert_eq!(first.ask("START 1"), format!("STARTED 1 {}", reading(0)));

    // The system completes the second client's connection (it waits in
    // the listen backlog), so it can send; but nobody reads it yet.
    let mut second = server.connect();
    second.send("PRESENT waiting 1\n");
    assert!(
        !answers_within(&second, NO_ANSWER_YET),
        "lesson 01 answered a second client while the first was connected"
    );

    // The first client is served as usual meanwhile.
    assert_eq!(
        first.ask("PRESENT first 1"),
        format!("PRESENCE 1 {}", reading(1))
    );
    first.close();

    // As soon as the first leaves, the waiting request is read and answered,
    // against the same state the first client changed.
    assert_eq!(second.line(), format!("PRESENCE 1 {}", reading(2)));
    assert_eq!(
        second.ask("END 1"),
        format!("ENDED 1 {} 2 first waiting", reading(3))
    );

    // The log tells the same story: the second connection was accepted
    // only after the first one was over.
    let second_peer = second.socket().local_addr().unwrap().to_string();
    // The server printed it before answering, but our copy of its output
    // is read on another thread: wait for the line to reach us.
    server.wait_for(&format!("{second_peer} connected"));
    let log = server.log();
    let position = |text: &str| {
        log.iter()
            .position(|line| line.contains(text))
            .unwrap_or_else(|| panic!("no log line has {text:?}: {log:#?}"))
    };
    assert!(
        position(" disconnected after 2 requests") < position(&format!("{second_peer} connected")),
        "{log:#?}"
    );
}

// ---------------------------------------------------------------------------
// Lessons 02 and 03: everyone at once, nothing lost
// ---------------------------------------------------------------------------

#[test]
fn two_teachers_on_two_connections_keep_their_classes_apart() {
    for_each_lesson(&CONCURRENT_LESSONS, |server| {
        // All three connections are open at the same time.
        let mut ana = server.connect();
        let mut bruno = server.connect();
        let mut students = server.connect();

        assert_eq!(ana.ask("START 31"), format!("STARTED 31 {}", reading(0)));
        assert_eq!(bruno.ask("START 32"), format!("STARTED 32 {}", reading(1)));
        assert_eq!(
            students.ask("PRESENT a1 31"),
            format!("PRESENCE 31 {}", reading(2))
        );
        assert_eq!(
            students.ask("PRESENT b2 32"),
            format!("PRESENCE 32 {}", reading(3))
        );
        assert_eq!(
            students.ask("PRESENT c3 31"),
            format!("PRESENCE 31 {}", reading(4))
        );

        // Both teachers see one set of roll calls: 31 is open for Bruno too.
        assert_eq!(
            bruno.ask("START 31"),
            "ERROR already-open class 31 already has an open roll call"
        );

        // Ending Bruno's class lists his students only...
        assert_eq!(bruno.ask("END 32"), format!("ENDED 32 {} 1 b2", reading(5)));
        // ...and leaves Ana's exactly as it was.
        assert_eq!(
            ana.ask("STATUS 31"),
            format!("STATUS 31 {} 2 a1 c3", reading(0))
        );
        assert_eq!(
            students.ask("PRESENT d4 32"),
            format!("PRESENCE 0 {}", reading(6))
        );
        assert_eq!(
            students.ask("PRESENT d4 31"),
            format!("PRESENCE 31 {}", reading(7))
        );
        assert_eq!(
            ana.ask("END 31"),
            format!("ENDED 31 {} 3 a1 c3 d4", reading(8))
        );
    });
}

/// How many student connections answer at the same moment.
const STUDENTS: usize = 16;
/// How many times each student answers each class (repeats included).
const ROUNDS: usize = 3;

/// One student's connection: waits for everyone to be ready, then answers
/// both classes `ROUNDS` times. Returns the first time recorded in each class.
fn answer_together(mut raw: Raw, student: String, start: &Barrier) -> [String; 2] {
    start.wait();
    let mut first: [Option<String>; 2] = [None, None];
    for _ in 0..ROUNDS {
        for (slot, class) in [41, 42].into_iter().enumerate() {
            let response = raw.ask(&format!("PRESENT {student} {class}"));
            let time = response
                .strip_prefix(&format!("PRESENCE {class} "))
                .unwrap_or_else(|| panic!("{student} in {class} got {response:?}"))
                .to_owned();
            // A repeat gets the time of the first answer.
            let first_time = first[slot].get_or_insert_with(|| time.clone());
            assert_eq!(*first_time, time, "{student} in {class}");
        }
    }
    first.map(|time| time.expect("at least one round"))
}

#[test]
fn sixteen_students_answering_at_once_lose_no_presence() {
    for_each_lesson(&CONCURRENT_LESSONS, |server| {
        let mut teacher = server.connect();
        teacher.ask("START 41");
        teacher.ask("START 42");

        let start = Arc::new(Barrier::new(STUDENTS));
        let students: Vec<_> = (0..STUDENTS)
            .map(|n| {
                // Connected before the barrier, so they really do start together.
                let raw = server.connect();
                let student = format!("s{n:02}");
                let start = Arc::clone(&start);
                thread::spawn(move || {
                    let first = answer_together(raw, student.clone(), &start);
                    (student, first)
                })
            })
            .collect();
        let first_times: Vec<(String, [String; 2])> = students
            .into_iter()
            .map(|thread| thread.join().expect("a student thread failed"))
            .collect();

        for (slot, class) in [41u32, 42].into_iter().enumerate() {
            let (count, listed) = ended_list(&teacher.ask(&format!("END {class}")), class);
            assert_eq!(count, STUDENTS, "class {class}");
            assert_eq!(listed.len(), STUDENTS, "class {class}: {listed:?}");
            let unique: BTreeSet<&String> = listed.iter().collect();
            assert_eq!(
                unique.len(),
                STUDENTS,
                "someone is listed twice: {listed:?}"
            );

            // The list is in answer order: sorted by the time each student
            // was recorded (the scripted clock gives each its own second).
            let mut by_time: Vec<(&String, &String)> = first_times
                .iter()
                .map(|(student, times)| (&times[slot], student))
                .collect();
            by_time.sort();
            let in_answer_order: Vec<&String> = by_time.iter().map(|(_, s)| *s).collect();
            assert_eq!(
                listed.iter().collect::<Vec<_>>(),
                in_answer_order,
                "class {class}"
            );
        }
    });
}

#[test]
fn misbehaving_clients_do_not_disturb_a_connection_in_progress() {
    for_each_lesson(&CONCURRENT_LESSONS, |server| {
        let mut teacher = server.connect();
        let mut student = server.connect();
        teacher.ask("START 51");
        assert_eq!(
            student.ask("PRESENT a1 51"),
            format!("PRESENCE 51 {}", reading(1))
        );
        // The teacher is in the middle of a request when the others misbehave.
        teacher.send("STAT");

        // One leaves in the middle of a line.
        let mut quitter = server.connect();
        quitter.send("END 5");
        quitter.close();

        // One sends garbage: bytes that are not text, a request of responses'
        // verbs, and finally a line past the limit, which gets it hung up on.
        let mut vandal = server.connect();
        vandal.send(b"\x00\xff\xfe\n\x1b[2J\nENDED 51 x 0\n");
        vandal.send(vec![b'z'; 1000]);
        for _ in 0..3 {
            let response = vandal.line();
            assert!(response.starts_with("ERROR bad-request "), "{response:?}");
        }
        assert!(vandal.line().starts_with("ERROR line-too-long "));
        assert!(vandal.is_closed());

        // One floods a megabyte without a newline and never reads a word.
        let mut flooder = server.connect();
        let mut flood = flooder.socket().try_clone().unwrap();
        // Bounded, in case a broken server neither reads nor hangs up.
        flood.set_write_timeout(Some(WAIT)).unwrap();
        let writer = thread::spawn(move || {
            let _ = flood.write_all(&vec![b'x'; 1 << 20]);
        });
        assert!(flooder.line().starts_with("ERROR line-too-long "));
        assert!(flooder.is_closed());
        writer.join().unwrap();

        // The teacher's half request finishes as if nothing had happened,
        // and the student's connection still works.
        teacher.send("US 51\n");
        assert_eq!(teacher.line(), format!("STATUS 51 {} 1 a1", reading(0)));
        assert_eq!(
            student.ask("PRESENT b2 51"),
            format!("PRESENCE 51 {}", reading(2))
        );
        assert_eq!(
            teacher.ask("END 51"),
            format!("ENDED 51 {} 2 a1 b2", reading(3))
        );
    });
}

// ---------------------------------------------------------------------------
// Out of file descriptors.

#[cfg(unix)]
#[test]
fn out_of_file_descriptors_lesson_02_waits_instead_of_spinning() {
    // 32 descriptors: once about 28 clients are connected, every `accept`
    // fails ("Too many open files") until one of them leaves.
    let server = Server::start_with_file_limit("lesson-02-threads", 32, &[]);
    let clients: Vec<Raw> = (0..40).map(|_| server.connect()).collect();
    // The passing of time is what is tested here: for one second, a server
    // that backs off logs a handful of failures; one that spins, thousands.
    thread::sleep(Duration::from_secs(1));
    let failures = server
        .errors()
        .iter()
        .filter(|line| line.contains("accept failed"))
        .count();
    assert!(failures > 0, "the limit was never reached");
    assert!(
        failures < 50,
        "{failures} accept failures in about a second"
    );
    drop(clients);
}

/// Every server's `--help` speaks the reader's language: Portuguese under a
/// Portuguese locale, English otherwise (the option names stay as they are).
#[test]
fn every_servers_help_is_in_the_readers_language() {
    for lesson in harness::LESSONS {
        let portuguese = harness::run_client_with(
            lesson,
            &[],
            &["--help"],
            "",
            &[("LC_ALL", harness::PORTUGUESE)],
        );
        assert_eq!(portuguese.code, Some(0), "{portuguese:#?}");
        for words in ["Uso: ", "Opções:", "--bind <ENDEREÇO>", "Mostra esta ajuda"] {
            assert!(
                portuguese.stdout.contains(words),
                "{lesson}: no {words:?} in {portuguese:#?}"
            );
        }
        let english = harness::run_client_with(lesson, &[], &["--help"], "", &[]);
        for words in ["Usage: ", "Options:", "--bind <ADDR>", "Print help"] {
            assert!(
                english.stdout.contains(words),
                "{lesson}: no {words:?} in {english:#?}"
            );
        }
    }
}
