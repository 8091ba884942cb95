//! Limits: a server bounds what it holds, so that no client can make it
//! use memory without end. Past its limits it answers `ERROR full`: for a
//! new student in a class that lists as many as it records, and for a
//! `START` when it has as many roll calls open as it may.
//!
//! `check` does not know a server's limits (they are options), so it finds
//! them: it keeps adding students, or opening roll calls, until the server
//! says `full`, and gives up one past the most PROTOCOL.md allows a server
//! started without options. That takes a few thousand requests, a fraction
//! of a second.

use chamada::{Capacity, ClassId, ErrorCode, Response};

use super::{Category, Check, Ctx, PROTOCOL};
use crate::probe::{error, Conn, Failure};

/// The most students PROTOCOL.md lets a roll call record, unless the
/// server was started with `--max-students`.
pub const MOST_STUDENTS: usize = Capacity::DEFAULT.students_per_class;
/// The most roll calls PROTOCOL.md lets a server keep open at once,
/// unless it was started with `--max-classes`.
pub const MOST_CLASSES: usize = Capacity::DEFAULT.open_classes;

/// Requests sent between two looks at the responses.
const BATCH: usize = 100;

pub fn checks() -> Vec<Check> {
    let check = |name, points, run| Check {
        category: Category::BadInput,
        name,
        points,
        chapter: PROTOCOL.at("Errors"),
        run,
    };
    vec![
        check(
            "a full class: ERROR full for a new student, PRESENCE for one already listed",
            2,
            class_full,
        ),
        check(
            "a full server: ERROR full for a START, and room again after an END",
            2,
            server_full,
        ),
    ]
}

/// Sends each of `requests` and reads its response, checked with `ok`,
/// one at a time: sending them all in one write would be quicker, but
/// then a server that cannot read several requests from one write would
/// lose these points too (that is a framing check's business). The log
/// shows `shown` once.
fn each(
    conn: &mut Conn<'_>,
    requests: &[String],
    shown: &str,
    expected: &str,
    ok: impl Fn(&Response) -> bool,
) -> Result<Vec<Response>, Failure> {
    conn.note(shown);
    let mut responses = Vec::with_capacity(requests.len());
    for request in requests {
        conn.send_quietly(request)?;
        responses.push(conn.expect(expected, &ok)?);
    }
    Ok(responses)
}

fn is_full(response: &Response) -> bool {
    error(ErrorCode::Full)(response)
}

fn class_full(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.start(k)?;
    let student = |n: usize| format!("f{n}");
    let mut listed = 0;
    while listed <= MOST_STUDENTS {
        let numbers = listed..(listed + BATCH).min(MOST_STUDENTS + 1);
        let requests: Vec<String> = numbers
            .clone()
            .map(|n| format!("PRESENT {} {k}", student(n)))
            .collect();
        let shown = format!(
            "PRESENT f<n> {k} for n = {} to {} (new students, one at a time)",
            numbers.start,
            numbers.end - 1
        );
        let expected = format!("PRESENCE {k} <time>, or ERROR full once the class is full");
        let ok = |r: &Response| is_full(r) || crate::probe::presence(k)(r);
        let responses = each(&mut conn, &requests, &shown, &expected, ok)?;
        let recorded = responses.iter().take_while(|r| !is_full(r)).count();
        if responses[recorded..].iter().any(|r| !is_full(r)) {
            let expected = "once a new student got ERROR full, so does every new student after";
            return Err(ctx.probe.fail(expected, conn.last_line()));
        }
        listed += recorded;
        if recorded < responses.len() {
            return full_class_still_answers_its_own(conn, k, listed);
        }
    }
    let _ = conn.send(&format!("END {k}"));
    Err(ctx.probe.fail(
        format!(
            "ERROR full for a new student once the class lists as many as the server \
             records (PROTOCOL.md: at most {MOST_STUDENTS}, unless the server was started \
             with --max-students)"
        ),
        format!("{listed} students in one class were all told PRESENCE {k} <time>"),
    ))
}

/// In a class full with `listed` students: one of them answering again is
/// told `PRESENCE`, and the list holds exactly `listed`.
fn full_class_still_answers_its_own(
    mut conn: Conn<'_>,
    k: ClassId,
    listed: usize,
) -> Result<(), Failure> {
    if listed > 0 {
        let expected =
            format!("PRESENCE {k} <time> (f0 is listed already, so a full class keeps them)");
        conn.ask(
            &format!("PRESENT f0 {k}"),
            &expected,
            crate::probe::presence(k),
        )?;
    }
    let expected =
        format!("ENDED {k} <time> {listed} f0 f1 ... (the students before the first ERROR full)");
    conn.ask(
        &format!("END {k}"),
        &expected,
        |r| matches!(r, Response::Ended { students, .. } if students.len() == listed),
    )?;
    Ok(())
}

fn server_full(ctx: &Ctx) -> Result<(), Failure> {
    let mut conn = ctx.probe.teacher("")?;
    let mut opened: Vec<ClassId> = Vec::new();
    let found = find_most_classes(ctx, &mut conn, &mut opened);
    // Whatever happened, close what was opened: the other checks need room.
    let ended = end_all(&mut conn, &opened);
    found?;
    ended
}

/// Opens roll calls until the server says `full`, then ends one and
/// checks that a `START` works again. Every class opened goes in `opened`.
fn find_most_classes(
    ctx: &Ctx,
    conn: &mut Conn<'_>,
    opened: &mut Vec<ClassId>,
) -> Result<(), Failure> {
    let expected = "STARTED <class> <time>, or ERROR full once the server is full";
    while opened.len() <= MOST_CLASSES {
        let classes: Vec<ClassId> = (0..BATCH).map(|_| ctx.class()).collect();
        let requests: Vec<String> = classes.iter().map(|k| format!("START {k}")).collect();
        let shown = format!(
            "START <class> for {} new classes, {} to {}",
            classes.len(),
            classes[0],
            classes[classes.len() - 1]
        );
        let ok = |r: &Response| is_full(r) || matches!(r, Response::Started { .. });
        let responses = each(conn, &requests, &shown, expected, ok)?;
        for (class, response) in classes.iter().zip(&responses) {
            if !is_full(response) {
                opened.push(*class);
            }
        }
        if responses.iter().any(is_full) {
            return room_after_an_end(ctx, conn, opened);
        }
    }
    Err(ctx.probe.fail(
        format!(
            "ERROR full for a START once the server has as many roll calls open as it may \
             (PROTOCOL.md: at most {MOST_CLASSES}, unless the server was started with \
             --max-classes)"
        ),
        format!("{} roll calls open at once, all STARTED", opened.len()),
    ))
}

/// On a full server, an `END` makes room for one `START`.
fn room_after_an_end(
    ctx: &Ctx,
    conn: &mut Conn<'_>,
    opened: &mut Vec<ClassId>,
) -> Result<(), Failure> {
    let Some(first) = opened.first().copied() else {
        let expected = "STARTED for at least the first START (no class of check's was open)";
        return Err(ctx.probe.fail(expected, conn.last_line()));
    };
    let expected = format!("ENDED {first} <time> 0");
    conn.ask(&format!("END {first}"), &expected, |r| {
        matches!(r, Response::Ended { .. })
    })?;
    opened.remove(0);
    let k = ctx.class();
    let expected = format!("STARTED {k} <time> (an END made room for one)");
    conn.ask(&format!("START {k}"), &expected, crate::probe::started(k))?;
    opened.push(k);
    Ok(())
}

/// Ends every class in `classes`.
fn end_all(conn: &mut Conn<'_>, classes: &[ClassId]) -> Result<(), Failure> {
    for some in classes.chunks(BATCH) {
        let requests: Vec<String> = some.iter().map(|k| format!("END {k}")).collect();
        let shown = format!("END <class> for the {} classes opened", some.len());
        each(conn, &requests, &shown, "ENDED <class> <time> 0", |r| {
            matches!(r, Response::Ended { .. })
        })?;
    }
    Ok(())
}
