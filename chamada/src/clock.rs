//! Time: the [`Timestamp`] every response carries, and the [`Clock`] that
//! makes them.
//!
//! A server reads the time through a `Clock` rather than calling
//! `chrono::Local::now()` itself, so that tests and the book's transcripts
//! can replace it with a scripted one: set `CHAMADA_CLOCK` to a start time
//! and every reading advances by `CHAMADA_CLOCK_STEP` seconds (default 1).
//! Transcripts then show real-looking times that never change from run to run.

use std::fmt;

use chrono::{DateTime, FixedOffset, Local, SecondsFormat, Timelike};

/// The environment variable that replaces the system clock with a scripted
/// one, e.g. `CHAMADA_CLOCK=2026-11-24T10:15:00-03:00`.
pub const CLOCK_VAR: &str = "CHAMADA_CLOCK";
/// How many seconds the scripted clock advances per reading.
pub const CLOCK_STEP_VAR: &str = "CHAMADA_CLOCK_STEP";

/// A moment in the server's local time, to the second, written in RFC 3339:
/// `2026-11-24T10:15:03-03:00`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp(DateTime<FixedOffset>);

impl Timestamp {
    fn whole_seconds(time: DateTime<FixedOffset>) -> Timestamp {
        Timestamp(time.with_nanosecond(0).unwrap_or(time))
    }

    /// Reads an RFC 3339 time, as responses carry it.
    pub fn parse(text: &str) -> Option<Timestamp> {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(Timestamp::whole_seconds)
    }

    /// The time for people: `2026-11-24 10:15:03`, in the server's zone.
    pub fn human(&self) -> String {
        self.0.format("%Y-%m-%d %H:%M:%S").to_string()
    }

    /// The time for people, written the reader's way: `2026-11-24
    /// 10:15:03` in English, `24/11/2026 às 10:15:03` in Portuguese
    /// (message `time-for-people`). [`Timestamp::human`] stays the same in
    /// every language, for file names and logs.
    pub fn for_people(&self) -> String {
        let part = |format: &str| self.0.format(format).to_string();
        crate::t!(
            "time-for-people",
            year = part("%Y"),
            month = part("%m"),
            day = part("%d"),
            time = part("%H:%M:%S")
        )
    }

    /// The time of day alone: `10:15:03`.
    pub fn time_of_day(&self) -> String {
        self.0.format("%H:%M:%S").to_string()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Secs, false))
    }
}

/// Where a server gets the time from.
#[derive(Debug)]
pub enum Clock {
    /// The machine's clock, in its local time zone.
    System,
    /// A clock that starts at a fixed time and advances a fixed step on
    /// every reading: deterministic output for tests and transcripts.
    Scripted {
        /// What the next reading returns.
        next: DateTime<FixedOffset>,
        /// How far each reading moves the clock on.
        step: chrono::Duration,
    },
}

impl Clock {
    /// The clock the environment asks for: scripted when `CHAMADA_CLOCK`
    /// is set, the system clock otherwise.
    pub fn from_env() -> Result<Clock, String> {
        let Ok(start) = std::env::var(CLOCK_VAR) else {
            return Ok(Clock::System);
        };
        let start = DateTime::parse_from_rfc3339(&start)
            .map_err(|_| crate::t!("clock-bad-start", var = CLOCK_VAR, value = start.as_str()))?;
        let step = match std::env::var(CLOCK_STEP_VAR) {
            Err(_) => 1,
            Ok(step) => step.parse::<u32>().map_err(|_| {
                crate::t!(
                    "clock-bad-step",
                    var = CLOCK_STEP_VAR,
                    value = step.as_str()
                )
            })?,
        };
        Ok(Clock::scripted(start, step))
    }

    /// A scripted clock starting at `start`, advancing `step_seconds` per reading.
    pub fn scripted(start: DateTime<FixedOffset>, step_seconds: u32) -> Clock {
        Clock::Scripted {
            next: start,
            step: chrono::Duration::seconds(step_seconds.into()),
        }
    }

    /// The current time, by this clock.
    pub fn now(&mut self) -> Timestamp {
        match self {
            Clock::System => Timestamp::whole_seconds(Local::now().fixed_offset()),
            Clock::Scripted { next, step } => {
                let now = *next;
                *next = now + *step;
                Timestamp::whole_seconds(now)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_to_the_second() {
        let t = Timestamp::parse("2026-11-24T10:15:03.987-03:00").unwrap();
        assert_eq!(t.to_string(), "2026-11-24T10:15:03-03:00");
        assert_eq!(t.human(), "2026-11-24 10:15:03");
        assert_eq!(t.time_of_day(), "10:15:03");
        assert_eq!(Timestamp::parse("10:15"), None);
    }

    #[test]
    fn the_scripted_clock_steps_on_every_reading() {
        let start = DateTime::parse_from_rfc3339("2026-11-24T10:15:00-03:00").unwrap();
        let mut clock = Clock::scripted(start, 7);
        assert_eq!(clock.now().to_string(), "2026-11-24T10:15:00-03:00");
        assert_eq!(clock.now().to_string(), "2026-11-24T10:15:07-03:00");
        assert_eq!(clock.now().to_string(), "2026-11-24T10:15:14-03:00");
    }

    #[test]
    fn the_system_clock_has_whole_seconds() {
        let now = Clock::System.now().to_string();
        assert!(Timestamp::parse(&now).is_some(), "{now}");
        assert!(!now.contains('.'), "{now}");
    }
}
