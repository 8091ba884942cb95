//! # `check`, the grader, against real servers
//!
//! - every lesson, the bonus event loop too, gets full marks (lesson 01
//!   graded with `--one-at-a-time`);
//! - every bug server fails, in exactly the categories its bug belongs to:
//!   that is the proof that the grader bites;
//! - the bug servers' shared parts, put together correctly (which is what
//!   fixing any one of them amounts to), get full marks;
//! - a teacher key is used, and never printed; a server that cannot be
//!   reached, or a bad command line, is a clear error with exit status 2.
//!
//! Every `check` run is a real process against a real server process (or,
//! for the fixed bug server, a server thread) on 127.0.0.1, bounded by
//! `harness::WAIT`.

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::thread;

use chamada::ErrorCode;
use harness::{is_error, run_client_with, Run, Server};
use serde_json::Value;

/// Runs `check` against `server` with `args`, and its JSON report.
fn check(server: &str, args: &[&str], env: &[(&str, &str)]) -> (Run, Value) {
    let mut all = vec![server, "--json"];
    all.extend(args);
    let run = run_client_with("check", &[], &all, "", env);
    let report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|error| panic!("check printed no JSON ({error}): {run:#?}"));
    (run, report)
}

/// The categories with a failed check.
fn failed_categories(report: &Value) -> BTreeSet<String> {
    report["checks"]
        .as_array()
        .expect("a list of checks")
        .iter()
        .filter(|c| c["passed"] == false)
        .map(|c| c["category"].as_str().expect("a category").to_owned())
        .collect()
}

fn assert_full_marks(lesson: &str, args: &[&str]) {
    let server = Server::start(lesson);
    let (run, report) = check(&server.addr().to_string(), args, &[]);
    assert_eq!(
        failed_categories(&report),
        BTreeSet::new(),
        "{lesson} {args:?}: {report:#}"
    );
    assert_eq!(report["score"], report["max"]);
    assert_eq!(report["passed"], true);
    assert_eq!(run.code, Some(0), "{run:#?}");
}

#[test]
fn lesson_01_gets_full_marks_graded_one_at_a_time() {
    assert_full_marks("lesson-01-blocking", &["--one-at-a-time"]);
}

#[test]
fn lesson_02_gets_full_marks() {
    assert_full_marks("lesson-02-threads", &[]);
}

#[test]
fn lesson_03_gets_full_marks() {
    assert_full_marks("lesson-03-final", &[]);
}

#[test]
fn the_bonus_event_loop_gets_full_marks() {
    assert_full_marks("lesson-bonus-event-loop", &[]);
}

/// Runs `check` against a bug server and asserts it fails in exactly
/// `categories`, with exit status 1.
fn assert_caught(bug: &str, categories: &[&str], args: &[&str]) -> Value {
    assert_caught_at(&Server::start(bug), bug, categories, args)
}

fn assert_caught_at(server: &Server, bug: &str, categories: &[&str], args: &[&str]) -> Value {
    let (run, report) = check(&server.addr().to_string(), args, &[]);
    let wanted: BTreeSet<String> = categories.iter().map(|c| c.to_string()).collect();
    assert_eq!(failed_categories(&report), wanted, "{bug}: {report:#}");
    assert_eq!(run.code, Some(1), "{bug}: {run:#?}");
    report
}

/// The `got` of the failed checks, one string.
fn all_got(report: &Value) -> String {
    let checks = report["checks"].as_array().expect("a list of checks");
    let got = checks.iter().filter_map(|c| c["got"].as_str());
    got.collect::<Vec<_>>().join("\n")
}

#[test]
fn bug_01_is_caught_in_framing() {
    assert_caught("bug-01", &["framing"], &[]);
}

#[test]
fn bug_02_is_caught_in_order() {
    assert_caught("bug-02", &["order"], &[]);
}

#[test]
fn bug_03_is_caught_in_requests_and_concurrency() {
    // Told "PRESENCE <class>" after END, a student is missing from the
    // list: the concurrency check sees the same lie.
    assert_caught("bug-03", &["requests and responses", "concurrency"], &[]);
}

#[test]
fn bug_04_is_caught_in_concurrency_as_a_hang() {
    // It hangs in every concurrency check: a one-second wait keeps this short.
    let server = Server::start("bug-04");
    let report = assert_caught_at(&server, "bug-04", &["concurrency"], &["--timeout", "1"]);
    let hangs = all_got(&report).contains("nothing within 1.0 s");
    assert!(hangs, "{report:#}");
    // The book's hint: graded as a server that serves one client at a
    // time, it gets full marks.
    let (run, report) = check(&server.addr().to_string(), &["--one-at-a-time"], &[]);
    assert_eq!(failed_categories(&report), BTreeSet::new(), "{report:#}");
    assert_eq!(run.code, Some(0));
}

#[test]
fn bug_05_is_caught_in_requests_and_check_ends_what_it_left_open() {
    let server = Server::start("bug-05");
    let report = assert_caught_at(&server, "bug-05", &["requests and responses"], &[]);
    // The failed check stopped before its END; check ended it on the way out.
    let (first, last) = (&report["classes"][0], &report["classes"][1]);
    let (first, last) = (first.as_u64().unwrap(), last.as_u64().unwrap());
    let in_range = 3_000_000_000 <= first && first <= last && last - first < 100;
    assert!(in_range, "{report:#}");
    let mut raw = server.connect();
    for class in first..=last {
        let status = raw.ask(&format!("STATUS {class}"));
        assert!(is_error(&status, ErrorCode::NotOpen), "{class}: {status}");
    }
}

#[test]
fn bug_06_is_caught_in_framing_as_a_hang() {
    let report = assert_caught("bug-06", &["framing"], &["--timeout", "1"]);
    assert!(
        all_got(&report).contains("nothing within 1.0 s"),
        "{report:#}"
    );
}

#[test]
fn bug_07_is_caught_in_concurrency() {
    let report = assert_caught("bug-07", &["concurrency"], &[]);
    assert!(
        all_got(&report).contains("but ENDED does not list them"),
        "{report:#}"
    );
}

#[test]
fn bug_08_is_caught_wherever_a_status_comes_before_the_end() {
    let all = ["requests and responses", "framing", "concurrency", "order"];
    assert_caught("bug-08", &all, &[]);
}

/// Every bug server is the bug-hunt library's correct parts plus one
/// defect in its own file, and each fix puts back the correct part: bugs
/// 01, 04 and 06 read requests with `serve_lines`; bugs 02, 03, 07 and 08
/// answer with `answer` (one lock, the library's `RollCalls`); bug 05 keeps
/// each student once, as `RollCalls` does. This server is exactly those
/// parts, so it is each bug server with its bug fixed: full marks.
#[test]
fn the_bug_servers_pass_once_fixed() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let roll_calls = std::sync::Arc::new(std::sync::Mutex::new(chamada::RollCalls::new(
        chamada::Clock::System,
    )));
    // The server thread lives until the test program ends.
    thread::spawn(move || {
        chamada_bugs::thread_per_client(listener, move |stream| {
            chamada_bugs::serve_lines(stream, |command| chamada_bugs::answer(&roll_calls, command))
        })
    });
    let (run, report) = check(&addr.to_string(), &[], &[]);
    assert_eq!(failed_categories(&report), BTreeSet::new(), "{report:#}");
    assert_eq!(run.code, Some(0));
}

#[test]
fn a_failure_says_what_was_sent_expected_and_got_and_where_to_read() {
    let server = Server::start("bug-02");
    let run = run_client_with("check", &[], &[&server.addr().to_string()], "", &[]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    let text = run.stdout;
    let failure = text
        .split("  FAIL STATUS lists students in answer order (0/2)\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no such failure in {text}"));
    let lines: Vec<&str> = failure
        .lines()
        .take_while(|l| !l.contains(" ok "))
        .collect();
    let labelled = |label: &str| lines.iter().any(|l| l.trim_start().starts_with(label));
    assert!(
        labelled("sent") && labelled("expected") && labelled("got"),
        "{text}"
    );
    assert!(
        failure.contains("8 zeca bia Ana 042 42 mia ana 0042")
            && failure.contains("8 0042 042 42 Ana ana bia mia zeca"),
        "{text}"
    );
    assert!(
        failure.contains(r#"read      "The protocol" (book/src/protocol.md)"#),
        "{text}"
    );
    assert!(
        text.contains("\nscore: ") && text.contains("some checks failed"),
        "{text}"
    );
}

#[test]
fn one_at_a_time_fails_a_server_that_serves_everyone_at_once() {
    let server = Server::start("lesson-02-threads");
    let (run, report) = check(&server.addr().to_string(), &["--one-at-a-time"], &[]);
    let categories: BTreeSet<String> = ["concurrency".to_owned()].into();
    assert_eq!(failed_categories(&report), categories, "{report:#}");
    assert_eq!(run.code, Some(1));
}

#[test]
fn a_teacher_key_is_read_from_the_environment_and_never_printed() {
    let key = "Tk-5ecret-not-to-print";
    let env = [("CHAMADA_TEACHER_KEY", key)];
    let server = Server::start_with("lesson-03-final", &[], &env);
    let addr = server.addr().to_string();

    let (run, report) = check(&addr, &["--teacher-key"], &env);
    assert_eq!(failed_categories(&report), BTreeSet::new(), "{report:#}");
    // The key check runs only when there is a key.
    assert!(report["checks"].to_string().contains("the teacher key"));
    assert!(!run.stdout.contains(key) && !run.stderr.contains(key));

    // Without it, a teacher's requests are forbidden: many checks fail,
    // and the report still never shows the key.
    let (run, report) = check(&addr, &[], &env);
    assert_eq!(run.code, Some(1));
    assert!(all_got(&report).contains("ERROR forbidden"));
    assert!(!run.stdout.contains(key) && !run.stderr.contains(key));

    // Failures after an AUTH show where the key came from, not the key.
    let bug = Server::start("bug-02");
    let run = run_client_with(
        "check",
        &[],
        &[&bug.addr().to_string(), "--teacher-key"],
        "",
        &env,
    );
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(
        run.stdout.contains("AUTH <the key in CHAMADA_TEACHER_KEY>"),
        "{run:#?}"
    );
    assert!(!run.stdout.contains(key) && !run.stderr.contains(key));
}

#[test]
fn no_server_or_a_bad_command_line_is_a_clear_error() {
    // A port nobody listens on: bind one, then free it.
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let run = run_client_with("check", &[], &[&addr.to_string()], "", &[]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("cannot connect to"), "{run:#?}");

    let run = run_client_with("check", &[], &["127.0.0.1:5050", "--teacher-key"], "", &[]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("CHAMADA_TEACHER_KEY"), "{run:#?}");

    for bad in [&["nowhere"][..], &["127.0.0.1:5050", "--timeout", "0"], &[]] {
        let run = run_client_with("check", &[], bad, "", &[]);
        assert_eq!(run.code, Some(2), "{bad:?}: {run:#?}");
        assert!(!run.stderr.contains("panicked"), "{bad:?}: {run:#?}");
    }
}

/// The book's chapter "Bug hunt" shows this report: a concurrent server
/// graded as if it served one client at a time. The port and the time
/// taken vary from run to run; the snapshot shows them as 5050 and 0.2 s.
#[test]
fn the_report_the_book_shows() {
    let server = Server::start("lesson-03-final");
    let addr = server.addr().to_string();
    let run = run_client_with("check", &[], &[&addr, "--one-at-a-time"], "", &[]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:5050");
    settings.add_filter(r"in \d+\.\d s\n", "in 0.2 s\n");
    settings.bind(|| insta::assert_snapshot!("lesson_03_one_at_a_time", run.stdout));
}
