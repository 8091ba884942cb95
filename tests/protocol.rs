//! # Conformance: every lesson's server speaks PROTOCOL.md
//!
//! Each test here talks to a real server process over a raw TCP socket,
//! the way `nc` would, and runs once per lesson in [`LESSONS`]: the lessons
//! differ in how they are built, never in what they answer. Every row of
//! the request/response table and every error the three lessons share has
//! a test, as do the framing rules (line endings, white space, the line
//! limit, pipelining, requests split across writes) and the promise that
//! nothing a client does can break the server for anyone else.
//!
//! Lesson 01 serves one connection at a time, so every test uses one
//! connection at a time and closes it before opening the next.
//!
//! The servers run on the harness's scripted clock: the first time a server
//! stamps is `2026-11-24T10:15:00-03:00`, and each later stamp is 3 s on
//! ([`harness::reading`]), so most responses can be compared whole.

use std::io::Write;
use std::thread;
use std::time::{Duration, Instant};

use chamada::connection::is_timeout;
use chamada::protocol::HELP_TEXT;
use harness::flood::STALL;
use harness::{for_each_lesson, reading, Raw, LESSONS, WAIT};

/// Asks `request` and checks the answer is `ERROR <code> ...`.
fn assert_error(raw: &mut Raw, request: &str, code: &str) {
    let response = raw.ask(request);
    let prefix = format!("ERROR {code} ");
    assert!(
        response.starts_with(&prefix) && response.len() > prefix.len(),
        "{request:?} should get `ERROR {code} <message>`, got {response:?}"
    );
}

/// Proves the connection is still open and in step: `HELP` gets `HELP`.
fn assert_still_answers(raw: &mut Raw) {
    assert_eq!(raw.ask("HELP"), format!("HELP {HELP_TEXT}"));
}

// ---------------------------------------------------------------------------
// The request/response table
// ---------------------------------------------------------------------------

#[test]
fn start_opens_a_roll_call_and_a_second_start_is_refused() {
    for_each_lesson(&LESSONS, |server| {
        let mut teacher = server.connect();
        assert_eq!(
            teacher.ask("START 42"),
            format!("STARTED 42 {}", reading(0))
        );
        assert_eq!(
            teacher.ask("START 42"),
            "ERROR already-open class 42 already has an open roll call"
        );
        // Another class is independent of the open one.
        assert_eq!(
            teacher.ask("START 43"),
            format!("STARTED 43 {}", reading(1))
        );
        // The refusal changed nothing: 42 is still open, with its first time.
        assert_eq!(
            teacher.ask("STATUS 42"),
            format!("STATUS 42 {} 0", reading(0))
        );
    });
}

#[test]
fn end_lists_the_students_in_answer_order_with_their_count() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        assert_eq!(raw.ask("START 1"), format!("STARTED 1 {}", reading(0)));
        // Not alphabetical, and two ids that differ only by a leading zero.
        for (n, student) in (1..).zip(["z9", "a1", "042191010", "42191010", "Mx"]) {
            let line = format!("PRESENT {student} 1");
            assert_eq!(raw.ask(&line), format!("PRESENCE 1 {}", reading(n)));
        }
        assert_eq!(
            raw.ask("END 1"),
            format!("ENDED 1 {} 5 z9 a1 042191010 42191010 Mx", reading(6))
        );
    });
}

#[test]
fn end_of_an_empty_roll_call_has_count_zero() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        raw.ask("START 2");
        assert_eq!(raw.ask("END 2"), format!("ENDED 2 {} 0", reading(1)));
    });
}

#[test]
fn end_of_a_class_that_is_not_open_is_refused() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        // Never started.
        assert_eq!(
            raw.ask("END 9"),
            "ERROR not-open class 9 has no open roll call"
        );
        // Already ended.
        raw.ask("START 9");
        raw.ask("END 9");
        assert_eq!(
            raw.ask("END 9"),
            "ERROR not-open class 9 has no open roll call"
        );
    });
}

#[test]
fn status_shows_the_list_so_far_without_closing() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        raw.ask("START 5");
        let started = reading(0);
        assert_eq!(raw.ask("STATUS 5"), format!("STATUS 5 {started} 0"));
        raw.ask("PRESENT b2 5");
        raw.ask("PRESENT a1 5");
        assert_eq!(raw.ask("STATUS 5"), format!("STATUS 5 {started} 2 b2 a1"));
        // STATUS closed nothing: more answers are recorded, and END lists all.
        assert_eq!(
            raw.ask("PRESENT c3 5"),
            format!("PRESENCE 5 {}", reading(3))
        );
        assert_eq!(
            raw.ask("END 5"),
            format!("ENDED 5 {} 3 b2 a1 c3", reading(4))
        );
    });
}

#[test]
fn status_of_a_class_that_is_not_open_is_refused() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        assert_eq!(
            raw.ask("STATUS 6"),
            "ERROR not-open class 6 has no open roll call"
        );
        raw.ask("START 6");
        raw.ask("END 6");
        assert_eq!(
            raw.ask("STATUS 6"),
            "ERROR not-open class 6 has no open roll call"
        );
    });
}

#[test]
fn a_second_presence_gets_the_first_time_and_is_listed_once() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        raw.ask("START 3");
        let first = raw.ask("PRESENT a1 3");
        assert_eq!(first, format!("PRESENCE 3 {}", reading(1)));
        raw.ask("PRESENT b2 3");
        assert_eq!(raw.ask("PRESENT a1 3"), first);
        assert_eq!(raw.ask("PRESENT a1 3"), first);
        // Whether the repeats read the clock is the server's business, so
        // the END time is not predicted, only its list.
        let ended = raw.ask("END 3");
        assert!(
            ended.starts_with("ENDED 3 ") && ended.ends_with(" 2 a1 b2"),
            "{ended:?}"
        );
    });
}

#[test]
fn presence_in_a_class_with_no_open_roll_call_is_refused_with_class_zero() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        // Never started.
        assert_eq!(
            raw.ask("PRESENT a1 7"),
            format!("PRESENCE 0 {}", reading(0))
        );
        // Started, then ended.
        raw.ask("START 7");
        raw.ask("END 7");
        assert_eq!(
            raw.ask("PRESENT a1 7"),
            format!("PRESENCE 0 {}", reading(3))
        );
        // A refusal records nothing: the next roll call of 7 starts empty.
        raw.ask("START 7");
        assert_eq!(raw.ask("STATUS 7"), format!("STATUS 7 {} 0", reading(4)));
    });
}

#[test]
fn end_forgets_the_list_so_a_new_start_begins_empty() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        raw.ask("START 8");
        raw.ask("PRESENT a1 8");
        raw.ask("PRESENT b2 8");
        raw.ask("END 8");
        assert_eq!(raw.ask("START 8"), format!("STARTED 8 {}", reading(4)));
        assert_eq!(raw.ask("STATUS 8"), format!("STATUS 8 {} 0", reading(4)));
        // A student of the old list answers the new one as a new answer.
        assert_eq!(
            raw.ask("PRESENT b2 8"),
            format!("PRESENCE 8 {}", reading(5))
        );
        assert_eq!(raw.ask("END 8"), format!("ENDED 8 {} 1 b2", reading(6)));
    });
}

#[test]
fn auth_without_a_teacher_key_is_always_authorized() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        assert_eq!(raw.ask("AUTH anything"), "AUTHORIZED");
        assert_eq!(raw.ask("AUTH s3cret!#"), "AUTHORIZED");
        // No AUTH is needed either.
        assert_eq!(raw.ask("START 4"), format!("STARTED 4 {}", reading(0)));
    });
}

/// Without a teacher key any well-formed key is accepted, but a key the
/// protocol does not allow (over 64 bytes, or not printable ASCII) is a
/// `bad-request`, on every lesson: it never reaches the key check.
#[test]
fn a_malformed_key_is_a_bad_request_even_without_a_teacher_key() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        assert_eq!(raw.ask(&format!("AUTH {}", "k".repeat(64))), "AUTHORIZED");
        assert_error(&mut raw, &format!("AUTH {}", "k".repeat(65)), "bad-request");
        assert_error(&mut raw, "AUTH chave-\u{e9}", "bad-request");
        assert_error(&mut raw, "AUTH key\u{7f}", "bad-request");
    });
}

#[test]
fn help_names_every_request() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        let help = raw.ask("HELP");
        assert_eq!(help, format!("HELP {HELP_TEXT}"));
        for verb in ["START", "END", "STATUS", "PRESENT", "AUTH", "HELP", "QUIT"] {
            assert!(help.contains(verb), "HELP does not name {verb}: {help}");
        }
    });
}

#[test]
fn quit_says_bye_then_the_server_closes() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        raw.ask("START 10");
        assert_eq!(raw.ask("QUIT"), "BYE");
        assert!(raw.is_closed(), "the server should hang up after BYE");
        // Leaving is not ending: the roll call is still open for the next client.
        let mut next = server.connect();
        assert_eq!(next.ask("STATUS 10"), format!("STATUS 10 {} 0", reading(0)));
    });
}

// ---------------------------------------------------------------------------
// How requests may be written
// ---------------------------------------------------------------------------

#[test]
fn verbs_are_case_insensitive_and_responses_are_upper_case() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        assert_eq!(raw.ask("start 11"), format!("STARTED 11 {}", reading(0)));
        assert_eq!(
            raw.ask("Present a1 11"),
            format!("PRESENCE 11 {}", reading(1))
        );
        assert_eq!(
            raw.ask("sTaTuS 11"),
            format!("STATUS 11 {} 1 a1", reading(0))
        );
        assert_eq!(raw.ask("end 11"), format!("ENDED 11 {} 1 a1", reading(2)));
        assert_eq!(raw.ask("auth k"), "AUTHORIZED");
        assert_eq!(raw.ask("help"), format!("HELP {HELP_TEXT}"));
        assert_eq!(raw.ask("Quit"), "BYE");
    });
}

#[test]
fn students_are_case_sensitive() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        raw.ask("START 12");
        raw.ask("PRESENT abc 12");
        raw.ask("PRESENT ABC 12");
        assert_eq!(
            raw.ask("STATUS 12"),
            format!("STATUS 12 {} 2 abc ABC", reading(0))
        );
    });
}

#[test]
fn tabs_and_extra_spaces_separate_tokens() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        assert_eq!(
            raw.ask("  \tSTART \t  13\t "),
            format!("STARTED 13 {}", reading(0))
        );
        assert_eq!(
            raw.ask("PRESENT\t\ta1    13"),
            format!("PRESENCE 13 {}", reading(1))
        );
        assert_eq!(raw.ask("\tHELP  "), format!("HELP {HELP_TEXT}"));
    });
}

#[test]
fn crlf_line_endings_work_like_lf() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        raw.send("START 14\r\n");
        assert_eq!(raw.line(), format!("STARTED 14 {}", reading(0)));
        raw.send("PRESENT a1 14\r\n");
        assert_eq!(raw.line(), format!("PRESENCE 14 {}", reading(1)));
        // The CR is not part of the last token: the student is `a1`.
        raw.send("END 14\r\n");
        assert_eq!(raw.line(), format!("ENDED 14 {} 1 a1", reading(2)));
    });
}

#[test]
fn leading_zeros_in_a_class_give_the_canonical_class() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        assert_eq!(raw.ask("START 007"), format!("STARTED 7 {}", reading(0)));
        assert_eq!(
            raw.ask("START 7"),
            "ERROR already-open class 7 already has an open roll call"
        );
        assert_eq!(
            raw.ask("PRESENT a1 0007"),
            format!("PRESENCE 7 {}", reading(1))
        );
        assert_eq!(
            raw.ask("STATUS 07"),
            format!("STATUS 7 {} 1 a1", reading(0))
        );
        assert_eq!(
            raw.ask("END 0000000000000000000007"),
            format!("ENDED 7 {} 1 a1", reading(2))
        );
        // The largest class, and the largest with leading zeros.
        assert_eq!(
            raw.ask("START 004294967295"),
            format!("STARTED 4294967295 {}", reading(3))
        );
    });
}

#[test]
fn blank_lines_get_no_response() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        // If any blank line were answered, the next line read would be that
        // answer instead of STARTED.
        raw.send("\n \n\t\t\n\r\n  \t \r\nSTART 15\n\n");
        assert_eq!(raw.line(), format!("STARTED 15 {}", reading(0)));
        assert_still_answers(&mut raw);
    });
}

// ---------------------------------------------------------------------------
// Bad requests: an error, and the connection stays open
// ---------------------------------------------------------------------------

#[test]
fn an_unknown_verb_is_a_bad_request() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        // The exact line PROTOCOL.md's example session shows.
        assert_eq!(
            raw.ask("FOO"),
            "ERROR bad-request unknown request \"FOO\"; try HELP"
        );
        // Response verbs are not request verbs.
        for request in ["STARTED 1", "PRESENCE 1 a1", "BYE", "START1", "ERROR x"] {
            assert_error(&mut raw, request, "bad-request");
        }
        assert_still_answers(&mut raw);
    });
}

#[test]
fn a_wrong_number_of_arguments_is_a_bad_request() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        raw.ask("START 16");
        for request in [
            "START",
            "START 16 17",
            "END",
            "END 16 17",
            "STATUS",
            "STATUS 16 17",
            "PRESENT",
            "PRESENT a1",
            "PRESENT a1 16 17",
            "AUTH",
            "AUTH a b",
            "HELP me",
            "QUIT now",
        ] {
            assert_error(&mut raw, request, "bad-request");
        }
        // None of them did anything: 16 is open and empty, QUIT did not close.
        assert_eq!(raw.ask("STATUS 16"), format!("STATUS 16 {} 0", reading(0)));
    });
}

#[test]
fn an_invalid_class_is_a_bad_request() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        for class in ["0", "000", "-1", "+1", "4294967296", "abc", "1.5", "0x10"] {
            for request in [
                format!("START {class}"),
                format!("END {class}"),
                format!("STATUS {class}"),
                format!("PRESENT a1 {class}"),
            ] {
                assert_error(&mut raw, &request, "bad-request");
            }
        }
        // Nothing was opened: the first START reads the clock for the first time.
        assert_eq!(raw.ask("START 1"), format!("STARTED 1 {}", reading(0)));
    });
}

#[test]
fn an_invalid_student_is_a_bad_request() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        raw.ask("START 17");
        let too_long = "a".repeat(33);
        for student in [too_long.as_str(), "a-1", "a.1", "a_1", "a,1", "joão", "a1!"] {
            assert_error(&mut raw, &format!("PRESENT {student} 17"), "bad-request");
        }
        // The longest valid id is accepted.
        let longest = "Z".repeat(32);
        assert_eq!(
            raw.ask(&format!("PRESENT {longest} 17")),
            format!("PRESENCE 17 {}", reading(1))
        );
        assert_eq!(
            raw.ask("STATUS 17"),
            format!("STATUS 17 {} 1 {longest}", reading(0))
        );
    });
}

#[test]
fn a_line_that_is_not_utf8_is_a_bad_request() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        raw.send(b"\xff\xfe\xfd\n");
        let response = raw.line();
        assert!(response.starts_with("ERROR bad-request "), "{response:?}");
        // Valid words around invalid bytes are not a request either.
        raw.send(b"START \xc3\x28 18\n");
        let response = raw.line();
        assert!(response.starts_with("ERROR bad-request "), "{response:?}");
        assert_eq!(raw.ask("START 18"), format!("STARTED 18 {}", reading(0)));
    });
}

// ---------------------------------------------------------------------------
// The line limit
// ---------------------------------------------------------------------------

/// `PRESENT <student> <class>` padded with leading zeros in the class to
/// exactly `total` bytes, `ending` included.
fn padded_present(student: &str, class: u32, ending: &str, total: usize) -> String {
    let head = format!("PRESENT {student} ");
    let digits = total - head.len() - ending.len();
    format!("{head}{class:0>digits$}{ending}")
}

#[test]
fn a_line_of_exactly_256_bytes_is_accepted_and_257_closes_the_connection() {
    for_each_lesson(&LESSONS, |server| {
        let student = "S".repeat(32);
        let mut raw = server.connect();
        raw.ask("START 19");

        let longest = padded_present(&student, 19, "\n", 256);
        assert_eq!(longest.len(), 256);
        raw.send(&longest);
        assert_eq!(raw.line(), format!("PRESENCE 19 {}", reading(1)));

        // With CRLF the CR counts too: 256 bytes in all is still accepted.
        let longest_crlf = padded_present("T", 19, "\r\n", 256);
        raw.send(&longest_crlf);
        assert_eq!(raw.line(), format!("PRESENCE 19 {}", reading(2)));

        let too_long = padded_present("U", 19, "\n", 257);
        raw.send(&too_long);
        let response = raw.line();
        assert!(
            response.starts_with("ERROR line-too-long "),
            "a 257-byte line got {response:?}"
        );
        assert!(
            raw.is_closed(),
            "the server should hang up after line-too-long"
        );

        // The server carries on; the refused line recorded nothing.
        let mut next = server.connect();
        assert_eq!(
            next.ask("STATUS 19"),
            format!("STATUS 19 {} 2 {student} T", reading(0))
        );
    });
}

#[test]
fn a_huge_line_without_a_newline_is_refused_and_the_server_carries_on() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        raw.ask("START 20");
        raw.ask("PRESENT a1 20");

        // A megabyte with no newline, written on another thread: the server
        // stops reading after 256 bytes, so this write may block until the
        // server hangs up, and then fail. Either is fine.
        let mut flood = raw.socket().try_clone().unwrap();
        // Bounded, in case a broken server neither reads nor hangs up.
        flood.set_write_timeout(Some(WAIT)).unwrap();
        let writer = thread::spawn(move || {
            let _ = flood.write_all(&vec![b'x'; 1 << 20]);
        });
        let response = raw.line();
        assert!(
            response.starts_with("ERROR line-too-long "),
            "a 1 MB line got {response:?}"
        );
        assert!(
            raw.is_closed(),
            "the server should hang up after line-too-long"
        );
        writer.join().unwrap();
        server.wait_for("closed by the server (line-too-long)");

        let mut next = server.connect();
        assert_eq!(
            next.ask("STATUS 20"),
            format!("STATUS 20 {} 1 a1", reading(0))
        );
    });
}

// ---------------------------------------------------------------------------
// Framing: many requests in one write, one request in many writes
// ---------------------------------------------------------------------------

#[test]
fn pipelined_requests_are_answered_in_order() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        let students: Vec<String> = (0..50).map(|n| format!("s{n}")).collect();
        let mut requests = String::from("START 21\n");
        for student in &students {
            requests.push_str(&format!("PRESENT {student} 21\n\n"));
        }
        requests.push_str("STATUS 21\nFOO\nPRESENT s0 21\nEND 21\nSTATUS 21\nHELP\n");
        raw.send(&requests); // one write

        assert_eq!(raw.line(), format!("STARTED 21 {}", reading(0)));
        for n in 1..=50 {
            assert_eq!(raw.line(), format!("PRESENCE 21 {}", reading(n)));
        }
        let list = students.join(" ");
        assert_eq!(raw.line(), format!("STATUS 21 {} 50 {list}", reading(0)));
        assert_eq!(
            raw.line(),
            "ERROR bad-request unknown request \"FOO\"; try HELP"
        );
        assert_eq!(raw.line(), format!("PRESENCE 21 {}", reading(1)));
        let ended = raw.line();
        assert!(
            ended.starts_with("ENDED 21 ") && ended.ends_with(&format!(" 50 {list}")),
            "{ended:?}"
        );
        assert_eq!(raw.line(), "ERROR not-open class 21 has no open roll call");
        assert_eq!(raw.line(), format!("HELP {HELP_TEXT}"));
    });
}

/// A client that sends many requests and reads none of the answers until
/// the server has stopped reading from it (every buffer between them full,
/// both ways) still gets every answer, in order, once it reads: the server
/// kept what the system could not take yet, and then went on with the
/// requests still waiting.
#[test]
fn a_client_that_reads_late_gets_every_response_in_order() {
    const STUDENTS: usize = 2_000;
    // Each STATUS lists 2,000 ids of 32 characters, about 66 KB: 8.4 MB in
    // all, twice what the sockets' buffers can hold while nobody reads (on
    // Linux, a send buffer grows to 4 MB at most; a receive buffer whose
    // owner reads nothing stays near its first 128 KB).
    const ASKS: usize = 128;
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        assert_eq!(raw.ask("START 23"), format!("STARTED 23 {}", reading(0)));
        let students: Vec<String> = (0..STUDENTS).map(|n| format!("{n:0>32}")).collect();
        for some in students.chunks(250) {
            raw.send(
                some.iter()
                    .map(|s| format!("PRESENT {s} 23\n"))
                    .collect::<String>(),
            );
            for _ in some {
                assert!(raw.line().starts_with("PRESENCE 23 "));
            }
        }
        raw.send("STATUS 23\n".repeat(ASKS));
        let rest_of_line = send_blank_lines_until_stalled(&raw);
        let status = format!("STATUS 23 {} {STUDENTS} {}", reading(0), students.join(" "));
        for n in 0..ASKS {
            assert!(raw.line() == status, "response {n} is not the whole STATUS");
        }
        raw.send(rest_of_line);
        assert_still_answers(&mut raw);
    });
}

/// Sends blank lines (which get no answer) until the server has taken none
/// for [`STALL`]: then it has stopped reading from this connection.
/// Returns the rest of the last line, if a write cut it short: the caller
/// sends it once the server reads again (sending it now would wait forever).
fn send_blank_lines_until_stalled(raw: &Raw) -> Vec<u8> {
    let mut socket = raw.socket();
    socket.set_write_timeout(Some(STALL)).unwrap();
    // Blank lines of 255 spaces: white space only, so no answer either,
    // and the server has 256 times fewer of them to cut out later.
    let blank_lines = format!("{}\n", " ".repeat(255)).repeat(256);
    let blank_lines = blank_lines.as_bytes();
    // Where the next write starts: a write cut short must not leave a line
    // that the next one makes longer than the limit.
    let mut at = 0;
    let deadline = Instant::now() + WAIT;
    loop {
        match socket.write(&blank_lines[at..]) {
            Ok(written) => at = (at + written) % blank_lines.len(),
            Err(error) if is_timeout(&error) => break,
            Err(error) => panic!("the server hung up: {error}"),
        }
        assert!(
            Instant::now() < deadline,
            "the server never stopped reading"
        );
    }
    socket.set_write_timeout(None).unwrap();
    // The rest of the line a timed-out write may have cut short.
    let line = &blank_lines[at..];
    let end = line.iter().position(|&byte| byte == b'\n').unwrap_or(0);
    if at % 256 == 0 {
        Vec::new()
    } else {
        line[..=end].to_vec()
    }
}

#[test]
fn a_request_split_over_many_writes_is_read_whole() {
    for_each_lesson(&LESSONS, |server| {
        let mut raw = server.connect();
        raw.ask("START 22");
        // Each piece leaves as its own segment: no Nagle batching.
        raw.socket().set_nodelay(true).unwrap();
        let pieces = [
            "PRE", "SENT s", "plit", " 2", "2\r", "\nST", "ATUS 2", "2", "\n",
        ];
        for (n, piece) in pieces.into_iter().enumerate() {
            raw.send(piece);
            raw.socket().flush().unwrap();
            // The pauses only make separate reads on the server likely; the
            // answers do not depend on them. One is longer than lesson 03's
            // 200 ms read timeout, so its half-read line survives a timeout.
            let pause = if n == 2 { 250 } else { 5 };
            thread::sleep(Duration::from_millis(pause));
        }
        assert_eq!(raw.line(), format!("PRESENCE 22 {}", reading(1)));
        assert_eq!(raw.line(), format!("STATUS 22 {} 1 split", reading(0)));
    });
}

// ---------------------------------------------------------------------------
// Robustness
// ---------------------------------------------------------------------------

#[test]
fn a_client_that_disconnects_mid_line_changes_nothing() {
    for_each_lesson(&LESSONS, |server| {
        let mut first = server.connect();
        first.ask("START 23");
        assert_eq!(
            first.ask("PRESENT kept 23"),
            format!("PRESENCE 23 {}", reading(1))
        );
        first.close();

        // Half a request, then gone: a request is only one once its `\n` arrives.
        for half in ["END 23", "PRESENT lost 2", "STA"] {
            let mut quitter = server.connect();
            quitter.send(half);
            quitter.close();
        }

        let mut next = server.connect();
        assert_eq!(
            next.ask("STATUS 23"),
            format!("STATUS 23 {} 1 kept", reading(0))
        );
        assert_eq!(
            next.ask("END 23"),
            format!("ENDED 23 {} 1 kept", reading(2))
        );
    });
}

#[test]
fn a_client_that_hangs_up_without_reading_its_responses_changes_nothing() {
    for_each_lesson(&LESSONS, |server| {
        let mut first = server.connect();
        first.ask("START 24");
        first.ask("PRESENT kept 24");
        // Far more response bytes than the request bytes that ask for them,
        // and nobody reads them: the server's writes fail once we are gone.
        first.send("HELP\n".repeat(2000));
        first.close();

        let mut next = server.connect();
        assert_eq!(
            next.ask("STATUS 24"),
            format!("STATUS 24 {} 1 kept", reading(0))
        );
    });
}

// ---------------------------------------------------------------------------
// Capacity: what one class and the whole server may hold.

#[test]
fn a_full_class_refuses_new_students_and_keeps_the_ones_it_has() {
    for lesson in LESSONS {
        println!("--- checking {lesson}");
        let server = harness::Server::start_with(lesson, &["--max-students", "2"], &[]);
        let mut raw = server.connect();
        assert!(raw.ask("START 8").starts_with("STARTED 8 "));
        assert!(raw.ask("PRESENT s1 8").starts_with("PRESENCE 8 "));
        assert!(raw.ask("PRESENT s2 8").starts_with("PRESENCE 8 "));
        assert_error(&mut raw, "PRESENT s3 8", "full");
        // A student already recorded answering again is no new student.
        assert!(raw.ask("PRESENT s1 8").starts_with("PRESENCE 8 "));
        let status = raw.ask("STATUS 8");
        assert!(status.ends_with(" 2 s1 s2"), "{status}");
        assert!(raw.ask("END 8").starts_with("ENDED 8 "));
        raw.close();
    }
}

#[test]
fn a_server_with_its_most_roll_calls_open_refuses_one_more() {
    for lesson in LESSONS {
        println!("--- checking {lesson}");
        let server = harness::Server::start_with(lesson, &["--max-classes", "2"], &[]);
        let mut raw = server.connect();
        assert!(raw.ask("START 1").starts_with("STARTED 1 "));
        assert!(raw.ask("START 2").starts_with("STARTED 2 "));
        assert_error(&mut raw, "START 3", "full");
        assert!(raw.ask("END 1").starts_with("ENDED 1 "));
        assert!(raw.ask("START 3").starts_with("STARTED 3 "), "room again");
        raw.close();
    }
}
