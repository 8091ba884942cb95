//! # The real `teacher` and `student` programs against a real server
//!
//! Runs the client binaries as a person or a script would, one-shot and
//! with piped input, and checks what they print and how they exit: 0 when
//! the request did what was asked, 1 when it was refused or failed, 2 when
//! the command line itself was wrong. Most tests use lesson 03 (the server
//! a class would run); one shows the same clients work against lesson 01.
//!
//! The servers run on the harness's scripted clock, which the clients show
//! as `2026-11-24 10:15:00`, then 3 s later per reading
//! ([`harness::Reading::human`]).

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};

use harness::{reading, run_client, run_client_with, Raw, Run, Server};

/// The final lesson's server: what most tests run against.
const FINAL: &str = "lesson-03-final";

/// Runs `client` once against `server` with `args` and no input.
fn once(client: &str, server: &Server, args: &[&str]) -> Run {
    clean(run_client(client, server.addr(), args, ""))
}

/// Checks what is true of every run, whatever its outcome: no panic, no
/// backtrace. Returns the run for more checks.
fn clean(run: Run) -> Run {
    for sign_of_a_crash in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
        assert!(
            !run.stderr.contains(sign_of_a_crash),
            "the client crashed: {run:#?}"
        );
    }
    run
}

/// Checks a run succeeded, printing exactly `stdout` and nothing on stderr.
fn assert_success(run: &Run, stdout: &str) {
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (Some(0), stdout, ""),
        "{run:#?}"
    );
}

/// Checks a run was refused (exit 1), printing exactly `stdout`.
fn assert_refused(run: &Run, stdout: &str) {
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (Some(1), stdout, ""),
        "{run:#?}"
    );
}

// ---------------------------------------------------------------------------
// One-shot commands
// ---------------------------------------------------------------------------

#[test]
fn one_shot_teacher_and_student_run_a_whole_roll_call() {
    let server = Server::start(FINAL);
    assert_success(
        &once("teacher", &server, &["start", "5"]),
        &format!("Roll call of class 5 opened at {}.\n", reading(0).human()),
    );
    assert_success(
        &once("teacher", &server, &["status", "5"]),
        &format!(
            "Class 5: roll call open since {}; nobody has answered yet.\n",
            reading(0).human()
        ),
    );
    assert_success(
        &once("student", &server, &["042191010", "5"]),
        &format!(
            "Presence recorded: student 042191010 in class 5 at {}.\n",
            reading(1).human()
        ),
    );
    once("student", &server, &["b7", "5"]);
    assert_success(
        &once("teacher", &server, &["status", "5"]),
        &format!(
            "Class 5: roll call open since {}; 2 students so far:\n  042191010\n  b7\n",
            reading(0).human()
        ),
    );
    assert_success(
        &once("teacher", &server, &["end", "5"]),
        &format!(
            "Roll call of class 5 closed at {}; 2 students present:\n  042191010\n  b7\n",
            reading(3).human()
        ),
    );
}

#[test]
fn one_shot_teacher_refusals_exit_with_1() {
    let server = Server::start(FINAL);
    once("teacher", &server, &["start", "6"]);
    assert_refused(
        &once("teacher", &server, &["start", "6"]),
        "Error (already-open): Class 6 already has an open roll call.\n",
    );
    assert_refused(
        &once("teacher", &server, &["status", "60"]),
        "Error (not-open): Class 60 has no open roll call.\n",
    );
    assert_refused(
        &once("teacher", &server, &["end", "60"]),
        "Error (not-open): Class 60 has no open roll call.\n",
    );
}

#[test]
fn a_refused_student_exits_with_1_and_is_told_which_class() {
    let server = Server::start(FINAL);
    let run = once("student", &server, &["a1", "77"]);
    assert_refused(
        &run,
        &format!(
            "Refused: class 77 has no open roll call (answered at {}).\n",
            reading(0).human()
        ),
    );
}

#[test]
fn the_clients_work_against_lesson_01_too() {
    // Each one-shot client leaves before the next connects, which is all
    // lesson 01 needs.
    let server = Server::start("lesson-01-blocking");
    assert_success(
        &once("teacher", &server, &["start", "1"]),
        &format!("Roll call of class 1 opened at {}.\n", reading(0).human()),
    );
    assert_success(
        &once("student", &server, &["a1", "1"]),
        &format!(
            "Presence recorded: student a1 in class 1 at {}.\n",
            reading(1).human()
        ),
    );
    assert_refused(
        &once("student", &server, &["a1", "2"]),
        &format!(
            "Refused: class 2 has no open roll call (answered at {}).\n",
            reading(2).human()
        ),
    );
    assert_success(
        &once("teacher", &server, &["end", "1"]),
        &format!(
            "Roll call of class 1 closed at {}; 1 student present:\n  a1\n",
            reading(3).human()
        ),
    );
}

#[test]
fn raw_mode_prints_the_protocol_lines_unchanged() {
    let server = Server::start(FINAL);
    assert_success(
        &once("teacher", &server, &["--raw", "start", "7"]),
        &format!("STARTED 7 {}\n", reading(0)),
    );
    assert_success(
        &once("student", &server, &["--raw", "a1", "7"]),
        &format!("PRESENCE 7 {}\n", reading(1)),
    );
    assert_refused(
        &once("student", &server, &["--raw", "a1", "8"]),
        &format!("PRESENCE 0 {}\n", reading(2)),
    );
    assert_success(
        &once("teacher", &server, &["--raw", "status", "7"]),
        &format!("STATUS 7 {} 1 a1\n", reading(0)),
    );
    assert_success(
        &once("teacher", &server, &["--raw", "end", "7"]),
        &format!("ENDED 7 {} 1 a1\n", reading(3)),
    );
    assert_refused(
        &once("teacher", &server, &["--raw", "end", "7"]),
        "ERROR not-open class 7 has no open roll call\n",
    );
}

// ---------------------------------------------------------------------------
// Interactive use, with piped input
// ---------------------------------------------------------------------------

/// What the teacher's menu prints on connecting.
fn teacher_banner(server: &Server) -> String {
    format!(
        "Connected to {}.\n\
         Teacher menu:\n  \
           1  start <class>    open the roll call of a class\n  \
           2  status <class>   see who has answered so far\n  \
           3  end <class>      close it and list who answered\n  \
           4  help             show this menu\n  \
           5  quit             leave\n\
         Type a number or a word, then the class: 1 42 or start 42.\n",
        server.addr()
    )
}

#[test]
fn the_teacher_menu_reads_piped_commands() {
    let server = Server::start(FINAL);
    let input = "start 5\n2 5\nfoo 1\nstart\nend 5\n5\n";
    let run = clean(run_client("teacher", server.addr(), &[], input));
    // Piped input is echoed after each prompt, so the output reads like
    // the session a person would have seen.
    let expected = format!(
        "{banner}\
         teacher> start 5\n\
         Roll call of class 5 opened at {t0}.\n\
         teacher> 2 5\n\
         Class 5: roll call open since {t0}; nobody has answered yet.\n\
         teacher> foo 1\n\
         \"foo\" is not in the menu; type help to see it.\n\
         teacher> start\n\
         start needs a class, e.g. start 42.\n\
         teacher> end 5\n\
         Roll call of class 5 closed at {t1}; nobody answered.\n\
         teacher> 5\n",
        banner = teacher_banner(&server),
        t0 = reading(0).human(),
        t1 = reading(1).human(),
    );
    assert_success(&run, &expected);
    server.wait_for("the client said QUIT");
}

#[test]
fn the_teacher_menu_ends_cleanly_at_the_end_of_input() {
    let server = Server::start(FINAL);
    // No `quit`: the input just ends, as a script's would.
    let run = clean(run_client("teacher", server.addr(), &[], "start 9\n"));
    let expected = format!(
        "{}teacher> start 9\nRoll call of class 9 opened at {}.\nteacher> \n",
        teacher_banner(&server),
        reading(0).human()
    );
    assert_success(&run, &expected);
    // The client still says goodbye to the server properly.
    server.wait_for("the client said QUIT");
}

#[test]
fn the_student_prompt_reads_piped_answers() {
    let server = Server::start(FINAL);
    once("teacher", &server, &["start", "9"]);
    let input = "a1 9\nbad\nx-y 9\n042 10\n\na1 9\nquit\n";
    let run = clean(run_client("student", server.addr(), &[], input));
    let how_to = "Type your student id and the class, e.g. `042191010 42`; `quit` to leave.";
    let expected = format!(
        "Connected to {addr}.\n\
         {how_to}\n\
         student> a1 9\n\
         Presence recorded: student a1 in class 9 at {t1}.\n\
         student> bad\n\
         {how_to}\n\
         student> x-y 9\n\
         Not sent: a student id is 1 to 32 letters or digits.\n\
         student> 042 10\n\
         Refused: class 10 has no open roll call (answered at {t2}).\n\
         student> \n\
         student> a1 9\n\
         Presence recorded: student a1 in class 9 at {t1}.\n\
         student> quit\n",
        addr = server.addr(),
        t1 = reading(1).human(),
        t2 = reading(2).human(),
    );
    // A refusal at the prompt is shown, not fatal: the session exits 0.
    assert_success(&run, &expected);
}

// ---------------------------------------------------------------------------
// When things go wrong before a request is even sent
// ---------------------------------------------------------------------------

#[test]
fn with_no_server_the_clients_say_where_they_looked_and_what_to_do() {
    // A port that was free a moment ago, and (almost certainly) still is.
    let address = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().to_string()
    };
    for (client, args) in [("teacher", &["start", "5"][..]), ("student", &["a1", "5"])] {
        let run = clean(run_client_with(
            client,
            &["--server", &address],
            args,
            "",
            &[],
        ));
        assert_ne!(run.code, Some(0), "{run:#?}");
        assert_eq!(run.stdout, "", "{run:#?}");
        let message = run.stderr.strip_suffix('\n').unwrap_or(&run.stderr);
        assert!(!message.contains('\n'), "more than one line: {run:#?}");
        assert!(message.contains(&address), "no address: {run:#?}");
        assert!(
            message.contains("Start one with `cargo run -p lesson-03-final`"),
            "no advice: {run:#?}"
        );
    }
}

#[test]
fn bad_command_lines_are_usage_errors_with_exit_code_2() {
    let long_id = "a".repeat(33);
    let cases: [(&str, &[&str]); 7] = [
        ("teacher", &["start", "0"]),
        ("teacher", &["end", "abc"]),
        ("teacher", &["status", "4294967296"]),
        ("teacher", &["dance", "5"]),
        ("student", &["a-1", "5"]),
        ("student", &[long_id.as_str(), "5"]),
        ("student", &["a1", "0"]),
    ];
    for (client, args) in cases {
        // No server is needed: the command line is checked before connecting.
        let run = clean(run_client_with(client, &[], args, "", &[]));
        assert_eq!(run.code, Some(2), "{client} {args:?}: {run:#?}");
        assert!(run.stderr.starts_with("error: "), "{run:#?}");
        assert_eq!(run.stdout, "", "{run:#?}");
    }
}

// ---------------------------------------------------------------------------
// The teacher key
// ---------------------------------------------------------------------------

#[test]
fn with_a_teacher_key_only_a_teacher_with_the_key_may_teach() {
    let server = Server::start_with(FINAL, &["--teacher-key", "s3cret-key"], &[]);
    let addr = server.addr().to_string();
    let teacher = |options: &[&str], args: &[&str], env: &[(&str, &str)]| {
        let options = [&["--server", addr.as_str()], options].concat();
        clean(run_client_with("teacher", &options, args, "", env))
    };

    // No key: refused by the server, exit 1.
    let run = teacher(&[], &["start", "5"], &[]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(run.stdout.starts_with("Error (forbidden): "), "{run:#?}");

    // The key on the command line...
    let run = teacher(&["--key", "s3cret-key"], &["start", "5"], &[]);
    assert_success(
        &run,
        &format!("Roll call of class 5 opened at {}.\n", reading(0).human()),
    );

    // ...or in the environment.
    let run = teacher(
        &[],
        &["status", "5"],
        &[("CHAMADA_TEACHER_KEY", "s3cret-key")],
    );
    assert_success(
        &run,
        &format!(
            "Class 5: roll call open since {}; nobody has answered yet.\n",
            reading(0).human()
        ),
    );

    // A wrong key: exit 1, a message about the key, and nothing was done.
    let run = teacher(&["--key", "s3cre7"], &["end", "5"], &[]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(run.stderr.contains("teacher key"), "{run:#?}");
    assert!(!run.stderr.contains("s3cre7"), "the key leaked: {run:#?}");

    // Students need no key.
    assert_success(
        &once("student", &server, &["a1", "5"]),
        &format!(
            "Presence recorded: student a1 in class 5 at {}.\n",
            reading(1).human()
        ),
    );
    let run = teacher(&["--key", "s3cret-key"], &["end", "5"], &[]);
    assert_success(
        &run,
        &format!(
            "Roll call of class 5 closed at {}; 1 student present:\n  a1\n",
            reading(2).human()
        ),
    );
}

/// A loopback address where, a moment ago, nobody listened.
fn nobody_listens() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

#[test]
fn a_malformed_key_is_refused_by_name_and_rule_without_being_shown() {
    // Each holds "s3cret-key", so that a leak of even part of one shows.
    let keys = [
        "s3cret-key with a space",
        &"s3cret-key".repeat(11),
        "s3cretção",
    ];
    // If a key were taken, the client would find nobody here and say so.
    let server = nobody_listens();
    for key in keys {
        let on_command_line = ["--server", &server, "--key", key];
        let in_environment = [("CHAMADA_TEACHER_KEY", key)];
        for (options, env) in [
            (&on_command_line[..], &[][..]),
            (&on_command_line[..2], &in_environment[..]),
        ] {
            let run = clean(run_client_with(
                "teacher",
                options,
                &["start", "5"],
                "",
                env,
            ));
            assert_eq!(run.code, Some(2), "{run:#?}");
            assert_eq!(run.stdout, "", "{run:#?}");
            for what in ["'--key <KEY>'", "CHAMADA_TEACHER_KEY", "1 to 64"] {
                assert!(run.stderr.contains(what), "no {what}: {run:#?}");
            }
            assert!(!run.stderr.contains("s3cr"), "the key leaked: {run:#?}");
        }
    }
}

#[test]
fn a_key_may_start_with_a_dash() {
    // clap would read `-s3cret-key` as an unknown option, and quote it.
    let server = Server::start_with(FINAL, &["--teacher-key", "-s3cret-key"], &[]);
    let run = once("teacher", &server, &["--key", "-s3cret-key", "start", "5"]);
    assert_success(
        &run,
        &format!("Roll call of class 5 opened at {}.\n", reading(0).human()),
    );
}

/// A one-connection stand-in for a server at a moment a test cannot
/// arrange on a real one: it reads the client's first line, which must be
/// an `AUTH`, and answers it with `answer`.
fn answering_auth_with(answer: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(harness::WAIT)).unwrap();
        let mut first = String::new();
        BufReader::new(&stream).read_line(&mut first).unwrap();
        assert!(first.starts_with("AUTH "), "{first:?}");
        (&stream)
            .write_all(format!("{answer}\n").as_bytes())
            .unwrap();
    });
    addr
}

#[test]
fn an_error_answer_to_auth_is_reported_for_what_it_is() {
    let cases = [
        (
            "ERROR forbidden that is not the teacher key",
            "the server refused the teacher key; check --key or CHAMADA_TEACHER_KEY",
        ),
        (
            "ERROR shutdown the server is shutting down; goodbye",
            "the server did not check the teacher key: \
             Error (shutdown): The server is shutting down; goodbye.",
        ),
        (
            "ERROR timeout no request for 300 s; closing the connection",
            "the server did not check the teacher key: \
             Error (timeout): No request for 300 s; closing the connection.",
        ),
    ];
    for (answer, said) in cases {
        let server = answering_auth_with(answer);
        let options = ["--server", server.as_str(), "--key", "s3cret-key"];
        let run = clean(run_client_with(
            "teacher",
            &options,
            &["start", "5"],
            "",
            &[],
        ));
        assert_eq!(
            (run.code, run.stdout.as_str(), run.stderr.as_str()),
            (Some(1), "", format!("teacher: {said}\n").as_str()),
            "{answer}"
        );
    }
}

#[test]
fn a_full_server_is_not_reported_as_refusing_the_key() {
    let server = Server::start_with(
        FINAL,
        &["--max-connections", "1", "--teacher-key", "s3cret-key"],
        &[],
    );
    // The one place, taken and known to be taken (it has been served).
    let mut holder = server.connect();
    assert!(holder.ask("HELP").starts_with("HELP "));
    let run = once("teacher", &server, &["--key", "s3cret-key", "start", "5"]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(1), ""), "{run:#?}");
    let said = "teacher: the server did not check the teacher key: Error (busy): ";
    assert!(run.stderr.starts_with(said), "{run:#?}");
    assert_eq!(run.stderr.lines().count(), 1, "{run:#?}");
}

// ---------------------------------------------------------------------------
// Where the server is: --server
// ---------------------------------------------------------------------------

#[test]
fn the_clients_reach_a_server_by_ipv6_address_and_by_name() {
    // By name: localhost resolves to loopback (127.0.0.1, ::1 or both; the
    // client tries each).
    let server = Server::start(FINAL);
    let by_name = format!("localhost:{}", server.addr().port());
    let run = clean(run_client_with(
        "teacher",
        &["--server", &by_name],
        &["start", "5"],
        "",
        &[],
    ));
    assert_success(
        &run,
        &format!("Roll call of class 5 opened at {}.\n", reading(0).human()),
    );

    if !harness::has_ipv6_loopback() {
        return;
    }
    let server = Server::start_on(FINAL, "[::1]:0", &[], &[]);
    let bracketed = server.addr().to_string();
    assert!(bracketed.starts_with("[::1]:"), "{bracketed}");
    assert_success(
        &once("teacher", &server, &["start", "6"]),
        &format!("Roll call of class 6 opened at {}.\n", reading(0).human()),
    );
    // The same address from the environment, as a lab would set it once.
    let run = clean(run_client_with(
        "student",
        &[],
        &["a1", "6"],
        "",
        &[("CHAMADA_SERVER", &bracketed)],
    ));
    assert_success(
        &run,
        &format!(
            "Presence recorded: student a1 in class 6 at {}.\n",
            reading(1).human()
        ),
    );
    // The interactive banner shows the address the way it was read.
    let run = clean(run_client("teacher", server.addr(), &[], "quit\n"));
    assert!(
        run.stdout
            .starts_with(&format!("Connected to {bracketed}.\n")),
        "{run:#?}"
    );
}

#[test]
fn a_server_address_that_is_no_address_is_a_usage_error() {
    for bad in ["localhost:http", "[::1", "::1]:5050", "a b", "127.0.0.1:0"] {
        // Refused before connecting: nothing is sent anywhere.
        let run = clean(run_client_with(
            "teacher",
            &["--server", bad],
            &["status", "5"],
            "",
            &[],
        ));
        assert_eq!(run.code, Some(2), "{bad}: {run:#?}");
        assert!(run.stderr.contains("'--server <HOST:PORT>'"), "{run:#?}");
        assert_eq!(run.stdout, "", "{run:#?}");
    }
}

// ---------------------------------------------------------------------------
// The book's UDP example
// ---------------------------------------------------------------------------

#[test]
fn the_udp_example_answers_help_instead_of_binding_an_address_called_help() {
    for args in [&["--help"][..], &["server", "--help"], &["ask", "--help"]] {
        // Were `--help` taken for an address, `server --help` would fail to
        // bind it, or bind and run until the harness's wait runs out.
        let run = clean(run_client_with("udp-roll-call", args, &[], "", &[]));
        assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""), "{run:#?}");
        assert!(run.stdout.contains("Usage: udp-roll-call"), "{run:#?}");
    }
    // And a wrong command line is a usage error that says what is wrong.
    let run = clean(run_client_with(
        "udp-roll-call",
        &["ask", "nowhere", "HELP"],
        &[],
        "",
        &[],
    ));
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("'<ADDR>'"), "{run:#?}");
}

// ---------------------------------------------------------------------------
// Where clients connect, after a wildcard bind
// ---------------------------------------------------------------------------

/// What `server` printed between its first line and the first client's
/// arrival: the addresses it lists. A connection from `client` (a loopback
/// address) marks the end, and shows it can be reached there.
fn listed_addresses(server: &Server, client: SocketAddr) -> Vec<String> {
    let mut raw = Raw::connect(client);
    assert!(raw.ask("HELP").starts_with("HELP "));
    server.wait_for(" connected");
    raw.close();
    let log = server.log();
    let end = log.iter().position(|line| line.ends_with(" connected"));
    log[1..end.unwrap()].to_vec()
}

/// The `ADDRESS  LABEL` lines under the heading, as (address, label).
fn places(listed: &[String]) -> Vec<(SocketAddr, String)> {
    listed
        .iter()
        .filter_map(|line| line.strip_prefix("  "))
        .map(|place| {
            let (at, label) = place.split_once(' ').expect("ADDRESS  LABEL");
            (at.parse().expect("an address"), label.trim().to_owned())
        })
        .collect()
}

/// This machine's interface addresses of one family, as `if-addrs` (the
/// server's source too) sees them, without the IPv6 link-local ones.
fn interface_addresses(ipv4: bool) -> Vec<IpAddr> {
    let interfaces = if_addrs::get_if_addrs().expect("the interfaces can be listed");
    interfaces
        .iter()
        .map(|interface| interface.ip())
        .filter(|ip| ip.is_ipv4() == ipv4)
        .filter(|ip| !matches!(ip, IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfe80))
        .collect()
}

/// Starts `lesson` bound to the wildcard `bind` (which only listens) and
/// checks the list it prints: a heading, `loopback` first, then every
/// interface address of the same family, all with the bound port. Returns
/// the server, still running, and the lines after the list.
fn check_wildcard_list(lesson: &str, bind: &str, loopback: IpAddr) -> (Server, Vec<String>) {
    let server = Server::start_on(lesson, bind, &[], &[]);
    assert!(server.addr().ip().is_unspecified(), "{lesson}");
    let port = server.addr().port();
    let loopback = SocketAddr::new(loopback, port);
    let listed = listed_addresses(&server, loopback);
    let family = if loopback.is_ipv4() { "IPv4" } else { "IPv6" };
    assert_eq!(
        listed.first(),
        Some(&format!(
            "clients connect to one of this machine's {family} addresses:"
        )),
        "{lesson}: {listed:#?}"
    );
    let places = places(&listed);
    assert_eq!(
        places.first(),
        Some(&(loopback, "this machine only".to_owned())),
        "{lesson}: {listed:#?}"
    );
    for (at, _) in &places {
        let right_family = at.is_ipv4() == loopback.is_ipv4();
        assert!(right_family && at.port() == port, "{lesson}: {listed:#?}");
    }
    for ip in interface_addresses(loopback.is_ipv4()) {
        let found = places.iter().any(|(at, _)| at.ip() == ip);
        assert!(found, "{lesson} left out {ip}: {listed:#?}");
    }
    let after = listed[1 + places.len()..].to_vec();
    (server, after)
}

#[test]
fn after_binding_0_0_0_0_every_server_lists_where_clients_connect() {
    for lesson in harness::LESSONS {
        let loopback = IpAddr::from([127, 0, 0, 1]);
        let (_, after) = check_wildcard_list(lesson, "0.0.0.0:0", loopback);
        assert_eq!(after, Vec::<String>::new(), "{lesson}");
    }
}

#[test]
fn after_binding_ipv6_wildcard_the_server_lists_ipv6_addresses_and_says_if_ipv4_works_too() {
    if !harness::has_ipv6_loopback() {
        return;
    }
    // Lesson 01 binds with the standard library, lesson 03 with socket2.
    for lesson in ["lesson-01-blocking", "lesson-03-final"] {
        let loopback = IpAddr::from(std::net::Ipv6Addr::LOCALHOST);
        let (server, after) = check_wildcard_list(lesson, "[::]:0", loopback);
        // Whatever the server says about IPv4 must be what a client finds.
        let says_ipv4_works = match after.as_slice() {
            [] => false,
            [line] => line.starts_with("IPv4 clients can connect too"),
            more => panic!("{lesson}: {more:#?}"),
        };
        let ipv4_loopback = SocketAddr::from(([127, 0, 0, 1], server.addr().port()));
        let ipv4_works = TcpStream::connect_timeout(&ipv4_loopback, harness::WAIT).is_ok();
        assert_eq!(says_ipv4_works, ipv4_works, "{lesson}: {after:#?}");
        println!("{lesson} on [::] takes IPv4 too: {ipv4_works}");
    }
}

#[test]
fn a_server_bound_to_one_address_lists_nothing_more() {
    let server = Server::start(FINAL);
    let listed = listed_addresses(&server, server.addr());
    assert_eq!(listed, Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// The clients in Portuguese
// ---------------------------------------------------------------------------

/// Under a Portuguese locale the student's prompt, its answers and its
/// mistakes are Portuguese; the protocol's lines (`--raw`) are not.
#[test]
fn the_student_speaks_portuguese_under_a_portuguese_locale() {
    let server = Server::start(FINAL);
    once("teacher", &server, &["start", "9"]);
    let pt = [("LC_ALL", harness::PORTUGUESE)];
    let options = ["--server", &server.addr().to_string()];
    let run = clean(run_client_with(
        "student",
        &options,
        &[],
        "a1 9\nx-y 9\nquit\n",
        &pt,
    ));
    let expected = format!(
        "Conectado a {addr}.\n\
         Digite sua matrícula e a turma, por exemplo `042191010 42`; `quit` para sair.\n\
         aluno> a1 9\n\
         Presença registrada: aluno a1 na turma 9 em {t1}.\n\
         aluno> x-y 9\n\
         Não enviada: a matrícula tem de 1 a 32 letras ou dígitos.\n\
         aluno> quit\n",
        addr = server.addr(),
        t1 = in_portuguese(&reading(1).human()),
    );
    assert_success(&run, &expected);
    let raw = clean(run_client_with(
        "student",
        &options,
        &["--raw", "a1", "9"],
        "",
        &pt,
    ));
    assert_success(&raw, &format!("PRESENCE 9 {}\n", reading(1)));
}

/// A time as the Portuguese answers write it: `2026-11-24 10:15:03` becomes
/// `24/11/2026 às 10:15:03`.
fn in_portuguese(human: &str) -> String {
    let (date, time) = human.split_once(' ').unwrap();
    let [year, month, day]: [&str; 3] = date.split('-').collect::<Vec<_>>().try_into().unwrap();
    format!("{day}/{month}/{year} às {time}")
}

/// The language follows LC_ALL, then LC_MESSAGES, then LANG (the first set
/// and not empty), and `--lang` wins over all three.
#[test]
fn the_language_follows_the_locale_and_lang_wins() {
    let nowhere = ["--server", "127.0.0.1:1"];
    let refused = |env: &[(&str, &str)], args: &[&str]| {
        let run = clean(run_client_with("student", &nowhere, args, "", env));
        assert_eq!(run.code, Some(1), "{run:#?}");
        run.stderr
    };
    let portuguese =
        "student: não foi possível conectar-se a um servidor em 127.0.0.1:1 (conexão recusada";
    let english = "student: cannot reach a server at 127.0.0.1:1 (";
    let answer = ["a1", "9"];
    for (env, expected) in [
        // All three are given each time: the developer's own must not count.
        (
            &[
                ("LC_ALL", "pt_BR.UTF-8"),
                ("LC_MESSAGES", "C"),
                ("LANG", "C"),
            ][..],
            portuguese,
        ),
        (
            &[("LC_ALL", ""), ("LC_MESSAGES", "pt_BR"), ("LANG", "C")],
            portuguese,
        ),
        (
            &[("LC_ALL", ""), ("LC_MESSAGES", ""), ("LANG", "pt_BR.UTF-8")],
            portuguese,
        ),
        (
            &[
                ("LC_ALL", "C"),
                ("LC_MESSAGES", "pt_BR"),
                ("LANG", "pt_BR.UTF-8"),
            ],
            english,
        ),
        (
            &[
                ("LC_ALL", ""),
                ("LC_MESSAGES", "en_US.UTF-8"),
                ("LANG", "pt_BR.UTF-8"),
            ],
            english,
        ),
    ] {
        let said = refused(env, &answer);
        assert!(said.starts_with(expected), "{env:?}: {said}");
    }
    let said = refused(&[("LC_ALL", "C")], &["--lang", "pt-BR", "a1", "9"]);
    assert!(said.starts_with(portuguese), "{said}");
    let said = refused(&[("LC_ALL", "pt_BR.UTF-8")], &["--lang=en", "a1", "9"]);
    assert!(said.starts_with(english), "{said}");
}

/// `--help` and a bad command line's error are Portuguese too; the key
/// is never shown, in either language.
#[test]
fn help_and_usage_errors_speak_portuguese() {
    let pt = [("LC_ALL", harness::PORTUGUESE)];
    let help = clean(run_client_with("teacher", &[], &["--help"], "", &pt));
    assert_eq!(help.code, Some(0), "{help:#?}");
    for words in [
        "O cliente do professor",
        "Uso: teacher",
        "Comandos:",
        "Opções:",
        "Mostra esta ajuda",
        "[padrão: 127.0.0.1:5050]",
    ] {
        assert!(help.stdout.contains(words), "no {words:?}: {help:#?}");
    }
    for english in ["Usage", "Options:", "Print help", "default:", "env:"] {
        assert!(
            !help.stdout.contains(english),
            "{english:?} left: {help:#?}"
        );
    }
    let bad = clean(run_client_with(
        "teacher",
        &[],
        &["--key", "s3cr et", "start", "x"],
        "",
        &pt,
    ));
    assert_eq!(bad.code, Some(2), "{bad:#?}");
    assert!(bad.stderr.starts_with("erro: valor inválido"), "{bad:#?}");
    assert!(
        bad.stderr.contains("Para mais informações, use '--help'."),
        "{bad:#?}"
    );
    assert!(!bad.stderr.contains("s3cr"), "the key leaked: {bad:#?}");
}
