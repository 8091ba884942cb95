//! Requests and responses: every request of PROTOCOL.md, one client, one
//! request at a time.

use chamada::{t, ErrorCode, Response};

use super::{Category, Check, Ctx, PROTOCOL};
use crate::probe::{ended, presence, refused, Failure};

pub fn checks() -> Vec<Check> {
    let check = |name, points, run| Check {
        category: Category::Requests,
        name,
        points,
        chapter: PROTOCOL,
        run,
    };
    vec![
        check("check-name-help", 1, help),
        check("check-name-start", 2, start),
        check("check-name-present", 2, present),
        check("check-name-present-refused", 2, present_refused),
        check("check-name-status-keeps-open", 2, status_keeps_open),
        check("check-name-end-closes", 2, end_closes),
        check("check-name-repeated-answer", 2, repeated_answer),
        check("check-name-start-twice", 2, start_twice),
        check("check-name-start-again", 1, start_again),
        check("check-name-lenient-syntax", 1, lenient_syntax),
        check("check-name-auth", 1, auth),
        check("check-name-quit", 1, quit),
    ]
}

fn help(ctx: &Ctx) -> Result<(), Failure> {
    let mut conn = ctx.probe.connect("")?;
    conn.ask("HELP", &t!("check-expect-help-list"), |r| {
        *r == Response::Help
    })?;
    Ok(())
}

fn start(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.start(k)?;
    conn.end(k, &[])?;
    Ok(())
}

fn present(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.start(k)?;
    conn.present("ana", k)?;
    conn.end(k, &["ana"])?;
    Ok(())
}

fn present_refused(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.connect("")?;
    conn.ask(&format!("PRESENT ana {k}"), "PRESENCE 0 <time>", refused)?;
    Ok(())
}

fn status_keeps_open(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.start(k)?;
    conn.status(k, &[])?;
    conn.present("ana", k)?;
    conn.status(k, &["ana"])?;
    conn.present("bia", k)?;
    conn.end(k, &["ana", "bia"])?;
    Ok(())
}

fn end_closes(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.start(k)?;
    conn.present("ana", k)?;
    conn.end(k, &["ana"])?;
    conn.refuse(&format!("STATUS {k}"), ErrorCode::NotOpen)?;
    conn.ask(&format!("PRESENT bia {k}"), "PRESENCE 0 <time>", refused)?;
    conn.refuse(&format!("END {k}"), ErrorCode::NotOpen)?;
    Ok(())
}

fn repeated_answer(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.start(k)?;
    conn.present("ana", k)?;
    let first = conn.last_line().to_owned();
    let first_time = conn.last_time().map(str::to_owned);
    let expected = t!("check-expect-same-line", line = first.as_str());
    conn.ask(&format!("PRESENT ana {k}"), &expected, presence(k))?;
    if conn.last_time().map(str::to_owned) != first_time {
        let got = conn.last_line().to_owned();
        return Err(ctx
            .probe
            .fail(expected, format!("{got}\n{}", t!("check-got-another-time"))));
    }
    conn.status(k, &["ana"])?;
    conn.end(k, &["ana"])?;
    Ok(())
}

fn start_twice(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.start(k)?;
    conn.present("ana", k)?;
    conn.refuse(&format!("START {k}"), ErrorCode::AlreadyOpen)?;
    conn.status(k, &["ana"])?;
    conn.end(k, &["ana"])?;
    Ok(())
}

fn start_again(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.start(k)?;
    conn.present("ana", k)?;
    conn.end(k, &["ana"])?;
    conn.start(k)?;
    conn.end(k, &[])?;
    Ok(())
}

fn lenient_syntax(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    // The response writes the class in its canonical form, without zeros.
    let canonical = |line: &Response| line.to_string().starts_with(&format!("STARTED {k} "));
    conn.ask(
        &format!("start 000{k}"),
        &format!("STARTED {k} <time>"),
        canonical,
    )?;
    let expected = format!("PRESENCE {k} <time>");
    conn.ask(
        &format!("  Present \t ana\t\t{k}  "),
        &expected,
        presence(k),
    )?;
    let expected = format!("ENDED {k} <time> 1 ana");
    conn.ask(&format!("eNd {k}"), &expected, ended(k, &["ana"]))?;
    Ok(())
}

fn auth(ctx: &Ctx) -> Result<(), Failure> {
    // With a key, every teacher connection has already sent it (and failed
    // the check if it was refused); without one, any key is accepted.
    let mut conn = ctx.probe.teacher("")?;
    if ctx.probe.key.is_none() {
        let expected = t!("check-expect-authorized-any");
        conn.ask("AUTH any-key", &expected, |r| *r == Response::Authorized)?;
    }
    Ok(())
}

fn quit(ctx: &Ctx) -> Result<(), Failure> {
    let mut conn = ctx.probe.connect("")?;
    conn.ask("QUIT", "BYE", |r| *r == Response::Bye)?;
    conn.expect_closed(&t!("check-expect-closed-after-bye"))
}
