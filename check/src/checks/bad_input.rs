//! Bad input and limits: requests a server must refuse, the limits of
//! classes and student ids, and the teacher key. A refused request gets
//! `ERROR bad-request` and the connection carries on.

use chamada::{ErrorCode, Response};

use super::{Category, Check, Ctx, PROTOCOL, PROTOCOL_MD};
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
        check(
            "an AUTH key that is not 1 to 64 printable ASCII characters: ERROR bad-request",
            1,
            bad_keys,
        ),
        Check {
            chapter: PROTOCOL_MD.at("For implementers"),
            ..check(
                "only spaces and tabs separate words: other white space is part of a word",
                1,
                other_white_space,
            )
        },
        Check {
            chapter: PROTOCOL_MD.at("For implementers"),
            ..check(
                "verbs ignore the case of ASCII letters only: \"ſtart\" and \"quıt\" are no verbs",
                1,
                ascii_case_only,
            )
        },
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
            // Digits are ASCII digits only, and nothing else: no sign, no
            // separator, no Arabic-Indic or full-width digit (Python's
            // int() takes all of these).
            "START +7",
            "START 1_000",
            "START \u{663}",
            "START \u{ff13}",
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
            // A full-width letter is a letter, but not an ASCII one.
            &format!("PRESENT \u{ff41}na {k}"),
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

fn bad_keys(ctx: &Ctx) -> Result<(), Failure> {
    // A student's connection, without AUTH: on a server with a teacher key
    // too, a malformed key is a bad request, not a wrong key.
    let mut conn = ctx.probe.connect("")?;
    let too_long = format!("AUTH {}", "k".repeat(65));
    conn.send(&too_long)?;
    conn.expect(
        "ERROR bad-request ... (65 characters: a key has at most 64)",
        error(ErrorCode::BadRequest),
    )?;
    conn.send("AUTH chave-secreta-\u{e9}")?;
    conn.expect(
        "ERROR bad-request ... (é is not ASCII)",
        error(ErrorCode::BadRequest),
    )?;
    conn.ask("HELP", "HELP ... (the connection is still open)", |r| {
        *r == Response::Help
    })?;
    Ok(())
}

/// Sends `line` (without its `\n`), logged as `shown`, and expects
/// `ERROR bad-request`.
fn refused_as_written(
    conn: &mut crate::probe::Conn<'_>,
    line: &str,
    shown: &str,
    why: &str,
) -> Result<(), Failure> {
    conn.send_raw(format!("{line}\n").as_bytes(), shown)?;
    conn.expect(
        &format!("{BAD_REQUEST} ({why})"),
        error(ErrorCode::BadRequest),
    )?;
    Ok(())
}

fn other_white_space(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    let why = "only a space or a tab separates words";
    for (separator, name) in [
        ("\u{c}", r"\f (form feed)"),
        ("\u{b}", r"\v (vertical tab)"),
        ("\u{1f}", r"\x1f (unit separator)"),
        ("\u{a0}", r"\u{a0} (no-break space)"),
    ] {
        let line = format!("START{separator}{k}");
        refused_as_written(&mut conn, &line, &format!("START{name}{k}"), why)?;
    }
    let why = "a line with anything but spaces and tabs is not blank";
    refused_as_written(&mut conn, "\u{c}", r"\f (a form feed alone)", why)?;
    conn.ask("HELP", "HELP ... (the connection is still open)", |r| {
        *r == Response::Help
    })?;
    Ok(())
}

fn ascii_case_only(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    // Unicode upper-cases ſ (long s) to S and ı (dotless i) to I, so a
    // server that folds case with Unicode rules takes these for START and
    // QUIT; the protocol folds only a-z.
    let why = "only the ASCII letters a-z fold to A-Z";
    let start = format!("\u{17f}tart {k}");
    refused_as_written(&mut conn, &start, &start, why)?;
    refused_as_written(&mut conn, "qu\u{131}t", "qu\u{131}t", why)?;
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
