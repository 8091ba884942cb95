//! The times a test server stamps, worked out from the scripted clock it
//! runs on ([`CLOCK_START`], advancing [`CLOCK_STEP`] seconds per reading),
//! so that tests can compare whole responses and client output.
//!
//! The expected text is written out here by hand on purpose, not with
//! `chamada::Timestamp`: the tests check the server's and the clients'
//! formatting against PROTOCOL.md, so they must not borrow it. The unit
//! test at the bottom makes sure the two agree.

use std::fmt;

use crate::{CLOCK_START, CLOCK_STEP};

/// Seconds in a day: the readings must stay within the start's day.
const DAY: u32 = 24 * 60 * 60;

/// One reading of the scripted clock, in the forms the course shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    /// `2026-11-24`: the start's date (readings never cross midnight).
    date: String,
    /// `10:15:03`: the time of day, to the second.
    time: String,
    /// `-03:00`: the start's offset from UTC.
    offset: String,
}

/// The scripted clock's `n`th reading since the server started (0 is the
/// first), as the server stamps it.
///
/// Its `Display` is the protocol's form, so `format!("STARTED 1 {}",
/// reading(0))` is a whole response.
pub fn reading(n: u32) -> Reading {
    let (date, rest) = CLOCK_START
        .split_once('T')
        .expect("CLOCK_START is an RFC 3339 time: date T time offset");
    let (time, offset) = rest.split_at("hh:mm:ss".len());
    let step: u32 = CLOCK_STEP.parse().expect("CLOCK_STEP is whole seconds");
    let seconds = seconds_of_day(time) + n * step;
    assert!(
        seconds < DAY,
        "reading {n} falls on the day after {CLOCK_START}; `reading` does not carry dates"
    );
    Reading {
        date: date.to_owned(),
        time: format!(
            "{:02}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        ),
        offset: offset.to_owned(),
    }
}

/// Seconds since midnight of an `hh:mm:ss` time of day.
fn seconds_of_day(time: &str) -> u32 {
    time.split(':')
        .map(|part| part.parse::<u32>().expect("hh:mm:ss in CLOCK_START"))
        .fold(0, |seconds, part| seconds * 60 + part)
}

impl Reading {
    /// As the protocol writes it: `2026-11-24T10:15:03-03:00`.
    pub fn rfc3339(&self) -> String {
        format!("{}T{}{}", self.date, self.time, self.offset)
    }

    /// As the clients show it to people: `2026-11-24 10:15:03`.
    pub fn human(&self) -> String {
        format!("{} {}", self.date, self.time)
    }

    /// The time of day alone: `10:15:03`.
    pub fn time_of_day(&self) -> &str {
        &self.time
    }
}

impl fmt::Display for Reading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chamada::Timestamp;

    #[test]
    fn readings_step_from_the_start() {
        assert_eq!(reading(0).rfc3339(), CLOCK_START);
        assert_eq!(reading(1).to_string(), "2026-11-24T10:15:03-03:00");
        assert_eq!(reading(20).human(), "2026-11-24 10:16:00");
        assert_eq!(reading(1200).time_of_day(), "11:15:00");
    }

    /// The hand-written forms are the ones `chamada::Timestamp` writes, so
    /// a test that fails on a time points at the server, not at this file.
    #[test]
    fn readings_agree_with_the_library() {
        for n in [0, 1, 19, 20, 1199, 1200] {
            let ours = reading(n);
            let theirs = Timestamp::parse(&ours.rfc3339()).expect("valid RFC 3339");
            assert_eq!(theirs.to_string(), ours.rfc3339());
            assert_eq!(theirs.human(), ours.human());
            assert_eq!(theirs.time_of_day(), ours.time_of_day());
        }
    }
}
