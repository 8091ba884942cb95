//! Races: two requests about the same roll call, sent on two connections
//! at the same moment, round after round.
//!
//! Each request that checks the state and then changes it (is the class
//! open? then open it) must do both under one lock. A server that lets go
//! in between answers correctly almost always; but when the other request
//! lands in that gap, both teachers are told `STARTED`, or a student is
//! told `PRESENCE` for a list that has already been sent. One round rarely
//! hits a gap of a few milliseconds; thirty rounds, each sending the two
//! requests a few microseconds apart, hit it on every run.
//!
//! With `--one-at-a-time` the same requests are sent one after the other,
//! each on a connection of its own: there is no race then, only the rules.

use std::collections::BTreeSet;

use chamada::{t, ClassId, ErrorCode, Response, StudentId};

use super::{Category, Check, Ctx, LESSON_02};
use crate::probe::{error, show, started, who_name, Conn, Failure};

/// Rounds of each race against a server that serves clients at once.
const ROUNDS: usize = 30;

pub fn checks() -> Vec<Check> {
    let check = |name, points, run| Check {
        category: Category::Concurrency,
        name,
        points,
        chapter: LESSON_02.at("check-and-act"),
        run,
    };
    vec![
        check("check-name-start-start", 3, start_start),
        check("check-name-end-end", 2, end_end),
        check("check-name-present-end", 3, present_end),
        check("check-name-status-present", 2, status_present),
    ]
}

/// One client of a race: a connection held open the whole time, or, for a
/// server that serves one client at a time, a new connection per request.
struct Side<'p> {
    who: &'static str,
    teacher: bool,
    conn: Option<Conn<'p>>,
    /// The response to a request sent in turn, read at once.
    heard: Option<Response>,
}

impl<'p> Side<'p> {
    fn teacher(ctx: &'p Ctx, who: &'static str) -> Result<Side<'p>, Failure> {
        Side::join(ctx, who, true)
    }

    fn student(ctx: &'p Ctx, who: &'static str) -> Result<Side<'p>, Failure> {
        Side::join(ctx, who, false)
    }

    fn join(ctx: &'p Ctx, who: &'static str, teacher: bool) -> Result<Side<'p>, Failure> {
        let conn = if ctx.one_at_a_time {
            None
        } else if teacher {
            Some(ctx.probe.teacher(who)?)
        } else {
            Some(ctx.probe.connect(who)?)
        };
        Ok(Side {
            who,
            teacher,
            conn,
            heard: None,
        })
    }

    /// Sends `request`; in turn, also waits for its response.
    fn send(&mut self, ctx: &'p Ctx, request: &str) -> Result<(), Failure> {
        if let Some(conn) = &mut self.conn {
            return conn.send(request);
        }
        let mut conn = if self.teacher {
            ctx.probe.teacher(self.who)?
        } else {
            ctx.probe.connect(self.who)?
        };
        self.heard = Some(conn.ask(request, &t!("check-expect-any"), |_| true)?);
        Ok(())
    }

    /// The response to the request sent last.
    fn hear(&mut self) -> Result<Response, Failure> {
        match (self.heard.take(), &mut self.conn) {
            (Some(response), _) => Ok(response),
            (None, Some(conn)) => conn.expect(&t!("check-expect-any"), |_| true),
            (None, None) => unreachable!("hear follows send"),
        }
    }

    /// Sends `request` and reads its response.
    fn ask(&mut self, ctx: &'p Ctx, request: &str) -> Result<Response, Failure> {
        self.send(ctx, request)?;
        self.hear()
    }
}

/// Sends `first` on `a` and, right behind it, `second` on `b`; then reads
/// both responses, in the same order.
fn at_once<'p>(
    ctx: &'p Ctx,
    (a, first): (&mut Side<'p>, &str),
    (b, second): (&mut Side<'p>, &str),
) -> Result<(Response, Response), Failure> {
    a.send(ctx, first)?;
    b.send(ctx, second)?;
    Ok((a.hear()?, b.hear()?))
}

/// How many rounds a race runs: many at once, two in turn.
fn rounds(ctx: &Ctx) -> usize {
    if ctx.one_at_a_time {
        2
    } else {
        ROUNDS
    }
}

/// What two clients were told, for a report.
fn told(round: usize, of: usize, answers: &[(&str, &Response)]) -> String {
    let mut lines: Vec<String> = answers
        .iter()
        .map(|(who, response)| format!("{}: {}", who_name(who), show(response)))
        .collect();
    lines.push(t!("check-got-round", round = round + 1, of = of));
    lines.join("\n")
}

fn is_started(class: ClassId) -> impl Fn(&Response) -> bool {
    move |r| started(class)(r)
}

fn start_start(ctx: &Ctx) -> Result<(), Failure> {
    let mut one = Side::teacher(ctx, "teacher 1")?;
    let mut two = Side::teacher(ctx, "teacher 2")?;
    let of = rounds(ctx);
    for round in 0..of {
        let k = ctx.class();
        let start = format!("START {k}");
        let (x, y) = if round % 2 == 0 {
            at_once(ctx, (&mut one, &start), (&mut two, &start))?
        } else {
            let (y, x) = at_once(ctx, (&mut two, &start), (&mut one, &start))?;
            (x, y)
        };
        let opened = [&x, &y].into_iter().filter(|r| is_started(k)(r)).count();
        let refused = [&x, &y]
            .into_iter()
            .filter(|r| error(ErrorCode::AlreadyOpen)(r))
            .count();
        if (opened, refused) != (1, 1) {
            // Leave nothing open behind, then say what went wrong.
            let _ = one.ask(ctx, &format!("END {k}"));
            return Err(ctx.probe.fail(
                t!("check-expect-start-race", class = k.to_string()),
                told(round, of, &[("teacher 1", &x), ("teacher 2", &y)]),
            ));
        }
        let ended = one.ask(ctx, &format!("END {k}"))?;
        if !matches!(ended, Response::Ended { .. }) {
            let expected = t!("check-expect-ended-opened-once", class = k.to_string());
            return Err(ctx.probe.fail(expected, show(&ended)));
        }
    }
    Ok(())
}

fn end_end(ctx: &Ctx) -> Result<(), Failure> {
    let mut one = Side::teacher(ctx, "teacher 1")?;
    let mut two = Side::teacher(ctx, "teacher 2")?;
    let of = rounds(ctx);
    for round in 0..of {
        let k = ctx.class();
        let response = one.ask(ctx, &format!("START {k}"))?;
        if !is_started(k)(&response) {
            return Err(ctx
                .probe
                .fail(format!("STARTED {k} <time>"), show(&response)));
        }
        let end = format!("END {k}");
        let (x, y) = if round % 2 == 0 {
            at_once(ctx, (&mut one, &end), (&mut two, &end))?
        } else {
            let (y, x) = at_once(ctx, (&mut two, &end), (&mut one, &end))?;
            (x, y)
        };
        let ended = [&x, &y]
            .into_iter()
            .filter(|r| matches!(r, Response::Ended { class, .. } if *class == k))
            .count();
        let refused = [&x, &y]
            .into_iter()
            .filter(|r| error(ErrorCode::NotOpen)(r))
            .count();
        if (ended, refused) != (1, 1) {
            return Err(ctx.probe.fail(
                t!("check-expect-end-race", class = k.to_string()),
                told(round, of, &[("teacher 1", &x), ("teacher 2", &y)]),
            ));
        }
    }
    Ok(())
}

/// The students a `STATUS` or `ENDED` lists, in order.
fn listed(response: &Response) -> Option<Vec<&str>> {
    match response {
        Response::Status { students, .. } | Response::Ended { students, .. } => {
            Some(students.iter().map(StudentId::as_str).collect())
        }
        _ => None,
    }
}

fn present_end(ctx: &Ctx) -> Result<(), Failure> {
    let mut teacher = Side::teacher(ctx, "teacher")?;
    let mut student = Side::student(ctx, "student")?;
    let of = rounds(ctx);
    for round in 0..of {
        let k = ctx.class();
        let response = teacher.ask(ctx, &format!("START {k}"))?;
        if !is_started(k)(&response) {
            return Err(ctx
                .probe
                .fail(format!("STARTED {k} <time>"), show(&response)));
        }
        let id = format!("s{round}");
        let (present, end) = (format!("PRESENT {id} {k}"), format!("END {k}"));
        let (answer, ended) = if round % 2 == 0 {
            at_once(ctx, (&mut student, &present), (&mut teacher, &end))?
        } else {
            let (ended, answer) = at_once(ctx, (&mut teacher, &end), (&mut student, &present))?;
            (answer, ended)
        };
        let recorded = match answer {
            Response::Presence { class: Some(c), .. } if c == k => Some(true),
            Response::Presence { class: None, .. } => Some(false),
            _ => None,
        };
        let list = match &ended {
            Response::Ended { class, .. } if *class == k => listed(&ended),
            _ => None,
        };
        let fine = match (recorded, list) {
            (Some(true), Some(list)) => list == [id.as_str()],
            (Some(false), Some(list)) => list.is_empty(),
            _ => false,
        };
        if !fine {
            return Err(ctx.probe.fail(
                t!(
                    "check-expect-present-end-race",
                    class = k.to_string(),
                    id = id.as_str()
                ),
                told(round, of, &[("student", &answer), ("teacher", &ended)]),
            ));
        }
    }
    Ok(())
}

fn status_present(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut teacher = Side::teacher(ctx, "teacher")?;
    let mut student = Side::student(ctx, "student")?;
    let response = teacher.ask(ctx, &format!("START {k}"))?;
    if !is_started(k)(&response) {
        return Err(ctx
            .probe
            .fail(format!("STARTED {k} <time>"), show(&response)));
    }
    let of = rounds(ctx);
    let mut answered: Vec<String> = Vec::new();
    for round in 0..of {
        let id = format!("p{round}");
        let (present, status) = (format!("PRESENT {id} {k}"), format!("STATUS {k}"));
        let (answer, list) = if round % 2 == 0 {
            at_once(ctx, (&mut student, &present), (&mut teacher, &status))?
        } else {
            let (list, answer) = at_once(ctx, (&mut teacher, &status), (&mut student, &present))?;
            (answer, list)
        };
        // Who is listed, not in which order: the order checks see to that.
        let before: BTreeSet<&str> = answered.iter().map(String::as_str).collect();
        let mut after = before.clone();
        after.insert(&id);
        let whole = matches!(&list, Response::Status { class, .. } if *class == k)
            && listed(&list).is_some_and(|l| {
                let set: BTreeSet<&str> = l.iter().copied().collect();
                set.len() == l.len() && (set == before || set == after)
            });
        let recorded = matches!(answer, Response::Presence { class: Some(c), .. } if c == k);
        if !(whole && recorded) {
            let so_far = if before.is_empty() {
                "0".to_owned()
            } else {
                format!("{} {}", answered.len(), answered.join(" "))
            };
            let _ = teacher.ask(ctx, &format!("END {k}"));
            return Err(ctx.probe.fail(
                t!(
                    "check-expect-status-present-race",
                    class = k.to_string(),
                    so_far = so_far,
                    id = id.as_str()
                ),
                told(round, of, &[("student", &answer), ("teacher", &list)]),
            ));
        }
        answered.push(id);
    }
    let ended = teacher.ask(ctx, &format!("END {k}"))?;
    let all: BTreeSet<&str> = answered.iter().map(String::as_str).collect();
    let got: Option<BTreeSet<&str>> = listed(&ended).map(|l| l.into_iter().collect());
    if got != Some(all) {
        let response = format!("ENDED {k} <time> {} {}", answered.len(), answered.join(" "));
        let expected = t!("check-expect-any-order", response = response);
        return Err(ctx.probe.fail(expected, show(&ended)));
    }
    Ok(())
}
