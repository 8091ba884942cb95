//! Framing: TCP delivers bytes, not lines. A request may arrive in pieces,
//! several may arrive at once, and a line may never end.

use std::time::Duration;

use chamada::{t, ErrorCode, Response};

use super::{Category, Check, Ctx, FRAMING, PROTOCOL_MD};
use crate::probe::{ended, error, presence, started, status, Failure};

pub fn checks() -> Vec<Check> {
    let check = |name, points, run| Check {
        category: Category::Framing,
        name,
        points,
        chapter: FRAMING,
        run,
    };
    vec![
        check("check-name-split", 2, split),
        check("check-name-pipelined", 2, pipelined),
        check("check-name-crlf", 1, crlf),
        check("check-name-blank-lines", 1, blank_lines),
        check("check-name-longest-line", 1, longest_line),
        check("check-name-too-long", 2, too_long),
        Check {
            chapter: PROTOCOL_MD.at("transport-and-framing"),
            ..check("check-name-limit-counts-crlf", 1, limit_counts_crlf)
        },
        check("check-name-endless", 2, endless),
        check("check-name-vanished", 1, vanished),
    ]
}

/// Long enough for each piece to leave in a packet of its own.
const PAUSE: Duration = Duration::from_millis(30);

fn split(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.start(k)?;
    let last = format!("{k}\n");
    let pieces: [&[u8]; 4] = [b"PRE", b"SENT a", b"na ", last.as_bytes()];
    let shown = t!("check-sent-split", class = k.to_string());
    conn.send_pieces(&pieces, PAUSE, &shown)?;
    conn.expect(&format!("PRESENCE {k} <time>"), presence(k))?;
    conn.end(k, &["ana"])?;
    Ok(())
}

fn pipelined(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    let requests = [
        format!("START {k}"),
        format!("PRESENT ana {k}"),
        format!("PRESENT bia {k}"),
        format!("STATUS {k}"),
        format!("END {k}"),
    ];
    let batch: String = requests.iter().map(|r| format!("{r}\n")).collect();
    conn.send_raw(
        batch.as_bytes(),
        &t!("check-sent-one-write", requests = requests.join("\\n")),
    )?;
    let nth = |n: u32, response: String| t!("check-expect-nth", n = n, response = response);
    conn.expect(&nth(1, format!("STARTED {k} <time>")), started(k))?;
    conn.expect(&nth(2, format!("PRESENCE {k} <time>")), presence(k))?;
    conn.expect(&nth(3, format!("PRESENCE {k} <time>")), presence(k))?;
    let expected = nth(4, format!("STATUS {k} <time> 2 ana bia"));
    conn.expect(&expected, status(k, &["ana", "bia"]))?;
    let expected = nth(5, format!("ENDED {k} <time> 2 ana bia"));
    conn.expect(&expected, ended(k, &["ana", "bia"]))?;
    Ok(())
}

fn crlf(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    let mut ask = |request: String, expected: String, ok: &dyn Fn(&Response) -> bool| {
        let line = format!("{request}\r\n");
        conn.send_raw(line.as_bytes(), &format!("{request}\\r\\n"))?;
        conn.expect(&expected, ok)
    };
    ask(format!("START {k}"), format!("STARTED {k} <time>"), &|r| {
        started(k)(r)
    })?;
    let expected = format!("PRESENCE {k} <time>");
    ask(format!("PRESENT ana {k}"), expected, &|r| presence(k)(r))?;
    let expected = format!("ENDED {k} <time> 1 ana");
    ask(format!("END {k}"), expected, &|r| ended(k, &["ana"])(r))?;
    Ok(())
}

fn blank_lines(ctx: &Ctx) -> Result<(), Failure> {
    let mut conn = ctx.probe.connect("")?;
    let shown = t!("check-sent-blank-lines");
    conn.send_raw(b"\n\r\n   \n\t\nHELP\n", &shown)?;
    conn.expect(&t!("check-expect-help-only"), |r| *r == Response::Help)?;
    conn.ask("QUIT", &t!("check-expect-bye-no-blank"), |r| {
        *r == Response::Bye
    })?;
    Ok(())
}

/// How the log shows `HELP` padded with `spaces` spaces and `ending`
/// (`\n` or `\r\n`), `bytes` bytes in all.
fn padded_shown(spaces: usize, ending: &str, bytes: usize) -> String {
    t!(
        "check-sent-padded",
        spaces = spaces,
        ending = ending,
        bytes = bytes
    )
}

/// `HELP` padded with spaces to `bytes` bytes, the `\n` included.
fn padded_help(bytes: usize) -> String {
    format!("HELP{}\n", " ".repeat(bytes - 5))
}

fn longest_line(ctx: &Ctx) -> Result<(), Failure> {
    let mut conn = ctx.probe.connect("")?;
    let line = padded_help(256);
    conn.send_raw(line.as_bytes(), &padded_shown(251, r"\n", 256))?;
    conn.expect("HELP ...", |r| *r == Response::Help)?;
    Ok(())
}

fn too_long(ctx: &Ctx) -> Result<(), Failure> {
    let mut conn = ctx.probe.connect("")?;
    let line = padded_help(257);
    conn.send_raw(line.as_bytes(), &padded_shown(252, r"\n", 257))?;
    conn.expect("ERROR line-too-long ...", error(ErrorCode::LineTooLong))?;
    conn.expect_closed(&t!("check-expect-closed-after-too-long"))
}

fn limit_counts_crlf(ctx: &Ctx) -> Result<(), Failure> {
    let mut conn = ctx.probe.connect("")?;
    let line = format!("HELP{}\r\n", " ".repeat(250));
    conn.send_raw(line.as_bytes(), &padded_shown(250, r"\r\n", 256))?;
    conn.expect(&t!("check-expect-help-256-crlf"), |r| *r == Response::Help)?;
    let line = format!("HELP{}\r\n", " ".repeat(251));
    conn.send_raw(line.as_bytes(), &padded_shown(251, r"\r\n", 257))?;
    conn.expect(
        &t!("check-expect-too-long-257-crlf"),
        error(ErrorCode::LineTooLong),
    )?;
    conn.expect_closed(&t!("check-expect-closed-after-too-long"))
}

fn endless(ctx: &Ctx) -> Result<(), Failure> {
    let mut conn = ctx.probe.connect("")?;
    let line = format!("PRESENT {}", "a".repeat(8 * 1024));
    conn.send_raw(line.as_bytes(), &t!("check-sent-endless"))?;
    conn.expect("ERROR line-too-long ...", error(ErrorCode::LineTooLong))?;
    conn.expect_closed(&t!("check-expect-closed-after-too-long"))
}

fn vanished(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut gone = ctx.probe.teacher("vanishing client")?;
    let half = format!("START {k}");
    gone.send_raw(
        half.as_bytes(),
        &t!("check-sent-half-then-close", request = half.as_str()),
    )?;
    // The client says it will send nothing more (a TCP FIN) and waits for
    // the server to close in turn: then the server has read the end.
    gone.finish_sending()?;
    gone.expect_closed(&t!("check-expect-closed-no-response"))?;
    let mut conn = ctx.probe.teacher("another client")?;
    let expected = t!("check-expect-half-no-request");
    conn.ask(&format!("STATUS {k}"), &expected, error(ErrorCode::NotOpen))?;
    Ok(())
}
