//! The report: per check, per category and in total, as text for a person
//! or as JSON for a script.

use std::fmt::Write as _;

use serde::Serialize;

use crate::checks::{Category, Chapter, Check};
use crate::probe::Failure;

/// How one check went.
pub struct Outcome<'c> {
    /// The check.
    pub check: &'c Check,
    /// `Err` says what went wrong.
    pub result: Result<(), Failure>,
    /// How long it took, in seconds.
    pub seconds: f64,
}

/// The whole run, as `--json` prints it.
#[derive(Serialize)]
pub struct Report {
    /// The server's address.
    pub server: String,
    /// Whether the server was graded as serving one client at a time.
    pub one_at_a_time: bool,
    /// Points scored.
    pub score: u32,
    /// Points possible.
    pub max: u32,
    /// True when every check passed.
    pub passed: bool,
    /// Seconds the run took.
    pub seconds: f64,
    /// The class numbers used (by the first run, with `--repeat`).
    pub classes: [u32; 2],
    /// How many times every check ran (`--repeat`); a check passed only
    /// if it passed every time.
    pub runs: u32,
    /// Per category.
    pub categories: Vec<CategoryScore>,
    /// Per check.
    pub checks: Vec<CheckReport>,
}

/// A category's score.
#[derive(Serialize)]
pub struct CategoryScore {
    /// Which category.
    pub category: Category,
    /// Points scored.
    pub score: u32,
    /// Points possible.
    pub max: u32,
}

/// One check's result.
#[derive(Serialize)]
pub struct CheckReport {
    /// Its category.
    pub category: Category,
    /// What it checks.
    pub name: &'static str,
    /// Points scored.
    pub score: u32,
    /// Points possible.
    pub points: u32,
    /// True if it passed.
    pub passed: bool,
    /// Where the book explains it.
    pub chapter: Chapter,
    /// How long it took, in seconds.
    pub seconds: f64,
    /// What was sent (failures only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent: Option<String>,
    /// What was expected (failures only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What came back (failures only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub got: Option<String>,
    /// In how many runs it failed (with `--repeat`, failures only); the
    /// failure shown is the first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_runs: Option<u32>,
}

impl Report {
    /// Adds up the outcomes.
    pub fn new(
        server: String,
        one_at_a_time: bool,
        seconds: f64,
        classes: [u32; 2],
        outcomes: &[Outcome<'_>],
    ) -> Report {
        let checks: Vec<CheckReport> = outcomes.iter().map(CheckReport::new).collect();
        Report::of_checks(server, one_at_a_time, seconds, classes, 1, checks)
    }

    /// One report for several runs of the same checks against the same
    /// server: a check passes only if it passed in every run (a race that
    /// shows once is a race), and a failed one shows its first failure and
    /// in how many runs it failed.
    pub fn combine(runs: Vec<Report>) -> Report {
        let count = runs.len() as u32;
        let seconds = runs.iter().map(|r| r.seconds).sum();
        let mut runs = runs.into_iter();
        let first = runs.next().expect("at least one run");
        let mut checks = first.checks;
        for run in runs {
            for (mine, theirs) in checks.iter_mut().zip(run.checks) {
                mine.seconds += theirs.seconds;
                if theirs.passed {
                    continue;
                }
                if mine.passed {
                    *mine = theirs;
                } else {
                    mine.failed_runs = Some(mine.failed_runs.unwrap_or(1) + 1);
                }
            }
        }
        if count > 1 {
            for check in checks.iter_mut().filter(|c| !c.passed) {
                check.failed_runs.get_or_insert(1);
            }
        }
        Report::of_checks(
            first.server,
            first.one_at_a_time,
            seconds,
            first.classes,
            count,
            checks,
        )
    }

    fn of_checks(
        server: String,
        one_at_a_time: bool,
        seconds: f64,
        classes: [u32; 2],
        runs: u32,
        checks: Vec<CheckReport>,
    ) -> Report {
        let categories: Vec<CategoryScore> = Category::ALL
            .into_iter()
            .map(|category| {
                let of_it = checks.iter().filter(|c| c.category == category);
                CategoryScore {
                    category,
                    score: of_it.clone().map(|c| c.score).sum(),
                    max: of_it.map(|c| c.points).sum(),
                }
            })
            .filter(|c| c.max > 0)
            .collect();
        let score = categories.iter().map(|c| c.score).sum();
        let max = categories.iter().map(|c| c.max).sum();
        Report {
            server,
            one_at_a_time,
            score,
            max,
            passed: score == max,
            seconds,
            classes,
            runs,
            categories,
            checks,
        }
    }

    /// The names of the failed checks, each with in how many runs it
    /// failed when there were several.
    pub fn failed(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| match (self.runs, c.failed_runs) {
                (1, _) | (_, None) => c.name.to_owned(),
                (runs, Some(failed)) => format!("{} (failed in {failed} of {runs} runs)", c.name),
            })
            .collect()
    }

    /// The report for a person.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mode = if self.one_at_a_time {
            " (graded as a server that serves one client at a time)"
        } else {
            ""
        };
        let _ = writeln!(out, "check {}{mode}", self.server);
        for category in &self.categories {
            let _ = writeln!(
                out,
                "\n{} ({}/{})",
                category.category.name(),
                category.score,
                category.max
            );
            for check in self
                .checks
                .iter()
                .filter(|c| c.category == category.category)
            {
                check.write_text(&mut out, self.runs);
            }
        }
        let by_category: Vec<String> = self
            .categories
            .iter()
            .map(|c| format!("{} {}/{}", c.category.name(), c.score, c.max))
            .collect();
        let verdict = if self.passed {
            "every check passed"
        } else {
            "some checks failed"
        };
        let runs = if self.runs > 1 {
            format!(" (every check run {} times)", self.runs)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "\nscore: {}/{} ({}); {verdict}{runs} in {:.1} s",
            self.score,
            self.max,
            by_category.join(", "),
            self.seconds
        );
        out
    }
}

impl CheckReport {
    fn new(outcome: &Outcome<'_>) -> CheckReport {
        let check = outcome.check;
        let failure = outcome.result.as_ref().err();
        CheckReport {
            category: check.category,
            name: check.name,
            score: if failure.is_none() { check.points } else { 0 },
            points: check.points,
            passed: failure.is_none(),
            chapter: check.chapter,
            seconds: (outcome.seconds * 1000.0).round() / 1000.0,
            sent: failure.map(|f| f.sent.clone()),
            expected: failure.map(|f| f.expected.clone()),
            got: failure.map(|f| f.got.clone()),
            failed_runs: None,
        }
    }

    fn write_text(&self, out: &mut String, runs: u32) {
        let mark = if self.passed { "ok  " } else { "FAIL" };
        let _ = writeln!(
            out,
            "  {mark} {} ({}/{})",
            self.name, self.score, self.points
        );
        if self.passed {
            return;
        }
        if let Some(failed) = self.failed_runs {
            let _ = writeln!(
                out,
                "       failed in {failed} of {runs} runs; the first time:"
            );
        }
        for (label, text) in [
            ("sent", &self.sent),
            ("expected", &self.expected),
            ("got", &self.got),
        ] {
            let text = text.as_deref().unwrap_or_default();
            let mut lines = text.lines();
            let _ = writeln!(
                out,
                "       {label:<9} {}",
                lines.next().unwrap_or_default()
            );
            for line in lines {
                let _ = writeln!(out, "                 {line}");
            }
        }
        let chapter = &self.chapter;
        let section = chapter
            .section
            .map(|s| format!(", section \"{s}\""))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "       read      \"{}\"{section} ({})",
            chapter.title, chapter.file
        );
    }
}
