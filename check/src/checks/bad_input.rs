//! Bad input and limits: requests a server must refuse, the limits of
//! classes and student ids, and the teacher key. A refused request gets
//! `ERROR bad-request` and the connection carries on.

use chamada::{ErrorCode, Response};

use super::{Category, Check, Ctx, PROTOCOL};
use crate::probe::{error, Failure};

pub fn checks(with_key: bool) -> Vec<Check> {
    let check = |name, points, run| Check {
        category: Category::BadInput,
        name,
        points,
        chapter: PROTOCOL,
        run,
    };
    let mut checks = vec![
        check(
            "an unknown request: ERROR bad-request, and the connection stays open",
            1,
            unknown,
        ),
        check(
            "the wrong number of arguments: ERROR bad-request",
            1,
            arguments,
        ),
        check(
            "a class that is not 1 to 4294967295: ERROR bad-request",
            2,
            bad_classes,
        ),
        check(
            "a student id that is not 1 to 32 letters or digits: ERROR bad-request",
            2,
            bad_students,
        ),
        check(
            "a line that is not UTF-8: ERROR bad-request, and the connection stays open",
            1,
            not_utf8,
        ),
    ];
    if with_key {
        checks.push(check(
            "the teacher key: needed for START, and a wrong one refused",
            2,
            key,
        ));
    }
    checks
}

const BAD_REQUEST: &str = "ERROR bad-request ...";

/// Sends each request and expects `ERROR bad-request` for every one.
fn all_refused(ctx: &Ctx, requests: &[&str]) -> Result<(), Failure> {
    let mut conn = ctx.probe.teacher("")?;
    for request in requests {
        conn.refuse(request, ErrorCode::BadRequest)?;
    }
    conn.ask("HELP", "HELP ... (the connection is still open)", |r| {
        *r == Response::Help
    })?;
    Ok(())
}

fn unknown(ctx: &Ctx) -> Result<(), Failure> {
    all_refused(ctx, &["FOO", "PRESENTE ana 7", "!@#"])
}

fn arguments(ctx: &Ctx) -> Result<(), Failure> {
    all_refused(
        ctx,
        &["START", "START 7 8", "PRESENT ana", "END", "HELP me"],
    )
}

fn bad_classes(ctx: &Ctx) -> Result<(), Failure> {
    all_refused(
        ctx,
        &[
            "START 0",
            "START -5",
            "START 4294967296",
            "START 12a",
            "STATUS 1.5",
            // Class 0 is no class: refusing it as a request is right,
            // answering PRESENCE 0 would hide the typo.
            "PRESENT ana 0",
        ],
    )
}

fn bad_students(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let too_long = format!("PRESENT {} {k}", "a".repeat(33));
    all_refused(
        ctx,
        &[
            &too_long,
            &format!("PRESENT ana-b {k}"),
            &format!("PRESENT joão {k}"),
        ],
    )?;
    // The longest id is fine, and kept exactly, leading zeros and all.
    let longest = format!("0{}", "Z9".repeat(15) + "x");
    let mut conn = ctx.probe.teacher("")?;
    conn.start(k)?;
    conn.present(&longest, k)?;
    conn.end(k, &[&longest])?;
    Ok(())
}

fn not_utf8(ctx: &Ctx) -> Result<(), Failure> {
    let mut conn = ctx.probe.connect("")?;
    conn.send_raw(
        b"START \xff\xfe\n",
        r"START \xff\xfe (bytes that are not UTF-8)",
    )?;
    conn.expect(BAD_REQUEST, error(ErrorCode::BadRequest))?;
    conn.ask("HELP", "HELP ... (the connection is still open)", |r| {
        *r == Response::Help
    })?;
    Ok(())
}

fn key(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.connect("")?;
    conn.refuse(&format!("START {k}"), ErrorCode::Forbidden)?;
    conn.refuse("AUTH not-the-key-0", ErrorCode::Forbidden)?;
    conn.refuse(&format!("START {k}"), ErrorCode::Forbidden)?;
    Ok(())
}
