//! A client that stops reading: it asks for long responses (the `STATUS`
//! of a big class) again and again and reads none of them. Soon the
//! server cannot write to it any more: its send buffer and the client's
//! receive window are full. PROTOCOL.md promises that such a client holds
//! up only itself, so another client must still be answered at once. A
//! server that keeps its state locked while it sends a response fails
//! here: the lock stays held for as long as the stalled client likes.
//!
//! With `--one-at-a-time` a stalled client holds everyone up by design
//! (that is lesson 01); what the server must do then is get over it: once
//! the stalled client leaves, the next one is served.

use std::time::Duration;

use chamada::t;
use chamada::Response;

use super::{Category, Check, Ctx, LESSON_01, LESSON_02};
use crate::probe::{ended, presence, started, Conn, Failure};

/// Students in the big class, each with a 32-character id: its `STATUS`
/// is about 10 kB.
const BIG_CLASS: usize = 300;
/// The receive buffer the stalled client asks for: small, so the server's
/// writes to it soon have nowhere to go.
const SMALL_WINDOW: usize = 4096;
/// How long a server that takes no more of the stalled client's requests
/// is given before `check` concludes it is stuck writing to it.
const NO_PROGRESS: Duration = Duration::from_millis(100);
/// The most the stalled client sends, in case the server never stops
/// taking requests (one that keeps every response in memory, say).
const MOST_SENT: usize = 8 << 20;

pub fn checks(one_at_a_time: bool) -> Vec<Check> {
    let check = |name, chapter, run| Check {
        category: Category::Concurrency,
        name,
        points: 3,
        chapter,
        run,
    };
    if one_at_a_time {
        vec![check(
            "check-name-stalled-then-gone",
            LESSON_01.at("second-client-waits"),
            stalled_then_gone,
        )]
    } else {
        vec![check(
            "check-name-stalled-reader",
            LESSON_02.at("lock-never-across-io"),
            stalled_reader,
        )]
    }
}

/// A student id of 32 characters.
fn long_id(n: usize) -> String {
    format!("long{n:028}")
}

/// Opens a roll call and fills it with [`BIG_CLASS`] students; returns
/// its class.
fn big_class(ctx: &Ctx) -> Result<chamada::ClassId, Failure> {
    let k = ctx.class();
    let mut teacher = ctx.probe.teacher("teacher")?;
    teacher.start(k)?;
    teacher.note(&t!(
        "check-sent-big-class",
        class = k.to_string(),
        count = BIG_CLASS
    ));
    for n in 0..BIG_CLASS {
        teacher.send_quietly(&format!("PRESENT {} {k}", long_id(n)))?;
        teacher.expect(&format!("PRESENCE {k} <time>"), presence(k))?;
    }
    Ok(k)
}

/// A client that asks for the big class's `STATUS` until the server stops
/// taking its requests, reading nothing.
fn stall<'p>(ctx: &'p Ctx, k: chamada::ClassId) -> Result<Conn<'p>, Failure> {
    let mut stalled = ctx
        .probe
        .connect_small_window("stalled client", SMALL_WINDOW)?;
    stalled.send_until_stuck(&format!("STATUS {k}"), NO_PROGRESS, MOST_SENT);
    Ok(stalled)
}

/// A roll call from start to end, as another teacher would: each response
/// must come at once.
fn another_teacher(ctx: &Ctx, big: chamada::ClassId) -> Result<(), Failure> {
    let k = ctx.class();
    let mut other = ctx.probe.teacher("another teacher")?;
    let alone = t!("check-expect-stalled-alone");
    other.ask(
        &format!("START {k}"),
        &format!("STARTED {k} <time> {alone}"),
        started(k),
    )?;
    let expected = format!("PRESENCE {k} <time> {alone}");
    other.ask(&format!("PRESENT ana {k}"), &expected, presence(k))?;
    let expected = format!("STATUS {big} <time> {BIG_CLASS} long0... {alone}");
    other.ask(
        &format!("STATUS {big}"),
        &expected,
        |r| matches!(r, Response::Status { students, .. } if students.len() == BIG_CLASS),
    )?;
    other.ask(
        &format!("END {k}"),
        &format!("ENDED {k} <time> 1 ana"),
        ended(k, &["ana"]),
    )?;
    Ok(())
}

fn stalled_reader(ctx: &Ctx) -> Result<(), Failure> {
    let big = big_class(ctx)?;
    let mut stalled = stall(ctx, big)?;
    another_teacher(ctx, big)?;
    // Once more, after the stalled client has again found the server
    // taking nothing for a while: on a busy machine the first time may
    // have come before the server had its turn to get stuck.
    stalled.send_until_stuck(&format!("STATUS {big}"), NO_PROGRESS, MOST_SENT);
    another_teacher(ctx, big)?;
    drop(stalled);
    end_big(ctx, big)
}

fn stalled_then_gone(ctx: &Ctx) -> Result<(), Failure> {
    let big = big_class(ctx)?;
    drop(stall(ctx, big)?);
    another_teacher(ctx, big)?;
    end_big(ctx, big)
}

fn end_big(ctx: &Ctx, big: chamada::ClassId) -> Result<(), Failure> {
    let mut teacher = ctx.probe.teacher("teacher")?;
    let expected = format!("ENDED {big} <time> {BIG_CLASS} long0...");
    teacher.ask(
        &format!("END {big}"),
        &expected,
        |r| matches!(r, Response::Ended { students, .. } if students.len() == BIG_CLASS),
    )?;
    Ok(())
}
