//! # Lesson 03's journal (step 5), tested on the real server process
//!
//! What `--journal` promises: every change a client was told about
//! survives `kill -9`, with its time and in its order, compaction or not;
//! an unfinished last batch is cut off, the original kept beside it; any
//! other damage stops the start, naming the line; one server per journal,
//! even when two start together; nothing on disk changes before the lock
//! is held and the port bound; compaction keeps every open roll call,
//! moves ended ones to their CSV files, and a compaction that fails changes
//! nothing; closed or unread outputs and a full disk never cost an
//! acknowledged change. And the teacher client's `--csv`. Every server
//! here runs in a temporary folder of its own.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
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

/// Lesson 03's steps with a journal: step 5 brings it, step 6 (the final
/// server) compacts it and saves the lists of ended roll calls.
const JOURNALED: [&str; 2] = ["lesson-03-5-durability", LESSON];

thread_local! {
    /// The step a test is running against (see [`for_each_journaled_step`]).
    static STEP: std::cell::Cell<&'static str> = const { std::cell::Cell::new(LESSON) };
}

/// The step the running test is about.
fn step() -> &'static str {
    STEP.with(|step| step.get())
}

/// Runs `test` against each step that has a journal: what step 5 promises,
/// step 6 must keep.
fn for_each_journaled_step(test: impl Fn()) {
    for lesson in JOURNALED {
        println!("--- checking {lesson}");
        STEP.with(|step| step.set(lesson));
        test();
    }
}

/// Whether the step under test saves the lists of ended roll calls as CSV.
fn saves_ended_lists() -> bool {
    step() == LESSON
}
const JOURNAL: &str = "chamada.journal";
const ENDED: &str = "chamada.ended";

/// Starts lesson 03 in `dir` on the journal `chamada.journal`.
fn journaled(dir: &Path, extra: &[&str]) -> Server {
    let args: Vec<&str> = ["--journal", JOURNAL]
        .iter()
        .chain(extra)
        .copied()
        .collect();
    Server::start_in(dir, step(), &args, &[])
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
    let mut child = Command::new(binary(step()))
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
        // One write per request: a line written in pieces would wait for
        // the server's delayed acknowledgement (Nagle's algorithm).
        let request = format!("PRESENT {student} {class}\n");
        if writer.write_all(request.as_bytes()).is_err() {
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
    for_each_journaled_step(survive_kill_9);
}

fn survive_kill_9() {
    let mut dice = Dice::new();
    for round in 1..=ROUNDS {
        let dir = TempDir::new().unwrap();
        // Every other round, the journal is compacted again and again
        // while the students answer.
        let compacted: &[&str] = match round % 2 {
            0 if step() == LESSON => &["--compact-journal-at", "20000"],
            _ => &[],
        };
        let server = journaled(dir.path(), compacted);
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
    let mut ended = HashMap::new();
    for class in CLASSES {
        let answer = teacher.ask(&format!("END {class}"));
        assert!(answer.starts_with("ENDED "), "{answer}");
        // Without the lists' files (step 5), the ENDED line: students in
        // order, without their times.
        let students = answer
            .split(' ')
            .skip(4)
            .map(|s| (s.to_owned(), String::new()));
        ended.insert(class.to_string(), students.collect::<Vec<_>>());
    }
    let lists = match saves_ended_lists() {
        true => ended_lists(dir),
        false => ended,
    };
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
            if saves_ended_lists() {
                assert_eq!(&list[place].1, at, "{student}'s time in class {class}");
            }
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
// Damage: an unfinished last batch is cut off, with the original kept
// beside the journal; any other damage stops the start, touching nothing.

/// Students answering in [`write_journal`]'s journal, one batch each.
const ANSWERS: usize = 60;

/// A journal written by the server in `dir`: class 42 opened, then
/// [`ANSWERS`] students `s0`, `s1` ... answering one at a time, so each
/// change is a batch of its own: line 1 is the start's empty batch, lines
/// 2-3 the `START`, and student `sN`'s record is line `2N + 4`, its
/// `COMMIT` the next. The server is killed at the end.
fn write_journal(dir: &Path) -> String {
    let server = journaled(dir, &[]);
    let mut raw = server.connect();
    assert!(raw.ask("START 42").starts_with("STARTED 42 "));
    for n in 0..ANSWERS {
        assert!(raw
            .ask(&format!("PRESENT s{n} 42"))
            .starts_with("PRESENCE 42 "));
    }
    raw.close();
    server.kill();
    let text = journal_text(dir);
    assert_eq!(text.lines().count(), 3 + 2 * ANSWERS, "{text}");
    text
}

/// The first `n` students of [`write_journal`].
fn students(n: usize) -> Vec<String> {
    (0..n).map(|n| format!("s{n}")).collect()
}

/// How many students of [`write_journal`] have their `COMMIT` line whole
/// in `bytes` (a journal cut short or zeroed from some point on).
fn committed_students(bytes: &[u8]) -> usize {
    let whole_lines = bytes
        .split_inclusive(|&b| b == b'\n')
        .filter(|l| l.ends_with(b"\n"));
    let commits = whole_lines
        .filter(|l| l.windows(8).any(|w| w == b" COMMIT "))
        .count();
    commits.saturating_sub(2) // the start's empty batch and the START's
}

/// CRC-32 (the journal's checksum), computed here so that the test can
/// write lines the server never wrote.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A batch the server was writing when the power went: `records` more
/// answers to class 42 after `journal`, numbered on from its last line,
/// with their `COMMIT`.
fn unacknowledged_batch(journal: &str, records: usize) -> String {
    let line = |text: String| format!("{text} crc32={:08x}\n", crc32(text.as_bytes()));
    let last = journal.lines().last().unwrap();
    let first_seq: usize = last.split(' ').next().unwrap().parse::<usize>().unwrap() + 1;
    let mut batch = String::new();
    for n in 0..records {
        let seq = first_seq + n;
        batch.push_str(&line(format!(
            "{seq} 2026-11-24T10:30:00-03:00 PRESENT late{n} 42"
        )));
    }
    let seq = first_seq + records;
    let sum = crc32(batch.as_bytes());
    batch + &line(format!("{seq} COMMIT {records} batch={sum:08x}"))
}

/// What the server must do with a damaged journal.
enum Expect {
    /// Start, with the first `usize` students restored, after keeping the
    /// damaged journal beside it.
    Starts(usize),
    /// Refuse to start, naming this line, touching nothing.
    Refuses(usize),
}

/// `text` with its lines changed by `change`.
fn edited(text: &str, change: impl Fn(&mut Vec<&str>)) -> String {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    change(&mut lines);
    lines.concat()
}

#[test]
fn damage_is_cut_off_only_in_the_last_batch_and_never_without_a_copy() {
    for_each_journaled_step(
        damage_is_cut_off_only_in_the_last_batch_and_never_without_a_copy_on_one_step,
    );
}

fn damage_is_cut_off_only_in_the_last_batch_and_never_without_a_copy_on_one_step() {
    let written = {
        let dir = TempDir::new().unwrap();
        write_journal(dir.path())
    };
    let bytes = written.as_bytes();
    let half = bytes[..bytes.len() / 2].to_vec();
    let mut zeroed = bytes.to_vec();
    let end = zeroed.len();
    zeroed[end - 4096..].fill(0);
    let mut flipped_last = bytes.to_vec();
    flipped_last[end - 12] ^= 0x01;
    let late = unacknowledged_batch(&written, 6);
    let mut torn_late = format!("{written}{late}").into_bytes();
    let second = written.len() + late.split_inclusive('\n').next().unwrap().len();
    torn_late[second + 20..second + 90].fill(0); // records 2 and 3 of 6
    let mut flipped_early = bytes.to_vec();
    let line_40 = written
        .split_inclusive('\n')
        .take(39)
        .map(str::len)
        .sum::<usize>();
    flipped_early[line_40 + 40] ^= 0x01;

    let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
        (
            "cut in the middle",
            half.clone(),
            Expect::Starts(committed_students(&half)),
        ),
        (
            "last 4 KiB zeroed",
            zeroed.clone(),
            Expect::Starts(committed_students(&zeroed)),
        ),
        (
            "a byte flipped in the last line",
            flipped_last,
            Expect::Starts(ANSWERS - 1),
        ),
        (
            "zeros inside an unacknowledged last batch",
            torn_late,
            Expect::Starts(ANSWERS),
        ),
        (
            "a deleted line",
            edited(&written, |lines| {
                lines.remove(19);
            })
            .into_bytes(),
            Expect::Refuses(20),
        ),
        (
            "two swapped lines",
            edited(&written, |lines| lines.swap(29, 31)).into_bytes(),
            Expect::Refuses(30),
        ),
        (
            "a byte flipped in an earlier batch",
            flipped_early,
            Expect::Refuses(40),
        ),
    ];
    for (case, damaged, expect) in cases {
        println!("--- {case}");
        let dir = TempDir::new().unwrap();
        fs::write(dir.path().join(JOURNAL), &damaged).unwrap();
        match expect {
            Expect::Starts(restored) => {
                let server = journaled(dir.path(), &[]);
                assert_eq!(
                    restored_line(&server),
                    format!(
                        "journal chamada.journal: 1 roll call open, {restored} presences restored"
                    )
                );
                assert_eq!(status_list(&server, 42), students(restored), "{case}");
                // The journal as it was is kept, byte for byte, and the log says where.
                let kept = damaged_copies(dir.path());
                assert_eq!(kept.len(), 1, "{case}: {kept:?}");
                assert_eq!(fs::read(&kept[0]).unwrap(), damaged, "{case}");
                let name = kept[0].file_name().unwrap().to_string_lossy().into_owned();
                let warning = wait_for_error(&server, &name);
                assert!(warning.contains("never acknowledged"), "{warning}");
            }
            Expect::Refuses(line) => {
                let (code, stdout, stderr) = refused_start(dir.path());
                assert_eq!(code, Some(1), "{case}: {stdout}{stderr}");
                assert!(
                    stderr.contains(&format!("line {line} is damaged")),
                    "{case}: {stderr}"
                );
                assert!(stderr.contains("at risk"), "{case}: {stderr}");
                assert!(
                    !stdout.contains("listening"),
                    "{case}: it never listened: {stdout}"
                );
                assert_eq!(
                    fs::read(dir.path().join(JOURNAL)).unwrap(),
                    damaged,
                    "{case}"
                );
                assert!(damaged_copies(dir.path()).is_empty(), "{case}");
            }
        }
    }
}

/// The copies of damaged journals kept in `dir`.
fn damaged_copies(dir: &Path) -> Vec<PathBuf> {
    let mut copies: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.to_string_lossy().contains(".journal.damaged-"))
        .collect();
    copies.sort();
    copies
}

/// Waits (boundedly) for the server to log a line containing `text` on its
/// standard error, and returns it.
fn wait_for_error(server: &Server, text: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(line) = server.errors().into_iter().find(|l| l.contains(text)) {
            return line;
        }
        assert!(
            Instant::now() < deadline,
            "no {text:?} in {:#?}",
            server.errors()
        );
        thread::sleep(Duration::from_millis(10));
    }
}

// ---------------------------------------------------------------------------
// One server per journal.

#[test]
fn a_second_server_on_the_same_journal_is_refused() {
    for_each_journaled_step(a_second_server_on_the_same_journal_is_refused_on_one_step);
}

fn a_second_server_on_the_same_journal_is_refused_on_one_step() {
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

/// Builds tests/delay_flock.c, which makes every `flock` sleep first, into
/// `dir`; `None` (with a note) where there is no C compiler.
#[cfg(target_os = "linux")]
fn delayed_flock(dir: &Path) -> Option<PathBuf> {
    shim(dir, "delay_flock")
}

/// Builds the `LD_PRELOAD` library `tests/NAME.c` into `dir`, or says why
/// not (no C compiler) and returns `None`.
fn shim(dir: &Path, name: &str) -> Option<PathBuf> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/{name}.c"));
    let library = dir.join(format!("{name}.so"));
    let built = Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&library)
        .arg(&source)
        .arg("-ldl")
        .status();
    match built {
        Ok(status) if status.success() => Some(library),
        _ => {
            println!("note: cannot build {} with cc; skipping", source.display());
            None
        }
    }
}

/// The first line `child` prints, if any, within [`WAIT`].
fn first_line(child: &mut std::process::Child) -> Option<String> {
    let stdout = child.stdout.take().unwrap();
    let (sender, line) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let mut first = String::new();
        let _ = BufReader::new(stdout).read_line(&mut first);
        let _ = sender.send(first);
    });
    let first = line
        .recv_timeout(WAIT)
        .expect("the server says something or exits");
    (!first.is_empty()).then_some(first)
}

/// Two servers started at the same moment on one folder, with a pause
/// between opening and locking a file: exactly one may serve. (With the
/// journal itself locked, and renamed over by compaction, both did in
/// nearly every try.)
#[cfg(target_os = "linux")]
#[test]
fn two_servers_started_together_never_share_a_journal() {
    for_each_journaled_step(two_servers_started_together_never_share_a_journal_on_one_step);
}

fn two_servers_started_together_never_share_a_journal_on_one_step() {
    const TRIES: usize = 20;
    let build = TempDir::new().unwrap();
    let Some(shim) = delayed_flock(build.path()) else {
        return;
    };
    for attempt in 1..=TRIES {
        let dir = TempDir::new().unwrap();
        let start = || {
            Command::new(binary(step()))
                .current_dir(dir.path())
                .args(["--bind", "127.0.0.1:0", "--journal", JOURNAL])
                .env("LD_PRELOAD", &shim)
                .env("DELAY_FLOCK_US", "2000")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("the server starts")
        };
        let mut servers = [start(), start()];
        let listening: Vec<Option<String>> = servers.iter_mut().map(first_line).collect();
        for server in &mut servers {
            let _ = server.kill();
            let _ = server.wait();
        }
        let serving = listening
            .iter()
            .flatten()
            .filter(|l| l.starts_with("listening on"))
            .count();
        assert_eq!(serving, 1, "try {attempt}: {listening:?}");
    }
}

/// Runs lesson 03 on the journal in `dir` bound to `bind`, expecting it to
/// refuse to start: returns its exit code and standard error.
fn refused_start_on(dir: &Path, bind: &str) -> (Option<i32>, String) {
    let output = Command::new(binary(step()))
        .current_dir(dir)
        .args(["--bind", bind, "--journal", JOURNAL])
        .stdin(Stdio::null())
        .output()
        .expect("the server runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_server_that_cannot_listen_changes_nothing_on_disk() {
    for_each_journaled_step(a_server_that_cannot_listen_changes_nothing_on_disk_on_one_step);
}

fn a_server_that_cannot_listen_changes_nothing_on_disk_on_one_step() {
    let dir = TempDir::new().unwrap();
    let written = write_journal(dir.path());
    // An unfinished last batch: a server that starts would cut it off.
    let damaged = &written[..written.len() - 10];
    if saves_ended_lists() {
        fs::remove_dir_all(dir.path().join(ENDED)).unwrap();
    }
    fs::write(dir.path().join(JOURNAL), damaged).unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let (code, stderr) = refused_start_on(dir.path(), &taken.local_addr().unwrap().to_string());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("cannot listen"), "{stderr}");
    let untouched = journal_text(dir.path()) == damaged;
    assert!(untouched, "the journal was changed");
    assert!(damaged_copies(dir.path()).is_empty());
    assert!(!dir.path().join(ENDED).exists(), "no folder was made");
}

/// A reply leaves only after the sync that covers its change, also with
/// the sync on a thread of its own (step 6): when the disk fails every sync
/// after the one at start, the first change is never acknowledged, and the
/// server stops, saying why.
#[cfg(target_os = "linux")]
#[test]
fn a_change_whose_sync_fails_is_never_acknowledged() {
    for_each_journaled_step(a_change_whose_sync_fails_is_never_acknowledged_on_one_step);
}

#[cfg(target_os = "linux")]
fn a_change_whose_sync_fails_is_never_acknowledged_on_one_step() {
    let dir = TempDir::new().unwrap();
    let Some(library) = shim(dir.path(), "fail_fdatasync") else {
        return;
    };
    let mut server = Command::new(binary(step()))
        .current_dir(dir.path())
        .args(["--bind", "127.0.0.1:0", "--journal", JOURNAL])
        .env("LD_PRELOAD", &library)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let first = first_line(&mut server).expect("the server says where it listens");
    let addr = first
        .trim()
        .strip_prefix("listening on ")
        .expect("listening on");
    let mut teacher = harness::Raw::connect(addr.parse().unwrap());
    teacher.send("START 42\n");
    assert!(
        teacher.is_closed(),
        "the START was acknowledged without a sync"
    );
    let status = server
        .wait_timeout(WAIT)
        .unwrap()
        .expect("the server stopped");
    assert_eq!(status.code(), Some(1));
    let mut errors = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut errors)
        .unwrap();
    assert!(errors.contains("cannot make changes durable"), "{errors}");
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
    // About 100 bytes a request (its record and its COMMIT): the journal
    // passes 3,000 bytes, and is compacted, well before 100 answers.
    let students: Vec<String> = (0..100).map(|n| format!("s{n}")).collect();
    for student in &students {
        assert!(raw
            .ask(&format!("PRESENT {student} 1"))
            .starts_with("PRESENCE 1 "));
    }
    server.wait_for("compacted to");
    let text = journal_text(dir.path());
    let first = text.lines().next().unwrap();
    assert!(
        first.contains(" 2026-11-24T10:15:00-03:00 START 1 ") && !first.starts_with("1 "),
        "the journal starts with the open roll call, numbered on: {text}"
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
    let files: Vec<_> = fs::read_dir(dir.path().join(ENDED)).unwrap().collect();
    assert_eq!(files.len(), 1, "one list, no temporary file: {files:?}");
}

// ---------------------------------------------------------------------------
// Outputs that are closed, or that nobody reads, change nothing.

/// What becomes of one of the server's outputs once it is listening.
#[derive(Clone, Copy, Debug)]
enum Output {
    /// Read, line by line.
    Read,
    /// Kept open and never read: the pipe fills up.
    Unread,
    /// Closed: every later write finds a broken pipe.
    Closed,
}

/// A server started with its outputs treated as told.
struct Treated {
    child: std::process::Child,
    addr: SocketAddr,
    /// What is read of its standard error (with [`Output::Read`]).
    errors: Arc<Mutex<String>>,
    /// Pipes kept open and unread.
    _unread: Vec<Box<dyn Send>>,
}

impl Drop for Treated {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Treated {
    fn start(dir: &Path, args: &[&str], stdout: Output, stderr: Output) -> Treated {
        let mut child = Command::new(binary(step()))
            .current_dir(dir)
            .args(["--bind", "127.0.0.1:0", "--journal", JOURNAL])
            .args(args)
            .env("CHAMADA_CLOCK", harness::CLOCK_START)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let mut unread: Vec<Box<dyn Send>> = Vec::new();
        let errors = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().unwrap();
        match stderr {
            Output::Read => {
                let errors = Arc::clone(&errors);
                thread::spawn(move || {
                    for line in BufReader::new(pipe).lines() {
                        let Ok(line) = line else { break };
                        errors.lock().unwrap().push_str(&(line + "\n"));
                    }
                });
            }
            Output::Unread => unread.push(Box::new(pipe)),
            Output::Closed => drop(pipe),
        }
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        let addr = first.trim().strip_prefix("listening on ").map(str::parse);
        let Some(Ok(addr)) = addr else {
            let _ = child.kill();
            panic!("not listening: {first:?}");
        };
        match stdout {
            Output::Read => {
                thread::spawn(move || out.lines().map_while(Result::ok).for_each(drop));
            }
            Output::Unread => unread.push(Box::new(out)),
            Output::Closed => drop(out),
        }
        Treated {
            child,
            addr,
            errors,
            _unread: unread,
        }
    }

    /// Sends SIGTERM, and returns the exit code.
    #[cfg(unix)]
    fn terminate(mut self) -> Option<i32> {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        assert!(status.unwrap().success());
        self.exit_code()
    }

    /// Waits for the server to exit, and returns its code.
    fn exit_code(&mut self) -> Option<i32> {
        let status = self.child.wait_timeout(WAIT).unwrap();
        let status = status.unwrap_or_else(|| {
            let _ = self.child.kill();
            panic!("the server did not exit")
        });
        status.code()
    }
}

/// Answers `count` presences in class 9, numbered from `from`, each on a
/// new connection (so the log grows with every one), checking each reply.
fn answer_one_by_one(addr: SocketAddr, from: usize, count: usize) {
    for n in from..from + count {
        let mut student = harness::Raw::connect(addr);
        let answer = student.ask(&format!("PRESENT s{n} 9"));
        assert!(answer.starts_with("PRESENCE 9 "), "student {n}: {answer}");
        student.close();
    }
}

/// Serves 1,500 connections, the journal compacted every few hundred, with
/// the server's outputs treated as told; stops it with SIGTERM, which must
/// exit 0; and checks that a server started again on the journal has
/// every acknowledged presence.
#[cfg(unix)]
fn serve_under_compaction(stdout: Output, stderr: Output) {
    const COUNT: usize = 1_500;
    println!("--- standard output {stdout:?}, standard error {stderr:?}");
    let dir = TempDir::new().unwrap();
    let server = Treated::start(
        dir.path(),
        &["--compact-journal-at", "20000"],
        stdout,
        stderr,
    );
    let mut teacher = harness::Raw::connect(server.addr);
    assert!(teacher.ask("START 9").starts_with("STARTED 9 "));
    answer_one_by_one(server.addr, 0, COUNT);
    teacher.close();
    assert_eq!(server.terminate(), Some(0));
    let first = journal_text(dir.path()).lines().next().unwrap().to_owned();
    assert!(!first.starts_with("1 "), "it was compacted: {first}");
    let again = journaled(dir.path(), &[]);
    assert_eq!(status_list(&again, 9), students_9(COUNT));
}

fn students_9(count: usize) -> Vec<String> {
    (0..count).map(|n| format!("s{n}")).collect()
}

#[cfg(unix)]
#[test]
fn compaction_with_a_standard_output_closed_or_unread_or_a_standard_error_closed() {
    serve_under_compaction(Output::Closed, Output::Read);
    serve_under_compaction(Output::Unread, Output::Read);
    serve_under_compaction(Output::Read, Output::Closed);
}

// ---------------------------------------------------------------------------
// A full disk (a small tmpfs, mounted for the test; Linux, as root).

/// A tmpfs of 6 MiB mounted on a folder of its own, unmounted when dropped.
struct SmallDisk {
    dir: TempDir,
}

impl SmallDisk {
    /// Mounts it, or says why not and returns `None`.
    #[cfg(target_os = "linux")]
    fn mount() -> Option<SmallDisk> {
        let dir = TempDir::new().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=6m", "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status();
        if !mounted.is_ok_and(|status| status.success()) {
            println!("note: cannot mount a tmpfs here (not root?); skipping");
            return None;
        }
        Some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills the disk with a file `filler`, leaving about `free` bytes.
    fn fill(&self, free: u64) {
        let path = self.path().join("filler");
        let mut filler = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap();
        let chunk = vec![b'x'; 64 << 10];
        while filler.write_all(&chunk).is_ok() {}
        let _ = filler.sync_all();
        let full = fs::metadata(&path).unwrap().len();
        filler.set_len(full.saturating_sub(free)).unwrap();
    }

    /// Frees what [`SmallDisk::fill`] took.
    fn free(&self) {
        fs::remove_file(self.path().join("filler")).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// The ids of the threads of process `pid` (Linux).
#[cfg(target_os = "linux")]
fn threads(pid: u32) -> HashSet<String> {
    let tasks = fs::read_dir(format!("/proc/{pid}/task")).unwrap();
    let ids = tasks
        .flatten()
        .map(|task| task.file_name().to_string_lossy().into_owned());
    ids.collect()
}

/// A compaction that runs out of room fails alone: the server keeps
/// serving on the journal as it was, removes the new file, and loses
/// nothing; with its standard error read, or closed.
#[cfg(target_os = "linux")]
#[test]
fn a_compaction_that_fails_keeps_serving_and_cleans_up() {
    for stderr in [Output::Read, Output::Closed] {
        println!("--- standard error {stderr:?}");
        let Some(disk) = SmallDisk::mount() else {
            return;
        };
        let args = ["--compact-journal-at", "150000"];
        let server = Treated::start(disk.path(), &args, Output::Read, stderr);
        let mut raw = harness::Raw::connect(server.addr);
        assert!(raw.ask("START 9").starts_with("STARTED 9 "));
        let size = || fs::metadata(disk.path().join(JOURNAL)).unwrap().len();
        let mut n = 0;
        let mut answer_until = |bytes: u64, raw: &mut harness::Raw| {
            while size() < bytes {
                let answer = raw.ask(&format!("PRESENT s{n} 9"));
                assert!(answer.starts_with("PRESENCE 9 "), "student {n}: {answer}");
                n += 1;
            }
        };
        answer_until(140_000, &mut raw);
        // Room for 40 KB more: not for the new file (about 75 KB).
        disk.fill(40_000);
        // No thread starts while one connection asks, but the compactor.
        let before = threads(server.child.id());
        answer_until(150_000, &mut raw); // the compaction starts...
        let deadline = Instant::now() + WAIT;
        while !threads(server.child.id()).is_subset(&before) {
            assert!(Instant::now() < deadline, "the compaction never ended");
            thread::sleep(Duration::from_millis(5));
        }
        // ...and has failed; the next commit takes note, and carries on.
        answer_until(size() + 5_000, &mut raw);
        assert!(
            !disk.path().join("chamada.journal.new").exists(),
            "cleaned up"
        );
        if let Output::Read = stderr {
            // The log's own thread writes the warning: wait for it.
            let deadline = Instant::now() + WAIT;
            while !server.errors.lock().unwrap().contains("compaction failed") {
                let errors = server.errors.lock().unwrap().clone();
                assert!(Instant::now() < deadline, "no warning: {errors}");
                thread::sleep(Duration::from_millis(10));
            }
        }
        raw.close();
        assert_eq!(server.terminate(), Some(0));
        disk.free();
        let again = journaled(disk.path(), &[]);
        assert_eq!(status_list(&again, 9), students_9(n));
    }
}

/// A server that cannot write its journal says so, and never listens.
#[cfg(target_os = "linux")]
#[test]
fn a_server_on_a_full_disk_says_so_before_listening() {
    for_each_journaled_step(a_server_on_a_full_disk_says_so_before_listening_on_one_step);
}

fn a_server_on_a_full_disk_says_so_before_listening_on_one_step() {
    let Some(disk) = SmallDisk::mount() else {
        return;
    };
    disk.fill(0);
    let (code, stdout, stderr) = refused_start(disk.path());
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(!stdout.contains("listening"), "{stdout}");
}

/// A disk that fills up while the server appends stops it: exit 1, even
/// with its standard error closed, and nothing acknowledged is lost.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_while_appending_stops_the_server_and_loses_nothing() {
    for_each_journaled_step(
        a_full_disk_while_appending_stops_the_server_and_loses_nothing_on_one_step,
    );
}

fn a_full_disk_while_appending_stops_the_server_and_loses_nothing_on_one_step() {
    let Some(disk) = SmallDisk::mount() else {
        return;
    };
    let mut server = Treated::start(disk.path(), &[], Output::Read, Output::Closed);
    let mut raw = harness::Raw::connect(server.addr);
    assert!(raw.ask("START 9").starts_with("STARTED 9 "));
    disk.fill(0);
    let mut acknowledged = 0;
    loop {
        raw.send(format!("PRESENT s{acknowledged} 9\n"));
        match raw.try_line() {
            Some(answer) if answer.starts_with("PRESENCE 9 ") => acknowledged += 1,
            Some(answer) => panic!("answered {answer}"),
            None => break, // the server stopped without answering
        }
        assert!(acknowledged < 100_000, "the disk never filled up");
    }
    assert_eq!(server.exit_code(), Some(1));
    disk.free();
    let again = journaled(disk.path(), &[]);
    assert_eq!(status_list(&again, 9), students_9(acknowledged));
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

// ---------------------------------------------------------------------------
// A measurement, not a test: how long clients wait while a journal of a
// million records (the default caps: 500 roll calls of 2,000 students) is
// compacted. Run it with
//   cargo test --release --test journal -- --ignored --nocapture million

/// Writes a journal of `classes` roll calls of `students` students each, in
/// batches of 1,000 records, as a busy server writes them.
fn write_big_journal(path: &Path, classes: usize, students: usize) -> usize {
    let line = |text: String| format!("{text} crc32={:08x}\n", crc32(text.as_bytes()));
    let mut out = std::io::BufWriter::new(fs::File::create(path).unwrap());
    let (mut seq, mut batch, mut records) = (1, String::new(), 0);
    let flush = |batch: &mut String, seq: &mut usize, out: &mut std::io::BufWriter<fs::File>| {
        let count = batch.lines().count();
        let commit = line(format!(
            "{seq} COMMIT {count} batch={:08x}",
            crc32(batch.as_bytes())
        ));
        out.write_all(batch.as_bytes()).unwrap();
        out.write_all(commit.as_bytes()).unwrap();
        *seq += 1;
        batch.clear();
    };
    for class in 1..=classes {
        let records_here = std::iter::once(format!("START {class}"))
            .chain((0..students).map(|n| format!("PRESENT c{class}s{n} {class}")));
        for request in records_here {
            batch.push_str(&line(format!("{seq} 2026-11-24T10:15:00-03:00 {request}")));
            seq += 1;
            records += 1;
            if records % 1_000 == 0 {
                flush(&mut batch, &mut seq, &mut out);
            }
        }
    }
    if !batch.is_empty() {
        flush(&mut batch, &mut seq, &mut out);
    }
    out.flush().unwrap();
    records
}

#[test]
#[ignore = "a measurement: run it by name, in release mode"]
fn million_record_compaction_response_times() {
    let dir = TempDir::new().unwrap();
    let started = Instant::now();
    // 499 full roll calls; the 500th is the probe's.
    let records = write_big_journal(&dir.path().join(JOURNAL), 499, 2_000);
    let size = fs::metadata(dir.path().join(JOURNAL)).unwrap().len();
    println!(
        "journal of {records} records, {} MB, written in {:?}",
        size >> 20,
        started.elapsed()
    );
    let started = Instant::now();
    let server = journaled(dir.path(), &[]);
    println!("{} (in {:?})", restored_line(&server), started.elapsed());
    let mut probe = server.connect();
    let mut times = |request: &dyn Fn(usize) -> String, until: &dyn Fn() -> bool| {
        let mut took = Vec::new();
        for n in 0.. {
            let sent = Instant::now();
            let answer = probe.ask(&request(n));
            took.push(sent.elapsed());
            // STATUS 999 is refused (not open); nothing else may be.
            let refused = answer.starts_with("ERROR") && !answer.starts_with("ERROR not-open");
            assert!(!refused, "{answer}");
            if until() {
                break;
            }
        }
        took.sort();
        took
    };
    let report = |what: &str, took: &[Duration]| {
        let at = |q: f64| took[((took.len() - 1) as f64 * q) as usize];
        println!(
            "{what}: {} requests, median {:?}, 99th percentile {:?}, worst {:?}",
            took.len(),
            at(0.5),
            at(0.99),
            took.last().unwrap()
        );
    };
    // Before: requests that change nothing, for a second.
    let before = Instant::now();
    let idle = times(&|_| "STATUS 999".to_owned(), &|| {
        before.elapsed() > Duration::from_secs(1)
    });
    report("before, STATUS (no sync)", &idle);
    // During: every request changes something, and is synced; the first
    // one starts the compaction. Class 500 is opened, answered by 999
    // students, ended (its list saved) and opened again, and so on.
    let changes = |n: usize| match n % 1_001 {
        0 => "START 500".to_owned(),
        1_000 => "END 500".to_owned(),
        _ => format!("PRESENT p{n} 500"),
    };
    let during = Instant::now();
    let compacted = || {
        server
            .log()
            .iter()
            .any(|line| line.contains("compacted to"))
    };
    let busy = times(&changes, &compacted);
    report("during the compaction, changes (one sync each)", &busy);
    println!(
        "the compaction took {:?} from its start to its end",
        during.elapsed()
    );
    let log = server.log();
    println!(
        "{}",
        log.iter().find(|l| l.contains("compacted to")).unwrap()
    );
    let after = Instant::now();
    let calm = times(&|n| changes(n + busy.len()), &|| {
        after.elapsed() > Duration::from_secs(1)
    });
    report("after, changes (one sync each)", &calm);
}
