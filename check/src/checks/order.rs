//! Order: `STATUS` and `ENDED` list students in the order their answers
//! were recorded, not sorted, not in a hash map's order.

use super::{Category, Chapter, Check, Ctx, PROTOCOL};
use crate::probe::{ended, presence, started, status, Failure};

pub fn checks() -> Vec<Check> {
    let check = |name, points, chapter, run| Check {
        category: Category::Order,
        name,
        points,
        chapter,
        run,
    };
    let rollcall =
        Chapter::new("Lesson 01: blocking", "book/src/lesson-01.md").at("The state itself");
    vec![
        check(
            "STATUS lists students in answer order",
            2,
            PROTOCOL,
            status_order,
        ),
        check(
            "ENDED lists students in answer order",
            2,
            PROTOCOL,
            ended_order,
        ),
        check(
            "answers from several clients are listed in the order they were recorded",
            2,
            rollcall,
            across_clients,
        ),
    ]
}

/// Ids in no order a sort or a hash would give: answer order is the only
/// way to get this list back.
const ANSWERS: [&str; 8] = ["zeca", "bia", "Ana", "042", "42", "mia", "ana", "0042"];

fn answer_all(ctx: &Ctx, students: &[&str]) -> Result<chamada::ClassId, Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.ask(
        &format!("START {k}"),
        &format!("STARTED {k} <time>"),
        started(k),
    )?;
    for student in students {
        let expected = format!("PRESENCE {k} <time>");
        conn.ask(&format!("PRESENT {student} {k}"), &expected, presence(k))?;
    }
    Ok(k)
}

fn status_order(ctx: &Ctx) -> Result<(), Failure> {
    let k = answer_all(ctx, &ANSWERS)?;
    let mut conn = ctx.probe.teacher("")?;
    let list = ANSWERS.join(" ");
    let expected = format!("STATUS {k} <time> 8 {list}");
    conn.ask(&format!("STATUS {k}"), &expected, status(k, &ANSWERS))?;
    let expected = format!("ENDED {k} <time> 8 ...");
    conn.ask(&format!("END {k}"), &expected, |r| {
        matches!(r, chamada::Response::Ended { .. })
    })?;
    Ok(())
}

fn ended_order(ctx: &Ctx) -> Result<(), Failure> {
    let k = answer_all(ctx, &ANSWERS)?;
    let mut conn = ctx.probe.teacher("")?;
    let list = ANSWERS.join(" ");
    let expected = format!("ENDED {k} <time> 8 {list}");
    conn.ask(&format!("END {k}"), &expected, ended(k, &ANSWERS))?;
    Ok(())
}

/// Four students, each on a connection of their own, answer in turn; each
/// has its `PRESENCE` before the next one asks, so the order is certain.
fn across_clients(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let students = ["rui", "Lia", "007", "bo"];
    // Each client leaves before the next one comes: this checks order, not
    // concurrency, so it works with a server that serves one at a time.
    let mut teacher = ctx.probe.teacher("teacher")?;
    teacher.ask(
        &format!("START {k}"),
        &format!("STARTED {k} <time>"),
        started(k),
    )?;
    drop(teacher);
    for student in students {
        let mut conn = ctx.probe.connect(student)?;
        let expected = format!("PRESENCE {k} <time>");
        conn.ask(&format!("PRESENT {student} {k}"), &expected, presence(k))?;
    }
    let mut teacher = ctx.probe.teacher("teacher")?;
    let expected = format!("ENDED {k} <time> 4 {}", students.join(" "));
    teacher.ask(&format!("END {k}"), &expected, ended(k, &students))?;
    Ok(())
}
