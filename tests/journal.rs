//! # Lesson 03's journal (step 5), tested on the real server process
//!
//! What `--journal` promises: every change a client was told about
//! survives `kill -9`, with its time and in its order; a torn last line is
//! cut off with a warning; a damaged line before it stops the start, naming
//! the line; one server per journal; compaction keeps every open roll call
//! and moves ended ones to their CSV files. And the teacher client's
//! `--csv`. Every server here runs in a temporary folder of its own.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use chamada::Response;
use harness::{binary, response, run_client_in, Server, WAIT};
use tempfile::TempDir;
use wait_timeout::ChildExt;

const LESSON: &str = "lesson-03-final";
const JOURNAL: &str = "chamada.journal";
const ENDED: &str = "chamada.ended";

/// Starts lesson 03 in `dir` on the journal `chamada.journal`.
fn journaled(dir: &Path, extra: &[&str]) -> Server {
    let args: Vec<&str> = ["--journal", JOURNAL]
        .iter()
        .chain(extra)
        .copied()
        .collect();
    Server::start_in(dir, LESSON, &args, &[])
}

/// The line the server prints after replaying its journal.
fn restored_line(server: &Server) -> String {
    server.wait_for(&format!("journal {JOURNAL}: "))
}

fn journal_text(dir: &Path) -> String {
    fs::read_to_string(dir.join(JOURNAL)).expect("the journal is text")
}

/// Runs lesson 03 on the journal in `dir`, expecting it to refuse to
/// start: returns its exit code, standard output and standard error.
fn refused_start(dir: &Path) -> (Option<i32>, String, String) {
    let mut child = Command::new(binary(LESSON))
        .current_dir(dir)
        .args(["--bind", "127.0.0.1:0", "--journal", JOURNAL])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let status = child.wait_timeout(WAIT).expect("wait works");
    let Some(status) = status else {
        let _ = child.kill();
        panic!("the server did not refuse within {WAIT:?}: it is running");
    };
    let output = child.wait_with_output().expect("its output");
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    (status.code(), text(output.stdout), text(output.stderr))
}

/// The students of `class` listed by `STATUS`, in order.
fn status_list(server: &Server, class: u32) -> Vec<String> {
    let line = server.connect().ask(&format!("STATUS {class}"));
    match response(&line) {
        Response::Status { students, .. } => students.iter().map(|s| s.to_string()).collect(),
        other => panic!("STATUS {class} was answered {other}"),
    }
}

/// The rows of every ended list in `dir`'s ended folder, by class: each
/// `(student, answered_at)`, in file order.
fn ended_lists(dir: &Path) -> HashMap<String, Vec<(String, String)>> {
    let mut lists: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for entry in fs::read_dir(dir.join(ENDED)).expect("the ended folder exists") {
        let mut csv = csv::Reader::from_path(entry.unwrap().path()).unwrap();
        for row in csv.records() {
            let row = row.unwrap();
            let list = lists.entry(row[0].to_owned()).or_default();
            list.push((row[2].to_owned(), row[3].to_owned()));
        }
    }
    lists
}

// ---------------------------------------------------------------------------
// kill -9 in the middle of a flood of answers.

/// Student connections answering at once.
const STUDENTS: usize = 24;
/// Classes they answer in.
const CLASSES: [u32; 3] = [1, 2, 3];
/// How many times the crash is played, each at another moment.
const ROUNDS: usize = 5;

/// What one student connection sent and was told.
#[derive(Default)]
struct Told {
    /// Every `PRESENT` it sent, as (class, student).
    sent: Vec<(String, String)>,
    /// The ones it was told were recorded, in order, with their time.
    acknowledged: Vec<(String, String, String)>,
}

/// A small random number generator (xorshift), seeded from the clock so
/// that each run kills at other moments; the seed is printed, to replay a
/// failure.
struct Dice(u64);

impl Dice {
    fn new() -> Dice {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let seed = u64::from(nanos) | 1;
        println!("random seed {seed}");
        Dice(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Answers the roll call as student connection `index`, a new student each
/// time, until the server goes away.
fn flood(addr: SocketAddr, index: usize, told: Arc<Mutex<Told>>) {
    let Ok(stream) = TcpStream::connect(addr) else {
        return;
    };
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let mut lines = BufReader::new(stream.try_clone().unwrap());
    let mut writer = &stream;
    for n in 0.. {
        let class = CLASSES[(index + n) % CLASSES.len()].to_string();
        let student = format!("s{index}n{n}");
        told.lock()
            .unwrap()
            .sent
            .push((class.clone(), student.clone()));
        if writeln!(writer, "PRESENT {student} {class}").is_err() {
            return;
        }
        let mut line = String::new();
        match lines.read_line(&mut line) {
            Ok(_) if line.ends_with('\n') => {}
            _ => return, // the server is gone (a line cut short was not told)
        }
        match response(line.trim_end()) {
            Response::Presence { class: Some(_), at } => {
                let acknowledged = (class, student, at.to_string());
                told.lock().unwrap().acknowledged.push(acknowledged);
            }
            other => panic!("PRESENT was answered {other}"),
        }
    }
}

/// Waits until the students have been told of at least `count` presences.
fn wait_for_answers(told: &[Arc<Mutex<Told>>], count: usize) {
    let deadline = Instant::now() + WAIT;
    while told
        .iter()
        .map(|t| t.lock().unwrap().acknowledged.len())
        .sum::<usize>()
        < count
    {
        assert!(Instant::now() < deadline, "fewer than {count} answers");
        thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn every_acknowledged_presence_survives_kill_9() {
    let mut dice = Dice::new();
    for round in 1..=ROUNDS {
        let dir = TempDir::new().unwrap();
        let server = journaled(dir.path(), &[]);
        let mut teacher = server.connect();
        let started: Vec<String> = CLASSES
            .iter()
            .map(|class| teacher.ask(&format!("START {class}")))
            .collect();
        teacher.close();

        let told: Vec<Arc<Mutex<Told>>> = (0..STUDENTS).map(|_| Arc::default()).collect();
        let students: Vec<_> = told
            .iter()
            .enumerate()
            .map(|(index, told)| {
                let (addr, told) = (server.addr(), Arc::clone(told));
                thread::spawn(move || flood(addr, index, told))
            })
            .collect();
        // Kill at a random moment once answers are flowing.
        wait_for_answers(&told, 20);
        let pause = dice.below(300);
        println!("round {round}: kill -9 after a further {pause} ms");
        thread::sleep(Duration::from_millis(pause));
        server.kill();
        for student in students {
            student.join().expect("a student thread panicked");
        }

        let server = journaled(dir.path(), &[]);
        println!("round {round}: {}", restored_line(&server));
        // The roll calls are open again, since the same moments.
        for (class, started) in CLASSES.iter().zip(&started) {
            let status = server.connect().ask(&format!("STATUS {class}"));
            let started = started.strip_prefix("STARTED ").unwrap();
            assert!(
                status.starts_with(&format!("STATUS {started} ")),
                "{status}"
            );
        }
        check_lists(&server, dir.path(), &told);
    }
}

/// Ends every class and checks its list (saved in the ended folder, with
/// answer times) against what the students sent and were told: every
/// acknowledged presence there, at the time told, in each connection's
/// order; nobody twice; nobody who never answered.
fn check_lists(server: &Server, dir: &Path, told: &[Arc<Mutex<Told>>]) {
    let mut teacher = server.connect();
    for class in CLASSES {
        assert!(teacher.ask(&format!("END {class}")).starts_with("ENDED "));
    }
    let lists = ended_lists(dir);
    let told: Vec<_> = told.iter().map(|t| t.lock().unwrap()).collect();
    let sent: HashSet<&(String, String)> = told.iter().flat_map(|t| &t.sent).collect();
    for (class, list) in &lists {
        let mut seen = HashSet::new();
        for (student, _) in list {
            assert!(
                seen.insert(student),
                "{student} listed twice in class {class}"
            );
            let answered = sent.contains(&(class.clone(), student.clone()));
            assert!(answered, "{student} listed in class {class} never answered");
        }
    }
    let mut acknowledged = 0;
    for told in &told {
        let mut last_place: HashMap<&str, usize> = HashMap::new();
        for (class, student, at) in &told.acknowledged {
            let list = &lists[class];
            let place = list.iter().position(|(s, _)| s == student);
            let place = place.unwrap_or_else(|| panic!("{student} of class {class} was lost"));
            assert_eq!(&list[place].1, at, "{student}'s time in class {class}");
            let before = last_place.insert(class, place);
            assert!(
                before < Some(place),
                "{student} out of order in class {class}"
            );
        }
        acknowledged += told.acknowledged.len();
    }
    println!("{acknowledged} acknowledged presences all found");
}

// ---------------------------------------------------------------------------
// Damage.

/// A journal in `dir` with class 42 open and students a and b answered;
/// the server that wrote it is killed.
fn write_journal(dir: &Path) -> String {
    let server = journaled(dir, &[]);
    let mut raw = server.connect();
    for request in ["START 42", "PRESENT a 42", "PRESENT b 42"] {
        raw.ask(request);
    }
    raw.close();
    server.kill();
    let text = journal_text(dir);
    assert_eq!(text.lines().count(), 3, "{text}");
    text
}

#[test]
fn a_torn_last_line_is_cut_off_with_a_warning() {
    for (torn, warning) in [
        // The server stopped in the middle of a line...
        (
            "2026-11-24T10:16:00-03:00 PRESENT c 4",
            "line 4 is incomplete",
        ),
        // ...or the line's end reached the disk and its middle did not.
        (
            "2026-11-24T10:16:00-03:00 PRESENT c 42 crc32=00000000\n",
            "line 4, the last, is damaged",
        ),
    ] {
        let dir = TempDir::new().unwrap();
        let written = write_journal(dir.path());
        fs::write(dir.path().join(JOURNAL), format!("{written}{torn}")).unwrap();
        let server = journaled(dir.path(), &[]);
        let line = server.wait_for(warning);
        assert!(line.contains("cut off"), "{line}");
        assert_eq!(
            restored_line(&server),
            "journal chamada.journal: 1 roll call open, 2 presences restored"
        );
        assert_eq!(status_list(&server, 42), ["a", "b"]);
        // Cut off for good: the journal is what it was before the tear.
        assert_eq!(journal_text(dir.path()), written);
    }
}

#[test]
fn a_damaged_line_before_the_last_stops_the_start() {
    let dir = TempDir::new().unwrap();
    let written = write_journal(dir.path());
    let damaged = written.replacen("PRESENT a 42", "PRESENT x 42", 1);
    fs::write(dir.path().join(JOURNAL), &damaged).unwrap();
    let (code, stdout, stderr) = refused_start(dir.path());
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("line 2 is damaged"), "{stderr}");
    assert!(!stdout.contains("listening"), "it never listened: {stdout}");
    assert_eq!(
        journal_text(dir.path()),
        damaged,
        "the journal was not touched"
    );
}

#[test]
fn a_second_server_on_the_same_journal_is_refused() {
    let dir = TempDir::new().unwrap();
    let first = journaled(dir.path(), &[]);
    assert!(first.connect().ask("START 42").starts_with("STARTED 42 "));
    let (code, stdout, stderr) = refused_start(dir.path());
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("in use by another server"), "{stderr}");
    assert!(!stdout.contains("listening"), "it never listened: {stdout}");
    // The first one carries on, its journal intact.
    assert!(first
        .connect()
        .ask("PRESENT a 42")
        .starts_with("PRESENCE 42 "));
    first.kill();
    let second = journaled(dir.path(), &[]);
    assert_eq!(status_list(&second, 42), ["a"]);
}

// ---------------------------------------------------------------------------
// Compaction, ended lists, shutdown.

#[test]
fn compaction_keeps_every_open_roll_call() {
    let dir = TempDir::new().unwrap();
    let server = journaled(dir.path(), &["--compact-journal-at", "3000"]);
    let mut raw = server.connect();
    raw.ask("START 1");
    raw.ask("START 2");
    raw.ask("PRESENT early 2");
    assert!(raw.ask("END 2").starts_with("ENDED 2 "));
    // About 60 bytes a record: the journal passes 3,000 bytes, and is
    // compacted, well before 100 answers.
    let students: Vec<String> = (0..100).map(|n| format!("s{n}")).collect();
    for student in &students {
        assert!(raw
            .ask(&format!("PRESENT {student} 1"))
            .starts_with("PRESENCE 1 "));
    }
    server.wait_for("compacted to");
    let text = journal_text(dir.path());
    assert!(
        text.starts_with("2026-11-24T10:15:00-03:00 START 1 "),
        "{text}"
    );
    assert!(
        !text.contains(" 2 crc32="),
        "class 2 ended, yet is still in {text}"
    );
    raw.close();
    server.kill();

    let server = journaled(dir.path(), &[]);
    assert_eq!(
        restored_line(&server),
        "journal chamada.journal: 1 roll call open, 100 presences restored"
    );
    assert_eq!(status_list(&server, 1), students);
    let line = server.connect().ask("STATUS 2");
    assert!(line.starts_with("ERROR not-open "), "{line}");
    // Class 2's list left the journal, but not before it was in its file.
    let lists = ended_lists(dir.path());
    let early = ("early".to_owned(), "2026-11-24T10:15:06-03:00".to_owned());
    assert_eq!(lists["2"], [early]);
}

#[cfg(unix)]
#[test]
fn a_graceful_stop_says_where_the_lists_are() {
    let dir = TempDir::new().unwrap();
    let server = journaled(dir.path(), &[]);
    server.connect().ask("START 42");
    let status = Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let (code, log) = server.wait_exit();
    assert_eq!(code, Some(0), "{log:#?}");
    let last = log.last().expect("it said something");
    assert!(
        last.contains("the journal chamada.journal keeps the roll calls still open")
            && last.contains("chamada.ended/"),
        "{log:#?}"
    );
    let server = journaled(dir.path(), &[]);
    assert!(restored_line(&server).ends_with(": 1 roll call open, 0 presences restored"));
}

// ---------------------------------------------------------------------------
// The teacher client's --csv.

fn csv_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

#[test]
fn the_teacher_saves_a_list_as_csv() {
    let dir = TempDir::new().unwrap();
    let server = Server::start(LESSON);
    let addr = server.addr();
    let teacher = |args: &[&str]| run_client_in(dir.path(), "teacher", addr, args, "");
    assert_eq!(teacher(&["start", "42"]).code, Some(0));
    for student in ["042191010", "205182055"] {
        server.connect().ask(&format!("PRESENT {student} 42"));
    }

    let status = teacher(&["status", "42", "--csv", "now.csv"]);
    assert_eq!(status.code, Some(0), "{status:?}");
    assert!(
        status.stdout.contains("List saved in now.csv."),
        "{status:?}"
    );
    assert_eq!(
        fs::read_to_string(csv_path(dir.path(), "now.csv")).unwrap(),
        "class,order,student,roll_call_opened\n\
         42,1,042191010,2026-11-24T10:15:00-03:00\n\
         42,2,205182055,2026-11-24T10:15:00-03:00\n"
    );
    // It says where the lists with answer times are.
    assert!(status.stdout.contains("chamada.ended/"), "{status:?}");

    // A file that cannot be written is found out before the roll call ends.
    let nowhere = teacher(&["end", "42", "--csv", "no/such/folder/list.csv"]);
    assert_eq!(nowhere.code, Some(1), "{nowhere:?}");
    assert!(
        nowhere
            .stderr
            .contains("cannot write no/such/folder/list.csv"),
        "{nowhere:?}"
    );
    assert_eq!(status_list(&server, 42).len(), 2, "still open");

    let end = teacher(&["end", "42", "--csv", "attendance-42.csv"]);
    assert_eq!(end.code, Some(0), "{end:?}");
    let saved = fs::read_to_string(csv_path(dir.path(), "attendance-42.csv")).unwrap();
    let rows: Vec<&str> = saved.lines().collect();
    assert_eq!(rows.len(), 3, "{saved}");
    // No column the client cannot fill: the protocol sends no answer times.
    assert_eq!(rows[0], "class,order,student,roll_call_closed", "{saved}");
    assert!(rows[2].starts_with("42,2,205182055,2026-11-24T"), "{saved}");

    // Refused: no list, so no file.
    let refused = teacher(&["end", "42", "--csv", "late.csv"]);
    assert_eq!(refused.code, Some(1), "{refused:?}");
    assert!(!csv_path(dir.path(), "late.csv").exists());
}
