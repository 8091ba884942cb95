//! Lesson 03's graceful shutdown under load: sixteen students answering
//! two roll calls as fast as they can when the server is told to stop, and
//! the check that every presence a student was told about is in the lists
//! the server keeps. The server process (stopped by a signal) and lesson
//! 03's in-process tests (stopped through `Shutdown`) run the same scenario;
//! only how the server is stopped, and where its lists are read, differ.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use chamada::{ErrorCode, Response, StudentId};
use crossbeam_channel::{bounded, Sender};

use crate::{is_error, response, Raw, WAIT};

/// The two roll calls the students answer.
pub const CLASSES: [u32; 2] = [101, 202];
/// How many students answer at once.
pub const STUDENTS: usize = 16;
/// How many answers each student gets before the server is stopped.
pub const ANSWERS_BEFORE_SHUTDOWN: usize = 3;

/// The grace period the shutdown tests give the server (lesson 03's
/// `--shutdown-grace`): so long that every connection thread, even on a
/// loaded machine, has sent its `ERROR shutdown` before the grace period
/// ends and sockets are closed. A connection closed without the notice is
/// then the server's fault, and fails the test.
pub const NOTICE_GRACE: Duration = Duration::from_secs(10);

/// What a stopped server left behind, however it was stopped.
pub struct Stopped {
    /// The students of every roll call still open, by class.
    pub still_open: BTreeMap<u32, BTreeSet<String>>,
    /// What to show when a check fails: the server's log, or its lists.
    pub report: Vec<String>,
}

/// Opens [`CLASSES`] on the server at `addr`, sets [`STUDENTS`] answering
/// them, calls `stop` once every student has had a few answers, and checks
/// that every `PRESENCE` a student was told is in the lists `stop` reports,
/// and that the students and the idle teacher were told `ERROR shutdown`.
/// The server must have been given [`NOTICE_GRACE`].
pub fn check_no_answered_presence_is_lost(addr: SocketAddr, stop: impl FnOnce() -> Stopped) {
    let mut teacher = Raw::connect(addr);
    for class in CLASSES {
        assert!(teacher
            .ask(&format!("START {class}"))
            .starts_with("STARTED "));
    }
    let students = start_students(addr);

    let stopped = stop();
    assert_eq!(
        stopped.still_open.keys().copied().collect::<Vec<_>>(),
        CLASSES,
        "both roll calls are still open: {:#?}",
        stopped.report
    );
    let mut told = 0;
    for (client, student) in students.into_iter().enumerate() {
        let lines = student.join().expect("the student thread ends");
        told += usize::from(
            lines
                .last()
                .is_some_and(|line| is_error(line, ErrorCode::Shutdown)),
        );
        let presences = answered(client, &lines);
        assert!(presences.len() >= ANSWERS_BEFORE_SHUTDOWN, "{lines:#?}");
        for (class, name) in presences {
            assert!(
                stopped.still_open[&class].contains(&name),
                "{name} was told PRESENCE {class} but is not in the lists still open"
            );
        }
    }
    // Every student is told, right after its last answer.
    assert_eq!(told, STUDENTS, "some students were not told ERROR shutdown");
    // The teacher's idle connection is told why it is being closed.
    check_told_of_shutdown(&mut teacher, &stopped.report);
}

/// Starts the [`STUDENTS`], each on a thread of its own, and returns once
/// every one has had [`ANSWERS_BEFORE_SHUTDOWN`] answers.
fn start_students(addr: SocketAddr) -> Vec<JoinHandle<Vec<String>>> {
    let (ready, all_ready) = bounded(STUDENTS);
    let students = (0..STUDENTS)
        .map(|client| {
            let ready = ready.clone();
            let class = CLASSES[client % CLASSES.len()];
            thread::spawn(move || keep_answering(addr, client, class, ready))
        })
        .collect();
    for _ in 0..STUDENTS {
        all_ready
            .recv_timeout(WAIT)
            .expect("every student gets answers before the shutdown");
    }
    students
}

/// One student's connection: answers the roll call of `class` over and
/// over, with a new student number each time, until the server hangs up.
/// Says so on `ready` once a few answers have come back. Returns every
/// line received, each checked to be whole.
fn keep_answering(addr: SocketAddr, client: usize, class: u32, ready: Sender<()>) -> Vec<String> {
    let mut raw = Raw::connect(addr);
    let mut lines = Vec::new();
    for n in 0.. {
        if raw
            .try_send(format!("PRESENT c{client}n{n} {class}\n"))
            .is_err()
        {
            break;
        }
        let Some(line) = raw.try_line() else { break };
        let last = is_error(&line, ErrorCode::Shutdown);
        lines.push(line);
        if lines.len() == ANSWERS_BEFORE_SHUTDOWN {
            let _ = ready.send(());
        }
        if last {
            break;
        }
    }
    // After ERROR shutdown the server closes: nothing more may arrive.
    assert!(raw.is_closed(), "a line after ERROR shutdown");
    lines
}

/// The (class, student) of every `PRESENCE` that named an open class.
/// Every line must be `PRESENCE` for an open class, except that the last
/// may be `ERROR shutdown`.
fn answered(client: usize, lines: &[String]) -> Vec<(u32, String)> {
    let mut presences = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        match response(line) {
            Response::Presence {
                class: Some(class), ..
            } => presences.push((class.get(), format!("c{client}n{n}"))),
            Response::Error {
                code: ErrorCode::Shutdown,
                ..
            } if n + 1 == lines.len() => {}
            other => panic!("unexpected {other:?} in {lines:#?}"),
        }
    }
    presences
}

/// The students each `STATUS` response lists, by class; anything but a
/// `STATUS` fails the test.
pub fn students_by_class(
    statuses: impl IntoIterator<Item = Response>,
) -> BTreeMap<u32, BTreeSet<String>> {
    statuses
        .into_iter()
        .map(|status| match status {
            Response::Status {
                class, students, ..
            } => (
                class.get(),
                students.iter().map(StudentId::to_string).collect(),
            ),
            other => panic!("{other:?} where a STATUS belongs"),
        })
        .collect()
}

/// Checks that a connection was told `ERROR shutdown`, then closed.
/// `report` is shown when the check fails.
pub fn check_told_of_shutdown(raw: &mut Raw, report: &[String]) {
    let notice = raw.try_line();
    assert!(
        notice
            .as_deref()
            .is_some_and(|notice| is_error(notice, ErrorCode::Shutdown)),
        "expected ERROR shutdown, got {notice:?}; the server printed {report:#?}"
    );
    assert!(raw.is_closed(), "closed after ERROR shutdown");
}
