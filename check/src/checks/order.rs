//! Order: `STATUS` and `ENDED` list students in the order their answers
//! were recorded, not sorted, not in a hash map's order.

use super::{Category, Check, Ctx, LESSON_01, PROTOCOL};
use chamada::Response;

use crate::probe::Failure;

pub fn checks() -> Vec<Check> {
    let check = |name, points, chapter, run| Check {
        category: Category::Order,
        name,
        points,
        chapter,
        run,
    };
    let rollcall = LESSON_01.at("state-itself");
    vec![
        check("check-name-status-order", 2, PROTOCOL, status_order),
        check("check-name-ended-order", 2, PROTOCOL, ended_order),
        check("check-name-across-clients", 2, rollcall, across_clients),
    ]
}

/// Ids in no order a sort or a hash would give: answer order is the only
/// way to get this list back.
const ANSWERS: [&str; 8] = ["zeca", "bia", "Ana", "042", "42", "mia", "ana", "0042"];

/// Opens a roll call and has `students` answer it, in order, on one connection.
fn answer_all(ctx: &Ctx, students: &[&str]) -> Result<chamada::ClassId, Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.start(k)?;
    for student in students {
        conn.present(student, k)?;
    }
    Ok(k)
}

fn status_order(ctx: &Ctx) -> Result<(), Failure> {
    let k = answer_all(ctx, &ANSWERS)?;
    let mut conn = ctx.probe.teacher("")?;
    conn.status(k, &ANSWERS)?;
    let any_ended = |r: &Response| matches!(r, Response::Ended { .. });
    conn.ask(
        &format!("END {k}"),
        &format!("ENDED {k} <time> 8 ..."),
        any_ended,
    )?;
    Ok(())
}

fn ended_order(ctx: &Ctx) -> Result<(), Failure> {
    let k = answer_all(ctx, &ANSWERS)?;
    ctx.probe.teacher("")?.end(k, &ANSWERS)?;
    Ok(())
}

/// Four students, each on a connection of their own, answer in turn; each
/// has its `PRESENCE` before the next one asks, so the order is certain.
fn across_clients(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let students = ["rui", "Lia", "007", "bo"];
    // Each client leaves before the next one comes: this checks order, not
    // concurrency, so it works with a server that serves one at a time.
    ctx.probe.teacher("teacher")?.start(k)?;
    for student in students {
        ctx.probe.connect(student)?.present(student, k)?;
    }
    ctx.probe.teacher("teacher")?.end(k, &students)?;
    Ok(())
}
