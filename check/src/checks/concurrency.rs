//! Concurrency: several clients at once. A silent client must not hold up
//! the others, two teachers' classes stay apart, and students answering
//! while the teacher ends the roll call lose no answered presence.
//!
//! With `--one-at-a-time` (a server like lesson 01) the same stories are
//! played with one client connected at a time, and the first check turns
//! around: a second client must wait while the first is connected, and be
//! served once it leaves.

use std::collections::{BTreeSet, HashMap};
use std::thread;
use std::time::{Duration, Instant};

use chamada::{t, ClassId, Response, StudentId};
use crossbeam_channel::{bounded, unbounded, Receiver, Sender};

use super::{Category, Check, Ctx, LESSON_01, LESSON_02};
use crate::probe::{ended, presence, started, who_name, Conn, Failure, Heard};

pub fn checks(one_at_a_time: bool) -> Vec<Check> {
    let check = |name, points, chapter, run| Check {
        category: Category::Concurrency,
        name,
        points,
        chapter,
        run,
    };
    let waits = LESSON_01.at("second-client-waits");
    let never_across_io = LESSON_02.at("lock-never-across-io");
    let one_lock = LESSON_02.at("check-and-act");
    let first = if one_at_a_time {
        check(
            "check-name-second-client-waits",
            3,
            waits,
            second_client_waits,
        )
    } else {
        check(
            "check-name-silent-clients",
            3,
            never_across_io,
            silent_clients,
        )
    };
    vec![
        first,
        check(
            "check-name-two-teachers",
            3,
            LESSON_01.at("state-itself"),
            two_teachers,
        ),
        check(
            "check-name-answers-during-end",
            3,
            one_lock,
            answers_during_end,
        ),
    ]
}

/// How long a server that could answer at once is given to show it does
/// not: it answers in well under a millisecond.
const NO_ANSWER_YET: Duration = Duration::from_millis(300);

fn silent_clients(ctx: &Ctx) -> Result<(), Failure> {
    let _silent = ctx.probe.connect("silent client")?;
    let mut half = ctx.probe.connect("half-line client")?;
    half.send_raw(b"PRESENT ana", &t!("check-sent-half-then-silence"))?;
    let k = ctx.class();
    let served = (|| {
        let mut other = ctx.probe.teacher("third client")?;
        let expected = t!("check-expect-started-at-once", class = k.to_string());
        other.ask(&format!("START {k}"), &expected, started(k))?;
        let expected = format!("ENDED {k} <time> 0");
        other.ask(&format!("END {k}"), &expected, ended(k, &[]))
    })();
    served.map(drop).map_err(|mut failure| {
        // Only a server that kept the third client waiting may be one that
        // serves one client at a time; any other failure has another cause.
        if failure.hung {
            failure.got += &format!("\n{}", t!("check-got-hint-one-at-a-time"));
        }
        failure
    })
}

fn second_client_waits(ctx: &Ctx) -> Result<(), Failure> {
    let mut first = ctx.probe.connect("first client")?;
    // An answer proves the server has taken the first client on.
    first.ask("HELP", "HELP ...", |r| *r == Response::Help)?;
    let mut second = ctx.probe.connect("second client")?;
    second.send("HELP")?;
    match second.hear_within(NO_ANSWER_YET) {
        Heard::Silent => {}
        other => {
            let got = second.describe(other);
            return Err(ctx.probe.fail(
                t!("check-expect-second-waits"),
                format!("{got}\n{}", t!("check-got-hint-at-once")),
            ));
        }
    }
    first.ask("HELP", &t!("check-expect-first-still-served"), |r| {
        *r == Response::Help
    })?;
    drop(first);
    second.expect(&t!("check-expect-once-first-left"), |r| {
        *r == Response::Help
    })?;
    Ok(())
}

/// A client in a check with several: its own connection, held open the
/// whole time; or, for a server that serves one client at a time, a new
/// connection for every request, closed before anyone else's turn.
enum Party<'p> {
    Held(Conn<'p>),
    InTurn { who: &'static str },
}

impl<'p> Party<'p> {
    fn join(ctx: &'p Ctx, who: &'static str) -> Result<Party<'p>, Failure> {
        if ctx.one_at_a_time {
            Ok(Party::InTurn { who })
        } else {
            Ok(Party::Held(ctx.probe.teacher(who)?))
        }
    }

    fn ask(
        &mut self,
        ctx: &Ctx,
        request: &str,
        expected: &str,
        ok: impl FnOnce(&Response) -> bool,
    ) -> Result<Response, Failure> {
        match self {
            Party::Held(conn) => conn.ask(request, expected, ok),
            Party::InTurn { who } => ctx.probe.teacher(who)?.ask(request, expected, ok),
        }
    }
}

/// The students a response lists, as a set: this category checks who is
/// listed, the order category checks in which order.
fn listed(response: &Response) -> BTreeSet<String> {
    match response {
        Response::Status { students, .. } | Response::Ended { students, .. } => {
            students.iter().map(|s| s.as_str().to_owned()).collect()
        }
        _ => BTreeSet::new(),
    }
}

fn lists_exactly<'a>(
    class: ClassId,
    ended_line: bool,
    who: &'a [&'a str],
) -> impl FnOnce(&Response) -> bool + 'a {
    move |r| {
        let right_kind = match r {
            Response::Ended { class: c, .. } => ended_line && *c == class,
            Response::Status { class: c, .. } => !ended_line && *c == class,
            _ => false,
        };
        right_kind && listed(r) == who.iter().map(|s| s.to_string()).collect()
    }
}

fn two_teachers(ctx: &Ctx) -> Result<(), Failure> {
    let (x, y) = (ctx.class(), ctx.class());
    let mut teacher_x = Party::join(ctx, "teacher 1")?;
    let mut teacher_y = Party::join(ctx, "teacher 2")?;
    let mut students = [
        Party::join(ctx, "student 1")?,
        Party::join(ctx, "student 2")?,
    ];
    teacher_x.ask(
        ctx,
        &format!("START {x}"),
        &format!("STARTED {x} <time>"),
        started(x),
    )?;
    teacher_y.ask(
        ctx,
        &format!("START {y}"),
        &format!("STARTED {y} <time>"),
        started(y),
    )?;
    let answers = [(0, "ana", x), (1, "bia", y), (0, "caio", y), (1, "duda", x)];
    for (student, id, class) in answers {
        let expected = format!("PRESENCE {class} <time>");
        students[student].ask(
            ctx,
            &format!("PRESENT {id} {class}"),
            &expected,
            presence(class),
        )?;
    }
    let any_order = |response: String| t!("check-expect-any-order", response = response);
    let expected = any_order(format!("STATUS {y} <time> 2 bia caio"));
    teacher_y.ask(
        ctx,
        &format!("STATUS {y}"),
        &expected,
        lists_exactly(y, false, &["bia", "caio"]),
    )?;
    let expected = any_order(format!("ENDED {x} <time> 2 ana duda"));
    teacher_x.ask(
        ctx,
        &format!("END {x}"),
        &expected,
        lists_exactly(x, true, &["ana", "duda"]),
    )?;
    let expected = t!(
        "check-expect-left-alone",
        response = format!("ENDED {y} <time> 2 bia caio"),
        ended = x.to_string(),
        other = y.to_string()
    );
    teacher_y.ask(
        ctx,
        &format!("END {y}"),
        &expected,
        lists_exactly(y, true, &["bia", "caio"]),
    )?;
    Ok(())
}

/// Clients answering at once in [`answers_during_end`], and how many
/// students each answers for: 400 students in all, well under any
/// sensible class-size limit.
const STUDENT_CLIENTS: usize = 8;
const ANSWERS_EACH: usize = 50;
const STUDENTS: usize = STUDENT_CLIENTS * ANSWERS_EACH;

/// What one student was told.
struct Answer {
    student: String,
    /// `Some` for `PRESENCE <class>`, `None` for `PRESENCE 0`.
    recorded: bool,
    /// When the response arrived.
    heard_at: Instant,
}

/// What the teacher saw: the `STATUS` in the middle, sent at `status_at`,
/// and the `ENDED`.
struct TeacherView {
    status: Response,
    status_at: Instant,
    ended: Response,
}

fn student_id(client: usize, n: usize) -> String {
    format!("c{client}s{n}")
}

/// One client answering for its students, one request at a time, telling
/// `progress` after each answer. With a `gate`, the client stops halfway
/// until the gate opens (its sender is dropped).
fn answer_for(
    ctx: &Ctx,
    class: ClassId,
    client: usize,
    conn: Option<Conn<'_>>,
    progress: &Sender<()>,
    gate: Option<&Receiver<()>>,
) -> Result<Vec<Answer>, Failure> {
    let mut conn = match conn {
        Some(conn) => conn,
        None => ctx.probe.connect(&t!("check-who-client", n = client))?,
    };
    let mut answers = Vec::with_capacity(ANSWERS_EACH);
    for n in 0..ANSWERS_EACH {
        if let (Some(gate), true) = (gate, n == ANSWERS_EACH / 2) {
            let _ = gate.recv(); // returns once the gate's sender is gone
        }
        let student = student_id(client, n);
        let expected = t!("check-expect-presence-or-zero", class = class.to_string());
        let response = conn.ask(&format!("PRESENT {student} {class}"), &expected, |r| {
            matches!(r, Response::Presence { class: c, .. } if c.is_none() || *c == Some(class))
        })?;
        let recorded = matches!(response, Response::Presence { class: Some(_), .. });
        answers.push(Answer {
            student,
            recorded,
            heard_at: Instant::now(),
        });
        let _ = progress.send(());
    }
    Ok(answers)
}

/// Waits until `count` more answers have arrived. False if the run's
/// timeout passes without one: the students are stuck, and the teacher
/// goes on without them.
fn wait_for_answers(ctx: &Ctx, progress: &Receiver<()>, count: usize) -> bool {
    (0..count).all(|_| progress.recv_timeout(ctx.probe.timeout).is_ok())
}

/// The teacher's `STATUS`, and when it was sent.
fn ask_status(
    ctx: &Ctx,
    class: ClassId,
    teacher: &mut Party<'_>,
) -> Result<(Response, Instant), Failure> {
    let sent_at = Instant::now();
    let expected = format!("STATUS {class} <time> <count> <students>");
    let any_status = |r: &Response| matches!(r, Response::Status { class: c, .. } if *c == class);
    let status = teacher.ask(ctx, &format!("STATUS {class}"), &expected, any_status)?;
    Ok((status, sent_at))
}

/// The teacher's `END`.
fn ask_end(ctx: &Ctx, class: ClassId, teacher: &mut Party<'_>) -> Result<Response, Failure> {
    let expected = format!("ENDED {class} <time> <count> <students>");
    let any_ended = |r: &Response| matches!(r, Response::Ended { class: c, .. } if *c == class);
    teacher.ask(ctx, &format!("END {class}"), &expected, any_ended)
}

fn answers_during_end(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut teacher = Party::join(ctx, "teacher")?;
    teacher.ask(
        ctx,
        &format!("START {k}"),
        &format!("STARTED {k} <time>"),
        started(k),
    )?;
    let (view, answers) = if ctx.one_at_a_time {
        in_turn(ctx, k, &mut teacher)?
    } else {
        at_once(ctx, k, &mut teacher)?
    };
    verdict(k, ctx.one_at_a_time, &view, &answers)
}

/// Every student client answering at once, each on its own thread, while
/// the teacher sends `STATUS` after a quarter of the answers and `END`
/// after half.
///
/// The odd clients race the `END` (a server that checks and acts under two
/// locks loses an answer there). The even ones stop halfway and go on only
/// once the roll call has ended, so that some answers surely come after the
/// `END`, however the threads are scheduled: a server must refuse them.
fn at_once(
    ctx: &Ctx,
    class: ClassId,
    teacher: &mut Party<'_>,
) -> Result<(TeacherView, Vec<Answer>), Failure> {
    // Connected before any thread starts, so they all answer together.
    let mut conns = Vec::new();
    for client in 0..STUDENT_CLIENTS {
        conns.push(ctx.probe.connect(&t!("check-who-client", n = client))?);
    }
    let (progress, heard) = unbounded();
    let (open_gate, gate) = bounded::<()>(0);
    thread::scope(|scope| {
        let students: Vec<_> = conns
            .into_iter()
            .enumerate()
            .map(|(client, conn)| {
                let progress = progress.clone();
                let gate = (client % 2 == 0).then(|| gate.clone());
                scope.spawn(move || {
                    answer_for(ctx, class, client, Some(conn), &progress, gate.as_ref())
                })
            })
            .collect();
        let view = (|| {
            // Dropped on every way out of here, END or failure: the gated
            // students then go on.
            let _open_gate_when_done = open_gate;
            let moving = wait_for_answers(ctx, &heard, STUDENTS / 4);
            let (status, status_at) = ask_status(ctx, class, teacher)?;
            if moving {
                wait_for_answers(ctx, &heard, STUDENTS / 4);
            }
            let ended = ask_end(ctx, class, teacher)?;
            Ok(TeacherView {
                status,
                status_at,
                ended,
            })
        })();
        let mut answers = Vec::new();
        for student in students {
            match student.join() {
                Ok(Ok(some)) => answers.extend(some),
                Ok(Err(failure)) => return Err(failure),
                Err(_) => return Err(ctx.probe.fail("", t!("check-got-panicked"))),
            }
        }
        Ok((view?, answers))
    })
}

/// The same story with one client at a time: a quarter of the clients
/// answer, the teacher asks `STATUS`, another quarter, the teacher ends the
/// roll call, and the other half answer (and must be refused).
fn in_turn(
    ctx: &Ctx,
    class: ClassId,
    teacher: &mut Party<'_>,
) -> Result<(TeacherView, Vec<Answer>), Failure> {
    let (progress, _) = unbounded();
    let mut answers = Vec::new();
    let mut status = None;
    let mut ended = None;
    for client in 0..STUDENT_CLIENTS {
        if client == STUDENT_CLIENTS / 4 {
            status = Some(ask_status(ctx, class, teacher)?);
        }
        if client == STUDENT_CLIENTS / 2 {
            ended = Some(ask_end(ctx, class, teacher)?);
        }
        answers.extend(answer_for(ctx, class, client, None, &progress, None)?);
    }
    let (Some((status, status_at)), Some(ended)) = (status, ended) else {
        unreachable!("STUDENT_CLIENTS is at least 2")
    };
    Ok((
        TeacherView {
            status,
            status_at,
            ended,
        },
        answers,
    ))
}

/// Judges the teacher's lists against what every student was told.
fn verdict(
    class: ClassId,
    one_at_a_time: bool,
    view: &TeacherView,
    answers: &[Answer],
) -> Result<(), Failure> {
    let by_id: HashMap<&str, &Answer> = answers.iter().map(|a| (a.student.as_str(), a)).collect();
    let recorded = answers.iter().filter(|a| a.recorded).count();
    let how = if one_at_a_time { "in-turn" } else { "at-once" };
    let teacher = who_name("teacher");
    let class_text = class.to_string();
    let summary = [
        format!("{teacher}> START {class}"),
        t!(
            "check-sent-students-answer",
            clients = STUDENT_CLIENTS,
            how = how,
            class = class_text.as_str(),
            each = ANSWERS_EACH,
            all = STUDENTS
        ),
        format!(
            "{teacher}> {}",
            t!(
                "check-sent-status-after-quarter",
                class = class_text.as_str()
            )
        ),
        format!(
            "{teacher}> {}",
            t!("check-sent-end-after-half", class = class_text.as_str())
        ),
    ]
    .join("\n");
    let told = format!(
        "\n{}",
        t!(
            "check-got-told-counts",
            recorded = recorded,
            class = class_text.as_str(),
            refused = answers.len() - recorded
        )
    );
    let fail = |expected: &str, got: String| Failure {
        sent: summary.clone(),
        expected: expected.to_owned(),
        got: got + &told,
        hung: false,
    };
    for (name, response) in [("STATUS", &view.status), ("ENDED", &view.ended)] {
        let list = students_of(response);
        let mut seen = BTreeSet::new();
        for student in list {
            let id = student.as_str();
            if !seen.insert(id) {
                return Err(fail(
                    &t!("check-expect-lists-once", name = name),
                    t!("check-got-lists-twice", name = name, id = id),
                ));
            }
            match by_id.get(id) {
                None => {
                    return Err(fail(
                        &t!("check-expect-lists-only-answered", name = name),
                        t!("check-got-lists-never-answered", name = name, id = id),
                    ))
                }
                Some(answer) if !answer.recorded => {
                    return Err(fail(
                        &t!("check-expect-no-zero-listed", name = name),
                        t!("check-got-zero-listed", name = name, id = id),
                    ))
                }
                Some(_) => {}
            }
        }
    }
    let ended: BTreeSet<&str> = students_of(&view.ended)
        .iter()
        .map(StudentId::as_str)
        .collect();
    let lost: Vec<&str> = answers
        .iter()
        .filter(|a| a.recorded && !ended.contains(a.student.as_str()))
        .map(|a| a.student.as_str())
        .collect();
    if let Some(first) = lost.first() {
        return Err(fail(
            &t!("check-expect-ended-lists-all", class = class_text.as_str()),
            t!(
                "check-got-ended-lost",
                id = *first,
                class = class_text.as_str(),
                count = lost.len()
            ),
        ));
    }
    let in_status: BTreeSet<&str> = students_of(&view.status)
        .iter()
        .map(StudentId::as_str)
        .collect();
    let missing = answers.iter().find(|a| {
        a.recorded && a.heard_at < view.status_at && !in_status.contains(a.student.as_str())
    });
    if let Some(answer) = missing {
        return Err(fail(
            &t!(
                "check-expect-status-lists-earlier",
                class = class_text.as_str()
            ),
            t!(
                "check-got-status-missed",
                id = answer.student.as_str(),
                class = class_text.as_str()
            ),
        ));
    }
    Ok(())
}

fn students_of(response: &Response) -> &[StudentId] {
    match response {
        Response::Status { students, .. } | Response::Ended { students, .. } => students,
        _ => &[],
    }
}
