//! The report: per check, per category and in total, as text for a person
//! or as JSON for a script.

use std::fmt::Write as _;

use serde::Serialize;

use chamada::t;

use crate::checks::{Category, ChapterText, Check};
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
    /// What it checks, in the reader's language.
    pub name: String,
    /// Points scored.
    pub score: u32,
    /// Points possible.
    pub points: u32,
    /// True if it passed.
    pub passed: bool,
    /// Where the book explains it, in the reader's language.
    pub chapter: ChapterText,
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
                (1, _) | (_, None) => c.name.clone(),
                (runs, Some(failed)) => t!(
                    "check-failed-in-runs",
                    name = c.name.as_str(),
                    failed = failed,
                    runs = runs
                ),
            })
            .collect()
    }

    /// The report for a person.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let header = if self.one_at_a_time {
            t!(
                "check-report-header-one-at-a-time",
                server = self.server.as_str()
            )
        } else {
            t!("check-report-header", server = self.server.as_str())
        };
        let _ = writeln!(out, "{header}");
        let layout = Layout::new();
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
                check.write_text(&mut out, self.runs, &layout);
            }
        }
        let by_category: Vec<String> = self
            .categories
            .iter()
            .map(|c| format!("{} {}/{}", c.category.name(), c.score, c.max))
            .collect();
        let passed = if self.passed { "yes" } else { "no" };
        let id = if self.runs > 1 {
            "check-report-score-repeated"
        } else {
            "check-report-score"
        };
        let score = t!(
            id,
            score = self.score,
            max = self.max,
            categories = by_category.join(", "),
            passed = passed,
            runs = self.runs,
            seconds = decimal(self.seconds)
        );
        let _ = writeln!(out, "\n{score}");
        out
    }
}

/// A number of seconds with one decimal, written as the reader's language
/// writes numbers: 0.2 in English, 0,2 in Portuguese.
pub fn decimal(seconds: f64) -> String {
    let text = format!("{seconds:.1}");
    match chamada::i18n::lang() {
        chamada::i18n::Lang::PtBr => text.replace('.', ","),
        chamada::i18n::Lang::En => text,
    }
}

/// The columns of a check's lines in the reader's language: the marks
/// `ok` and `FAIL` and the labels `sent`, `expected`, `got`, `read` are
/// padded to the longest one, so that what follows them lines up however
/// long the words are (counted in characters, not bytes: "não" is three).
struct Layout {
    passed: String,
    failed: String,
    mark_width: usize,
    labels: [String; 4],
    label_width: usize,
}

impl Layout {
    fn new() -> Layout {
        let passed = t!("check-report-ok");
        let failed = t!("check-report-fail");
        let labels = [
            t!("check-report-sent"),
            t!("check-report-expected"),
            t!("check-report-got"),
            t!("check-report-read"),
        ];
        let width = |texts: &[&String]| texts.iter().map(|t| t.chars().count()).max();
        Layout {
            mark_width: width(&[&passed, &failed]).unwrap_or(4).max(4),
            // One space more than the longest label, as "expected " has.
            label_width: width(&labels.iter().collect::<Vec<_>>()).unwrap_or(8) + 1,
            passed,
            failed,
            labels,
        }
    }

    /// The indent of the lines under a check's: past its mark.
    fn indent(&self) -> String {
        " ".repeat(2 + self.mark_width + 1)
    }
}

impl CheckReport {
    fn new(outcome: &Outcome<'_>) -> CheckReport {
        let check = outcome.check;
        let failure = outcome.result.as_ref().err();
        CheckReport {
            category: check.category,
            name: t!(check.name),
            score: if failure.is_none() { check.points } else { 0 },
            points: check.points,
            passed: failure.is_none(),
            chapter: check.chapter.text(),
            seconds: (outcome.seconds * 1000.0).round() / 1000.0,
            sent: failure.map(|f| f.sent.clone()),
            expected: failure.map(|f| f.expected.clone()),
            got: failure.map(|f| f.got.clone()),
            failed_runs: None,
        }
    }

    fn write_text(&self, out: &mut String, runs: u32, layout: &Layout) {
        let (mark, width) = (&layout.passed, layout.mark_width);
        let mark = if self.passed { mark } else { &layout.failed };
        let _ = writeln!(
            out,
            "  {mark:<width$} {} ({}/{})",
            self.name, self.score, self.points
        );
        if self.passed {
            return;
        }
        let indent = layout.indent();
        if let Some(failed) = self.failed_runs {
            let note = t!("check-report-failed-runs", failed = failed, runs = runs);
            let _ = writeln!(out, "{indent}{note}");
        }
        let width = layout.label_width;
        let under = " ".repeat(indent.len() + width + 1);
        for (label, text) in layout
            .labels
            .iter()
            .zip([&self.sent, &self.expected, &self.got])
        {
            let text = text.as_deref().unwrap_or_default();
            let mut lines = text.lines();
            let first = lines.next().unwrap_or_default();
            let _ = writeln!(out, "{indent}{label:<width$} {first}");
            for line in lines {
                let _ = writeln!(out, "{under}{line}");
            }
        }
        let chapter = &self.chapter;
        let pointer = match &chapter.section {
            Some(section) => t!(
                "check-report-chapter-section",
                title = chapter.title.as_str(),
                section = section.as_str(),
                file = chapter.file.as_str()
            ),
            None => t!(
                "check-report-chapter",
                title = chapter.title.as_str(),
                file = chapter.file.as_str()
            ),
        };
        let label = &layout.labels[3];
        let _ = writeln!(out, "{indent}{label:<width$} {pointer}");
    }
}
