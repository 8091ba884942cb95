//! Limits: a server bounds what it holds, so that no client can make it
//! use memory without end. Past its limits it answers `ERROR full`: for a
//! new student in a class that lists as many as it records, and for a
//! `START` when it has as many roll calls open as it may.
//!
//! `check` does not know a server's limits (they are options), so it finds
//! them: it keeps adding students, or opening roll calls, until the server
//! says `full`, and gives up one past the most PROTOCOL.md allows a server
//! started without options. That takes a few thousand requests, sent on
//! four connections side by side: a fraction of a second.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use chamada::{t, Capacity, ClassId, ErrorCode, Response};

use super::{Category, Check, Ctx, PROTOCOL};
use crate::probe::{error, Conn, Failure};

/// The most students PROTOCOL.md lets a roll call record, unless the
/// server was started with `--max-students`.
pub const MOST_STUDENTS: usize = Capacity::DEFAULT.students_per_class;
/// The most roll calls PROTOCOL.md lets a server keep open at once,
/// unless it was started with `--max-classes`.
pub const MOST_CLASSES: usize = Capacity::DEFAULT.open_classes;

/// Connections that look for a limit side by side against a server that
/// serves clients at once: a server that syncs a journal can then sync for
/// all of them at once, and each round trip costs a quarter as much.
const HELPERS: usize = 4;

pub fn checks() -> Vec<Check> {
    let check = |name, points, run| Check {
        category: Category::BadInput,
        name,
        points,
        chapter: PROTOCOL.at("errors"),
        run,
    };
    vec![
        check("check-name-class-full", 2, class_full),
        check("check-name-server-full", 2, server_full),
    ]
}

fn is_full(response: &Response) -> bool {
    error(ErrorCode::Full)(response)
}

/// Runs `work` side by side on [`HELPERS`] connections (one, for a server
/// that serves one client at a time), each on a thread of its own, and
/// collects what each returns, in order.
///
/// Each connection sends one request at a time and reads its response
/// before the next: sending many in one write would be quicker, but then a
/// server that cannot read several requests from one write would lose these
/// points too (a framing check's business). And each connection is opened
/// right before its first request and closed right after its last: a
/// server that holds its lock while it waits for a request then only
/// serves the connections one after the other (a concurrency check's
/// business), but it still serves them all.
fn side_by_side<T: Send>(
    ctx: &Ctx,
    work: impl Fn(usize, usize, &mut Conn<'_>) -> Result<T, Failure> + Sync,
) -> Vec<Result<T, Failure>> {
    let count = if ctx.one_at_a_time { 1 } else { HELPERS };
    let work = &work;
    thread::scope(|scope| {
        let threads: Vec<_> = (0..count)
            .map(|n| {
                scope.spawn(move || {
                    let mut conn = ctx.probe.teacher(&t!("check-who-helper", n = n + 1))?;
                    work(n, count, &mut conn)
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|thread| {
                thread
                    .join()
                    .unwrap_or_else(|_| Err(ctx.probe.fail("", t!("check-got-panicked"))))
            })
            .collect()
    })
}

fn class_full(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    ctx.probe.teacher("teacher")?.start(k)?;
    let expected = t!("check-expect-presence-or-full", class = k.to_string());
    // Each connection adds every `step`-th student, until it is told `full`.
    let found = side_by_side(ctx, |n, step, conn| -> Result<(usize, bool), Failure> {
        conn.note(&t!(
            "check-sent-fill-class",
            class = k.to_string(),
            first = n,
            second = n + step,
            third = n + 2 * step
        ));
        let mut added = 0;
        for number in (n..=MOST_STUDENTS).step_by(step) {
            conn.send_quietly(&format!("PRESENT f{number} {k}"))?;
            let ok = |r: &Response| is_full(r) || crate::probe::presence(k)(r);
            if is_full(&conn.expect(&expected, ok)?) {
                return Ok((added, true));
            }
            added += 1;
        }
        Ok((added, false))
    });
    let mut listed = 0;
    let mut full = false;
    for one in found {
        let (added, said_full) = one?;
        listed += added;
        full |= said_full;
    }
    let mut conn = ctx.probe.teacher("teacher")?;
    if !full {
        let _ = conn.send(&format!("END {k}"));
        return Err(ctx.probe.fail(
            t!("check-expect-class-full", most = MOST_STUDENTS),
            t!(
                "check-got-never-full-class",
                count = listed,
                class = k.to_string()
            ),
        ));
    }
    full_class_still_answers_its_own(conn, k, listed)
}

/// In a class full with `listed` students: a new student is still
/// refused, one already listed is told `PRESENCE`, and the list holds
/// exactly `listed`.
fn full_class_still_answers_its_own(
    mut conn: Conn<'_>,
    k: ClassId,
    listed: usize,
) -> Result<(), Failure> {
    let expected = t!("check-expect-still-full");
    conn.ask(&format!("PRESENT late {k}"), &expected, is_full)?;
    if listed > 0 {
        let expected = t!("check-expect-listed-kept", class = k.to_string());
        conn.ask(
            &format!("PRESENT f0 {k}"),
            &expected,
            crate::probe::presence(k),
        )?;
    }
    let expected = t!(
        "check-expect-ended-full",
        class = k.to_string(),
        count = listed
    );
    conn.ask(
        &format!("END {k}"),
        &expected,
        |r| matches!(r, Response::Ended { students, .. } if students.len() == listed),
    )?;
    Ok(())
}

fn server_full(ctx: &Ctx) -> Result<(), Failure> {
    let tried = AtomicUsize::new(0);
    // Each connection opens roll calls until it is told `full`, or until
    // MOST_CLASSES + 1 have been tried in all.
    let found = side_by_side(ctx, |_, _, conn| {
        conn.note(&t!("check-sent-fill-server"));
        let mut opened = Vec::new();
        let outcome = open_until_full(ctx, conn, &tried, &mut opened);
        Ok((opened, outcome))
    });
    let mut opened: Vec<Vec<ClassId>> = Vec::new();
    let mut outcome = Ok(false);
    for one in found {
        let (classes, result) = match one {
            Ok(found) => found,
            Err(failure) => (Vec::new(), Err(failure)),
        };
        opened.push(classes);
        outcome = match (outcome, result) {
            (Err(failure), _) | (_, Err(failure)) => Err(failure),
            (Ok(a), Ok(b)) => Ok(a || b),
        };
    }
    let checked = match outcome {
        Ok(true) => ctx
            .probe
            .teacher("teacher")
            .and_then(|mut conn| room_after_an_end(ctx, &mut conn, &mut opened)),
        Ok(false) => Err(ctx.probe.fail(
            t!("check-expect-server-full", most = MOST_CLASSES),
            t!("check-got-never-full-server", count = opened.concat().len()),
        )),
        Err(failure) => Err(failure),
    };
    // Whatever happened, close what was opened: the other checks need room.
    let ended = side_by_side(ctx, |n, _, conn| match opened.get(n) {
        Some(classes) => end_all(conn, classes),
        None => Ok(()),
    });
    checked?;
    ended.into_iter().collect()
}

/// Opens roll calls on `conn` until the server says `full` (true), or
/// [`MOST_CLASSES`] + 1 have been tried on every connection together
/// (false). Every class opened goes in `opened`.
fn open_until_full(
    ctx: &Ctx,
    conn: &mut Conn<'_>,
    tried: &AtomicUsize,
    opened: &mut Vec<ClassId>,
) -> Result<bool, Failure> {
    let expected = t!("check-expect-started-or-full");
    while tried.fetch_add(1, Ordering::SeqCst) <= MOST_CLASSES {
        let k = ctx.class();
        conn.send_quietly(&format!("START {k}"))?;
        let ok = |r: &Response| is_full(r) || matches!(r, Response::Started { .. });
        if is_full(&conn.expect(&expected, ok)?) {
            return Ok(true);
        }
        opened.push(k);
    }
    Ok(false)
}

/// On a full server, an `END` makes room for one `START`. `opened` holds
/// the classes each connection opened; the new one joins the first's.
fn room_after_an_end(
    ctx: &Ctx,
    conn: &mut Conn<'_>,
    opened: &mut [Vec<ClassId>],
) -> Result<(), Failure> {
    let Some(list) = opened.iter_mut().find(|list| !list.is_empty()) else {
        let expected = t!("check-expect-first-started");
        return Err(ctx.probe.fail(expected, conn.last_line()));
    };
    let first = list.remove(0);
    let expected = format!("ENDED {first} <time> 0");
    conn.ask(&format!("END {first}"), &expected, |r| {
        matches!(r, Response::Ended { .. })
    })?;
    let k = ctx.class();
    let expected = t!("check-expect-room-after-end", class = k.to_string());
    conn.ask(&format!("START {k}"), &expected, crate::probe::started(k))?;
    opened[0].push(k);
    Ok(())
}

/// Ends every class in `classes`, one at a time.
fn end_all(conn: &mut Conn<'_>, classes: &[ClassId]) -> Result<(), Failure> {
    if classes.is_empty() {
        return Ok(());
    }
    conn.note(&t!("check-sent-end-all", count = classes.len()));
    for k in classes {
        conn.send_quietly(&format!("END {k}"))?;
        conn.expect("ENDED <class> <time> 0", |r| {
            matches!(r, Response::Ended { .. })
        })?;
    }
    Ok(())
}
