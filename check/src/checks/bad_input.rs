//! Bad input and limits: requests a server must refuse, the limits of
//! classes and student ids, and the teacher key. A refused request gets
//! `ERROR bad-request` and the connection carries on.

use chamada::{t, ErrorCode, Response};

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
        check("check-name-unknown", 1, unknown),
        check("check-name-arguments", 1, arguments),
        check("check-name-bad-classes", 2, bad_classes),
        check("check-name-bad-students", 2, bad_students),
        check("check-name-not-utf8", 1, not_utf8),
        check("check-name-bad-keys", 1, bad_keys),
        Check {
            chapter: PROTOCOL_MD.at("for-implementers"),
            ..check("check-name-other-white-space", 1, other_white_space)
        },
        Check {
            chapter: PROTOCOL_MD.at("for-implementers"),
            ..check("check-name-ascii-case-only", 1, ascii_case_only)
        },
    ];
    if with_key {
        checks.push(check("check-name-key", 2, key));
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
    still_open(&mut conn)
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
    conn.send_raw(b"START \xff\xfe\n", &t!("check-sent-not-utf8"))?;
    conn.expect(BAD_REQUEST, error(ErrorCode::BadRequest))?;
    still_open(&mut conn)
}

fn bad_keys(ctx: &Ctx) -> Result<(), Failure> {
    // A student's connection, without AUTH: on a server with a teacher key
    // too, a malformed key is a bad request, not a wrong key.
    let mut conn = ctx.probe.connect("")?;
    let too_long = format!("AUTH {}", "k".repeat(65));
    conn.send(&too_long)?;
    conn.expect(
        &t!("check-expect-key-too-long"),
        error(ErrorCode::BadRequest),
    )?;
    conn.send("AUTH chave-secreta-\u{e9}")?;
    conn.expect(
        &t!("check-expect-key-not-ascii"),
        error(ErrorCode::BadRequest),
    )?;
    still_open(&mut conn)
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
        &t!("check-expect-bad-request-because", why = why),
        error(ErrorCode::BadRequest),
    )?;
    Ok(())
}

/// Asks `HELP`: a refused request must leave the connection open.
fn still_open(conn: &mut crate::probe::Conn<'_>) -> Result<(), Failure> {
    conn.ask("HELP", &t!("check-expect-still-open"), |r| {
        *r == Response::Help
    })?;
    Ok(())
}

fn other_white_space(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    let why = t!("check-why-separators");
    for (separator, escaped, name) in [
        ("\u{c}", r"\f", "check-char-form-feed"),
        ("\u{b}", r"\v", "check-char-vertical-tab"),
        ("\u{1f}", r"\x1f", "check-char-unit-separator"),
        ("\u{a0}", r"\u{a0}", "check-char-no-break-space"),
    ] {
        let line = format!("START{separator}{k}");
        let shown = format!("START{escaped} ({}){k}", t!(name));
        refused_as_written(&mut conn, &line, &shown, &why)?;
    }
    let why = t!("check-why-not-blank");
    let shown = t!("check-sent-form-feed-alone");
    refused_as_written(&mut conn, "\u{c}", &shown, &why)?;
    still_open(&mut conn)
}

fn ascii_case_only(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    // Unicode upper-cases ſ (long s) to S and ı (dotless i) to I, so a
    // server that folds case with Unicode rules takes these for START and
    // QUIT; the protocol folds only a-z.
    let why = t!("check-why-ascii-fold");
    let start = format!("\u{17f}tart {k}");
    refused_as_written(&mut conn, &start, &start, &why)?;
    refused_as_written(&mut conn, "qu\u{131}t", "qu\u{131}t", &why)?;
    still_open(&mut conn)
}

fn key(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.connect("")?;
    conn.refuse(&format!("START {k}"), ErrorCode::Forbidden)?;
    conn.refuse("AUTH not-the-key-0", ErrorCode::Forbidden)?;
    conn.refuse(&format!("START {k}"), ErrorCode::Forbidden)?;
    Ok(())
}
