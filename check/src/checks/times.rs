//! Times: every `STARTED`, `PRESENCE`, `STATUS` and `ENDED` carries one,
//! written in RFC 3339 with a UTC offset, in whole seconds.
//!
//! These are the only checks that look at a time's format: everywhere else
//! `check` reads any word there (see `probe::read_response`), so a server
//! that writes its times wrongly loses these few points and no others.

use chamada::Response;
use chrono::{DateTime, NaiveDateTime};

use chamada::t;

use super::{Category, Check, Ctx, PROTOCOL};
use crate::probe::{presence, started, Failure};

pub fn checks() -> Vec<Check> {
    let check = |name, points, run| Check {
        category: Category::Times,
        name,
        points,
        chapter: PROTOCOL.at("who-says-what"),
        run,
    };
    vec![
        check("check-name-with-offset", 2, with_offset),
        check("check-name-whole-seconds", 1, whole_seconds),
        check("check-name-status-time", 1, status_time),
    ]
}

/// One time a server wrote, and the response it came in.
struct Sample {
    time: String,
    line: String,
}

/// The time in every kind of response that has one: `STARTED`,
/// `PRESENCE`, `STATUS`, `ENDED`, `PRESENCE 0`. Whatever else the
/// responses say is other checks' business.
fn samples(ctx: &Ctx) -> Result<Vec<Sample>, Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    let mut samples = Vec::new();
    let requests = [
        format!("START {k}"),
        format!("PRESENT ana {k}"),
        format!("STATUS {k}"),
        format!("END {k}"),
        format!("PRESENT ana {k}"),
    ];
    for request in requests {
        conn.ask(&request, &t!("check-expect-any"), |_| true)?;
        if let Some(time) = conn.last_time() {
            samples.push(Sample {
                time: time.to_owned(),
                line: conn.last_line().to_owned(),
            });
        }
    }
    Ok(samples)
}

/// The first sample whose time breaks a rule, as a failure.
fn first_broken(
    ctx: &Ctx,
    expected: &str,
    problem: fn(&str) -> Option<String>,
) -> Result<(), Failure> {
    for sample in samples(ctx)? {
        if let Some(why) = problem(&sample.time) {
            return Err(ctx
                .probe
                .fail(expected, format!("{}\n({why})", sample.line)));
        }
    }
    Ok(())
}

fn with_offset(ctx: &Ctx) -> Result<(), Failure> {
    first_broken(ctx, &t!("check-expect-offset"), offset_problem)
}

fn whole_seconds(ctx: &Ctx) -> Result<(), Failure> {
    first_broken(ctx, &t!("check-expect-whole-seconds"), fraction_problem)
}

fn status_time(ctx: &Ctx) -> Result<(), Failure> {
    let k = ctx.class();
    let mut conn = ctx.probe.teacher("")?;
    conn.ask(
        &format!("START {k}"),
        &format!("STARTED {k} <time>"),
        started(k),
    )?;
    let opened = conn.last_time().unwrap_or_default().to_owned();
    conn.ask(
        &format!("PRESENT ana {k}"),
        &format!("PRESENCE {k} <time>"),
        presence(k),
    )?;
    // Who STATUS lists is other checks' business; its time is this one's.
    let expected = t!(
        "check-expect-status-time",
        class = k.to_string(),
        time = opened.as_str()
    );
    let any_status = |r: &Response| matches!(r, Response::Status { class, .. } if *class == k);
    conn.ask(&format!("STATUS {k}"), &expected, any_status)?;
    if conn.last_time() != Some(opened.as_str()) {
        return Err(ctx.probe.fail(expected, conn.last_line()));
    }
    conn.ask(&format!("END {k}"), &t!("check-expect-any"), |_| true)?;
    Ok(())
}

/// What is wrong with a time's form or offset, if anything; a fraction of
/// a second is [`fraction_problem`]'s business, not this one's.
pub fn offset_problem(time: &str) -> Option<String> {
    if DateTime::parse_from_rfc3339(time).is_ok() {
        return None;
    }
    let without_offset = NaiveDateTime::parse_from_str(time, "%Y-%m-%dT%H:%M:%S%.f").is_ok();
    Some(if without_offset {
        t!("check-time-no-offset")
    } else {
        t!("check-time-not-rfc3339", time = format!("{time:?}"))
    })
}

/// A fraction of a second in a time, if there is one.
pub fn fraction_problem(time: &str) -> Option<String> {
    // The seconds are the 17th to 19th characters: 2026-11-24T10:15:03.
    let after_seconds = time.get(19..)?;
    after_seconds
        .starts_with(['.', ','])
        .then(|| t!("check-time-fraction"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_without_offset_is_named_as_such() {
        chamada::i18n::choose(chamada::i18n::Lang::En);
        assert_eq!(offset_problem("2026-11-24T10:15:03-03:00"), None);
        assert_eq!(offset_problem("2026-11-24T10:15:03Z"), None);
        assert_eq!(offset_problem("2026-11-24T10:15:03.5+00:00"), None);
        let naive = offset_problem("2026-11-24T10:15:03.123456").unwrap();
        assert!(naive.starts_with("no UTC offset"), "{naive}");
        let naive = offset_problem("2026-11-24T10:15:03").unwrap();
        assert!(naive.starts_with("no UTC offset"), "{naive}");
        let nonsense = offset_problem("10:15").unwrap();
        assert!(nonsense.contains("not an RFC 3339 time"), "{nonsense}");
    }

    #[test]
    fn only_a_fraction_breaks_whole_seconds() {
        assert_eq!(fraction_problem("2026-11-24T10:15:03-03:00"), None);
        assert_eq!(fraction_problem("2026-11-24T10:15:03"), None);
        assert_eq!(fraction_problem("10:15"), None);
        assert!(fraction_problem("2026-11-24T10:15:03.123456").is_some());
        assert!(fraction_problem("2026-11-24T10:15:03.5Z").is_some());
    }
}
