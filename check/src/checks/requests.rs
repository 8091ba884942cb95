//! Requests and responses: every request of PROTOCOL.md, one client, one
//! request at a time.

use chamada::{ErrorCode, Response};

use super::{Category, Check, Ctx, PROTOCOL};
use crate::probe::{ended, error, presence, refused, started, status, Failure};

pub fn checks() -> Vec<Check> {
    let check = |name, points, run| Check {
        category: Category::Requests,
        name,
        points,
        chapter: PROTOCOL,
        run,
    };
    vec![
        check("HELP gets a HELP line", 1, help),
        check("START opens a roll call: STARTED <class> <time>", 2, start),
        check(
            "PRESENT in an open roll call: PRESENCE <class> <time>",
            2,
            present,
        ),
        check(
            "PRESENT in a class with no open roll call: PRESENCE 0 <time>",
            2,
            present_refused,
        ),
        check(
            "STATUS lists who answered and leaves the roll call open",
            2,
            status_keeps_open,
        ),
        check(
            "END lists who answered, closes the roll call and forgets it",
            2,
            end_closes,
        ),
        check(
            "a repeated answer is recorded once, with its first time",
            2,
            repeated_answer,
        ),
        check(
            "START of an open class: ERROR already-open, the list kept",
            2,
            start_twice,
        ),
        check("a START after END begins an empty list", 1, start_again),
        check(
            "verbs in any case, spaces and tabs between words, leading zeros",
            1,
            lenient_syntax,
        ),
        check("AUTH gets AUTHORIZED", 1, auth),
        check("QUIT gets BYE, then the server hangs up", 1, quit),
    ]
}

fn help(ctx: &Ctx) -> Result<(), Failure> {
    let mut conn = ctx.probe.connect("")?;
    conn.ask("HELP", "HELP <the list of requests>", |r| {
        *r == Response::Help
    })?;
    Ok(())
}

fn start(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.ask(
        &format!("START {k}"),
        &format!("STARTED {k} <time>"),
        started(k),
    )?;
    conn.ask(
        &format!("END {k}"),
        &format!("ENDED {k} <time> 0"),
        ended(k, &[]),
    )?;
    Ok(())
}

fn present(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.ask(
        &format!("START {k}"),
        &format!("STARTED {k} <time>"),
        started(k),
    )?;
    let expected = format!("PRESENCE {k} <time>");
    conn.ask(&format!("PRESENT ana {k}"), &expected, presence(k))?;
    conn.ask(
        &format!("END {k}"),
        &format!("ENDED {k} <time> 1 ana"),
        ended(k, &["ana"]),
    )?;
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
    conn.ask(
        &format!("START {k}"),
        &format!("STARTED {k} <time>"),
        started(k),
    )?;
    let expected = format!("STATUS {k} <time> 0");
    conn.ask(&format!("STATUS {k}"), &expected, status(k, &[]))?;
    conn.ask(
        &format!("PRESENT ana {k}"),
        &format!("PRESENCE {k} <time>"),
        presence(k),
    )?;
    let expected = format!("STATUS {k} <time> 1 ana");
    conn.ask(&format!("STATUS {k}"), &expected, status(k, &["ana"]))?;
    conn.ask(
        &format!("PRESENT bia {k}"),
        &format!("PRESENCE {k} <time>"),
        presence(k),
    )?;
    let expected = format!("ENDED {k} <time> 2 ana bia");
    conn.ask(&format!("END {k}"), &expected, ended(k, &["ana", "bia"]))?;
    Ok(())
}

fn end_closes(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.ask(
        &format!("START {k}"),
        &format!("STARTED {k} <time>"),
        started(k),
    )?;
    conn.ask(
        &format!("PRESENT ana {k}"),
        &format!("PRESENCE {k} <time>"),
        presence(k),
    )?;
    let expected = format!("ENDED {k} <time> 1 ana");
    conn.ask(&format!("END {k}"), &expected, ended(k, &["ana"]))?;
    let not_open = "ERROR not-open ...";
    conn.ask(&format!("STATUS {k}"), not_open, error(ErrorCode::NotOpen))?;
    conn.ask(&format!("PRESENT bia {k}"), "PRESENCE 0 <time>", refused)?;
    conn.ask(&format!("END {k}"), not_open, error(ErrorCode::NotOpen))?;
    Ok(())
}

fn repeated_answer(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.ask(
        &format!("START {k}"),
        &format!("STARTED {k} <time>"),
        started(k),
    )?;
    let request = format!("PRESENT ana {k}");
    let first = conn.ask(&request, &format!("PRESENCE {k} <time>"), presence(k))?;
    let expected = format!("the same line again: {first}");
    conn.ask(&request, &expected, |r| *r == first)?;
    let expected = format!("STATUS {k} <time> 1 ana");
    conn.ask(&format!("STATUS {k}"), &expected, status(k, &["ana"]))?;
    let expected = format!("ENDED {k} <time> 1 ana");
    conn.ask(&format!("END {k}"), &expected, ended(k, &["ana"]))?;
    Ok(())
}

fn start_twice(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.ask(
        &format!("START {k}"),
        &format!("STARTED {k} <time>"),
        started(k),
    )?;
    conn.ask(
        &format!("PRESENT ana {k}"),
        &format!("PRESENCE {k} <time>"),
        presence(k),
    )?;
    let expected = "ERROR already-open ...";
    conn.ask(
        &format!("START {k}"),
        expected,
        error(ErrorCode::AlreadyOpen),
    )?;
    let expected = format!("STATUS {k} <time> 1 ana");
    conn.ask(&format!("STATUS {k}"), &expected, status(k, &["ana"]))?;
    let expected = format!("ENDED {k} <time> 1 ana");
    conn.ask(&format!("END {k}"), &expected, ended(k, &["ana"]))?;
    Ok(())
}

fn start_again(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.ask(
        &format!("START {k}"),
        &format!("STARTED {k} <time>"),
        started(k),
    )?;
    conn.ask(
        &format!("PRESENT ana {k}"),
        &format!("PRESENCE {k} <time>"),
        presence(k),
    )?;
    let expected = format!("ENDED {k} <time> 1 ana");
    conn.ask(&format!("END {k}"), &expected, ended(k, &["ana"]))?;
    conn.ask(
        &format!("START {k}"),
        &format!("STARTED {k} <time>"),
        started(k),
    )?;
    let expected = format!("ENDED {k} <time> 0");
    conn.ask(&format!("END {k}"), &expected, ended(k, &[]))?;
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
        conn.ask(
            "AUTH any-key",
            "AUTHORIZED (a server without a teacher key accepts any)",
            |r| *r == Response::Authorized,
        )?;
    }
    Ok(())
}

fn quit(ctx: &Ctx) -> Result<(), Failure> {
    let mut conn = ctx.probe.connect("")?;
    conn.ask("QUIT", "BYE", |r| *r == Response::Bye)?;
    conn.expect_closed("the server closes the connection after BYE")
}
