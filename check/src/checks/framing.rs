//! Framing: TCP delivers bytes, not lines. A request may arrive in pieces,
//! several may arrive at once, and a line may never end.

use std::time::Duration;

use chamada::{ErrorCode, Response};

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
        check(
            "a request split over several writes is read whole",
            2,
            split,
        ),
        check(
            "several requests in one write are answered one by one, in order",
            2,
            pipelined,
        ),
        check("lines ending in CR LF (telnet, Windows) work", 1, crlf),
        check("blank lines get no response", 1, blank_lines),
        check(
            "a line of 256 bytes, the longest allowed, is answered",
            1,
            longest_line,
        ),
        check(
            "a line of 257 bytes: ERROR line-too-long, then the server hangs up",
            2,
            too_long,
        ),
        Check {
            chapter: PROTOCOL_MD.at("Transport and framing"),
            ..check(
                "the 256 bytes count the line ending, CR and LF both",
                1,
                limit_counts_crlf,
            )
        },
        check(
            "8 KiB without a newline: ERROR line-too-long without waiting for the end",
            2,
            endless,
        ),
        check(
            "a client that closes mid-line: its half request is not a request",
            1,
            vanished,
        ),
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
    let shown =
        format!("PRESENT ana {k}, in 4 writes 30 ms apart: \"PRE\" \"SENT a\" \"na \" \"{k}\\n\"");
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
        &format!("{} (all in one write)", requests.join("\\n")),
    )?;
    conn.expect(&format!("1st: STARTED {k} <time>"), started(k))?;
    conn.expect(&format!("2nd: PRESENCE {k} <time>"), presence(k))?;
    conn.expect(&format!("3rd: PRESENCE {k} <time>"), presence(k))?;
    let expected = format!("4th: STATUS {k} <time> 2 ana bia");
    conn.expect(&expected, status(k, &["ana", "bia"]))?;
    let expected = format!("5th: ENDED {k} <time> 2 ana bia");
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
    let shown = r"\n\r\n   \n\t\nHELP\n (four blank lines, then HELP, in one write)";
    conn.send_raw(b"\n\r\n   \n\t\nHELP\n", shown)?;
    conn.expect("HELP ... (the only response)", |r| *r == Response::Help)?;
    conn.ask(
        "QUIT",
        "BYE (no response to a blank line in between)",
        |r| *r == Response::Bye,
    )?;
    Ok(())
}

/// `HELP` padded with spaces to `bytes` bytes, the `\n` included.
fn padded_help(bytes: usize) -> String {
    format!("HELP{}\n", " ".repeat(bytes - 5))
}

fn longest_line(ctx: &Ctx) -> Result<(), Failure> {
    let mut conn = ctx.probe.connect("")?;
    let line = padded_help(256);
    conn.send_raw(line.as_bytes(), r"HELP, 251 spaces, \n (256 bytes)")?;
    conn.expect("HELP ...", |r| *r == Response::Help)?;
    Ok(())
}

fn too_long(ctx: &Ctx) -> Result<(), Failure> {
    let mut conn = ctx.probe.connect("")?;
    let line = padded_help(257);
    conn.send_raw(line.as_bytes(), r"HELP, 252 spaces, \n (257 bytes)")?;
    conn.expect("ERROR line-too-long ...", error(ErrorCode::LineTooLong))?;
    conn.expect_closed("the server closes the connection after line-too-long")
}

fn limit_counts_crlf(ctx: &Ctx) -> Result<(), Failure> {
    let mut conn = ctx.probe.connect("")?;
    let line = format!("HELP{}\r\n", " ".repeat(250));
    conn.send_raw(line.as_bytes(), r"HELP, 250 spaces, \r\n (256 bytes)")?;
    conn.expect(
        "HELP ... (256 bytes with the CR and LF: the longest allowed)",
        |r| *r == Response::Help,
    )?;
    let line = format!("HELP{}\r\n", " ".repeat(251));
    conn.send_raw(line.as_bytes(), r"HELP, 251 spaces, \r\n (257 bytes)")?;
    conn.expect(
        "ERROR line-too-long ... (257 bytes with the CR and LF)",
        error(ErrorCode::LineTooLong),
    )?;
    conn.expect_closed("the server closes the connection after line-too-long")
}

fn endless(ctx: &Ctx) -> Result<(), Failure> {
    let mut conn = ctx.probe.connect("")?;
    let line = format!("PRESENT {}", "a".repeat(8 * 1024));
    conn.send_raw(line.as_bytes(), "PRESENT aaaa... (8 KiB, no newline)")?;
    conn.expect("ERROR line-too-long ...", error(ErrorCode::LineTooLong))?;
    conn.expect_closed("the server closes the connection after line-too-long")
}

fn vanished(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut gone = ctx.probe.teacher("vanishing client")?;
    let half = format!("START {k}");
    gone.send_raw(
        half.as_bytes(),
        &format!("{half} (no newline; then it closes its side)"),
    )?;
    // The client says it will send nothing more (a TCP FIN) and waits for
    // the server to close in turn: then the server has read the end.
    gone.finish_sending()?;
    gone.expect_closed(
        "the server closes the connection, without a response: a line that never ended is no request",
    )?;
    let mut conn = ctx.probe.teacher("another client")?;
    let expected = "ERROR not-open ... (the half line was no request)";
    conn.ask(&format!("STATUS {k}"), expected, error(ErrorCode::NotOpen))?;
    Ok(())
}
