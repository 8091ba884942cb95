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
use harness::{is_error, run_client_with, Run, Server, PORTUGUESE};
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

/// The names of the failed checks.
fn failed_checks(report: &Value) -> Vec<String> {
    let checks = report["checks"].as_array().expect("a list of checks");
    let failed = checks.iter().filter(|c| c["passed"] == false);
    failed
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
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
fn bug_05_is_caught_in_requests_and_limits_and_check_ends_what_it_left_open() {
    let server = Server::start("bug-05");
    // Its one mistake (it never looks whether a student is listed already)
    // shows twice: a repeated answer is listed twice, and a listed student
    // answering a full class is refused.
    let categories = ["requests and responses", "bad input and limits"];
    let report = assert_caught_at(&server, "bug-05", &categories, &[]);
    // The failed check stopped before its END; check ended it on the way out.
    let (first, last) = (&report["classes"][0], &report["classes"][1]);
    let (first, last) = (first.as_u64().unwrap(), last.as_u64().unwrap());
    let in_range = 3_000_000_000 <= first && first <= last && last - first < 2000;
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

#[test]
fn bug_09_is_caught_in_concurrency_by_the_start_race() {
    let report = assert_caught("bug-09", &["concurrency"], &[]);
    let got = all_got(&report);
    let both = got.contains("teacher 1: STARTED") && got.contains("teacher 2: STARTED");
    assert!(both, "{report:#}");
    assert_eq!(failed_checks(&report).len(), 1, "{report:#}");
}

#[test]
fn bug_10_is_caught_in_concurrency_by_a_client_that_stops_reading() {
    let report = assert_caught("bug-10", &["concurrency"], &["--timeout", "1"]);
    let failed = failed_checks(&report);
    assert_eq!(failed.len(), 1, "{report:#}");
    assert!(failed[0].contains("never reads them"), "{report:#}");
    assert!(
        all_got(&report).contains("nothing within 1.0 s"),
        "{report:#}"
    );
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

/// Under a Portuguese locale (`LANG=pt_BR.UTF-8`, as a Brazilian
/// student's system has it), the report is in Portuguese: the check names,
/// the labels of a failure, the score line, and a pointer into the
/// Portuguese edition under its Portuguese title; the protocol lines it
/// sent, expected and got are the same bytes as in English. bug-02 sorts
/// its lists, so only the order checks fail. The class numbers, times,
/// port and time taken vary from run to run and are shown fixed.
#[test]
fn a_report_in_portuguese() {
    let server = Server::start("bug-02");
    let env = [("LC_ALL", ""), ("LC_MESSAGES", ""), ("LANG", PORTUGUESE)];
    let run = run_client_with("check", &[], &[&server.addr().to_string()], "", &env);
    assert_eq!(run.code, Some(1), "{run:#?}");
    let text = &run.stdout;
    assert!(
        text.contains(r#"leia      "O protocolo" (book/book/pt-BR/protocol.html)"#),
        "{text}"
    );
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:5050");
    settings.add_filter(r"\b[34]\d{9}\b", "3000000042");
    settings.add_filter(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)",
        "2026-11-24T10:15:03-03:00",
    );
    settings.add_filter(r"tempo total: \d+,\d s\)", "tempo total: 0,2 s)");
    settings.bind(|| insta::assert_snapshot!("bug_02_pt_br", run.stdout));
}

/// A correct server that writes its times as Python's naive
/// `datetime.now().isoformat()` does: no UTC offset, microseconds. It
/// runs on a thread of this test program, on a port the system picks.
fn naive_time_server() -> std::net::SocketAddr {
    use std::io::Write;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let roll_calls = std::sync::Arc::new(std::sync::Mutex::new(chamada::RollCalls::new(
        chamada::Clock::System,
    )));
    let naive = |line: String| {
        let mut words: Vec<String> = line.split(' ').map(str::to_owned).collect();
        if ["STARTED", "ENDED", "STATUS", "PRESENCE"].contains(&words[0].as_str()) {
            // 2026-11-24T10:15:03+00:00 -> 2026-11-24T10:15:03.123456
            words[2] = format!("{}.123456", &words[2][..19]);
        }
        words.join(" ")
    };
    // The server thread lives until the test program ends.
    thread::spawn(move || {
        chamada_bugs::thread_per_client(listener, move |stream| {
            let mut lines = chamada::LineReader::new(&stream);
            while let Ok(Some(frame)) = lines.read_frame() {
                let mut answer = |command| chamada_bugs::answer(&roll_calls, command);
                let Some(response) = chamada::respond(frame, &mut answer) else {
                    continue;
                };
                let line = naive(response.to_string()) + "\n";
                if (&stream).write_all(line.as_bytes()).is_err() || response.closes_connection() {
                    break;
                }
            }
            chamada::connection::lingering_close(&stream);
        })
    });
    addr
}

#[test]
fn a_time_without_offset_costs_the_time_checks_only() {
    let addr = naive_time_server().to_string();
    let (run, report) = check(&addr, &[], &[]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    let times: BTreeSet<String> = ["times".to_owned()].into();
    assert_eq!(failed_categories(&report), times, "{report:#}");
    let lost = report["max"].as_u64().unwrap() - report["score"].as_u64().unwrap();
    let max = report["max"].as_u64().unwrap();
    assert!(lost * 10 <= max, "lost {lost} of {max}: {report:#}");
    // Each message names the rule broken and where to read about it.
    let got = all_got(&report);
    assert!(
        got.contains("no UTC offset: RFC 3339 needs `+00:00` or `Z`"),
        "{got}"
    );
    assert!(got.contains("fractional seconds"), "{got}");
    let text = run_client_with("check", &[], &[&addr], "", &[]).stdout;
    assert!(text.contains("(book/src/protocol.md)"), "{text}");
    assert!(!text.contains("one-at-a-time"), "{text}");
    assert!(!text.contains("processes-threads"), "{text}");
}

#[test]
fn limits_are_found_without_being_told_and_required_when_missing() {
    // Smaller limits are found, whatever they are (the other checks need
    // room for 400 students in a class, and a few classes open at once).
    let small = Server::start_with(
        "lesson-02-threads",
        &["--max-students", "450", "--max-classes", "4"],
        &[],
    );
    let (_, report) = check(&small.addr().to_string(), &[], &[]);
    assert_eq!(failed_categories(&report), BTreeSet::new(), "{report:#}");
    // A server that holds more than PROTOCOL.md allows by default is told.
    let big = Server::start_with(
        "lesson-02-threads",
        &["--max-students", "5000", "--max-classes", "5000"],
        &[],
    );
    let (_, report) = check(&big.addr().to_string(), &[], &[]);
    let failed = failed_checks(&report);
    assert_eq!(failed.len(), 2, "{report:#}");
    assert!(failed.iter().all(|f| f.contains("full")), "{failed:?}");
    let expected = report.to_string();
    assert!(expected.contains("PROTOCOL.md: at most 2000"), "{report:#}");
    assert!(expected.contains("PROTOCOL.md: at most 500"), "{report:#}");
}

#[test]
fn repeat_runs_every_check_again_and_counts_the_failures() {
    let server = Server::start("lesson-02-threads");
    let (run, report) = check(&server.addr().to_string(), &["--repeat", "3"], &[]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert_eq!(report["runs"], 3);
    assert_eq!(report["score"], report["max"]);

    let bug = Server::start("bug-02");
    let (run, report) = check(&bug.addr().to_string(), &["--repeat", "2"], &[]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    let checks = report["checks"].as_array().unwrap();
    let failed: Vec<&Value> = checks.iter().filter(|c| c["passed"] == false).collect();
    assert!(!failed.is_empty());
    assert!(failed.iter().all(|c| c["failed_runs"] == 2), "{report:#}");
    let text = run_client_with(
        "check",
        &[],
        &[&bug.addr().to_string(), "--repeat", "2"],
        "",
        &[],
    );
    assert!(text.stdout.contains("failed in 2 of 2 runs"), "{text:#?}");
}

/// `check --teams`: lesson servers, a bug server, a command that never
/// listens on its port, one that fails at once, and a shell that ignores
/// SIGTERM and never ends, all in one class. Each is graded or given its error, and no
/// process of any team is left running.
#[cfg(unix)]
#[test]
fn teams_grades_a_class_and_stops_every_server() {
    let dir = tempfile::tempdir().unwrap();
    let bin = |name: &str| harness::binary(name).display().to_string();
    let pid_file = dir.path().join("stubborn.pid");
    let lines = [
        format!(
            "lesson-02 {} --bind 127.0.0.1:{{port}}",
            bin("lesson-02-threads")
        ),
        format!(
            "event-loop {} --bind 127.0.0.1:{{port}}",
            bin("lesson-bonus-event-loop")
        ),
        format!("bug-09 {} --bind 127.0.0.1:{{port}}", bin("bug-09")),
        format!("elsewhere {} --bind 127.0.0.1:0", bin("lesson-02-threads")),
        format!(
            "chatty echo hello; exec {} --bind 127.0.0.1:{{port}}",
            bin("lesson-02-threads")
        ),
        format!(
            "fails {} --bind 127.0.0.1:{{port}} --max-classes 0",
            bin("lesson-02-threads")
        ),
        format!(
            "stubborn echo $$ > {}; trap '' TERM; {} --bind 127.0.0.1:{{port}} & \
             while :; do sleep 1; done",
            pid_file.display(),
            bin("lesson-02-threads")
        ),
    ];
    let teams = dir.path().join("teams.txt");
    std::fs::write(&teams, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("grades");
    let args = [
        "--teams",
        teams.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--start-within",
        "2",
    ];
    let run = run_client_with("check", &[], &args, "", &[]);
    assert_eq!(run.code, Some(0), "{run:#?}");

    let csv = std::fs::read_to_string(out.join("grades.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(
        rows[0].starts_with("team,score,max,requests and responses,"),
        "{csv}"
    );
    assert!(rows[0].ends_with(",failed,error"), "{csv}");
    let row = |team: &str| {
        *rows
            .iter()
            .find(|r| r.starts_with(&format!("{team},")))
            .unwrap()
    };
    let full = |r: &str| {
        let cells: Vec<&str> = r.split(',').collect();
        cells[1] == cells[2] && cells[1] != "0"
    };
    assert!(
        full(row("lesson-02")) && full(row("stubborn")) && full(row("event-loop")),
        "{csv}"
    );
    assert!(
        !full(row("bug-09")) && row("bug-09").contains("START one class"),
        "{csv}"
    );
    assert!(
        row("elsewhere").contains(",0,") && row("elsewhere").contains("nothing listened"),
        "{csv}"
    );
    assert!(row("fails").contains("without listening"), "{csv}");
    let json = |team: &str| -> Value {
        let text = std::fs::read_to_string(out.join(format!("{team}.json"))).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    for team in [
        "lesson-02",
        "event-loop",
        "bug-09",
        "elsewhere",
        "fails",
        "stubborn",
    ] {
        assert_eq!(json(team)["team"], team);
    }
    // A server that says something else before `listening on` is graded,
    // with a note on the start-up contract.
    assert!(full(row("chatty")), "{csv}");
    let note = json("chatty")["start_up"].to_string();
    assert!(
        note.contains("hello") && note.contains("Starting a server"),
        "{note}"
    );
    assert!(json("lesson-02").get("start_up").is_none());
    assert!(
        run.stdout.contains("every check passed") && run.stdout.contains("error: "),
        "{run:#?}"
    );

    // The shell that ignored SIGTERM, and its server, are gone.
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let alive = std::process::Command::new("kill")
        .args(["-0", pid.trim()])
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(!alive, "the stubborn team's shell {pid} still runs");
}

/// `check --teams` with a server that hangs: its time limit stops it in
/// the middle of grading, the checks left fail at once, and the team gets
/// the points it had earned.
#[cfg(unix)]
#[test]
fn teams_stops_a_server_that_hangs_at_its_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    let bug = harness::binary("bug-04").display().to_string();
    let teams = dir.path().join("teams.txt");
    std::fs::write(&teams, format!("hangs {bug} --bind 127.0.0.1:{{port}}\n")).unwrap();
    let out = dir.path().join("grades");
    let began = std::time::Instant::now();
    let args = [
        "--teams",
        teams.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--time-limit",
        "3",
        "--timeout",
        "1",
    ];
    let run = run_client_with("check", &[], &args, "", &[]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(began.elapsed().as_secs() < 15, "{:?}", began.elapsed());
    let csv = std::fs::read_to_string(out.join("grades.csv")).unwrap();
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    let (score, max): (u32, u32) = (row[1].parse().unwrap(), row[2].parse().unwrap());
    assert!(0 < score && score < max, "{csv}");
    // bug-04 passes the order checks while it runs; they come after the
    // concurrency checks, by which time it has been stopped.
    assert_eq!((row[3], row[7]), ("19", "0"), "{csv}");
}
