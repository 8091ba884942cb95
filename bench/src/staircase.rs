//! The staircase scenario: lesson 02 and every step of lesson 03, side by
//! side, in memory, against the baseline server of the same run.
//!
//! Each step adds one idea to the step before; this shows what each idea
//! costs in throughput. Every server is started fresh for each run, the
//! servers take turns (one round runs each of them once), and each figure
//! is the median over the rounds of its ratio to the baseline of the same
//! round: the machine's noise moves both alike.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use crate::loadgen::{self, Plan};
use crate::process::ServerProcess;
use crate::report::{grid, thousands};
use crate::stats::median;

/// One server of the staircase: its binary and options.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// Its name in the table.
    pub name: &'static str,
    /// The binary.
    pub binary: &'static str,
    /// Its options, after `--bind`.
    pub options: &'static [&'static str],
}

/// The baseline, lesson 02, and lesson 03's steps in order.
pub const STEPS: [Step; 8] = [
    Step {
        name: "baseline",
        binary: "baseline-server",
        options: &[],
    },
    Step {
        name: "lesson 02",
        binary: "lesson-02-threads",
        options: &[],
    },
    Step {
        name: "step 1 registry",
        binary: "lesson-03-1-registry",
        options: &[],
    },
    Step {
        name: "step 2 listener",
        binary: "lesson-03-2-listener",
        options: &[],
    },
    Step {
        name: "step 3 protections",
        binary: "lesson-03-3-protections",
        options: &[],
    },
    Step {
        name: "step 4 shutdown",
        binary: "lesson-03-4-shutdown",
        options: &[],
    },
    Step {
        name: "step 5 durability, in memory",
        binary: "lesson-03-5-durability",
        options: &["--no-journal"],
    },
    Step {
        name: "step 6 (final), in memory",
        binary: "lesson-03-final",
        options: &["--no-journal"],
    },
];

/// The binaries this scenario runs, for the build.
pub fn binaries() -> impl Iterator<Item = &'static str> {
    STEPS.iter().map(|step| step.binary)
}

/// The sizes of this scenario.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Connection counts.
    pub connections: Vec<usize>,
    /// Requests per run.
    pub requests: u64,
    /// The time limit of a run.
    pub time_limit: Duration,
    /// Rounds; the median is reported.
    pub rounds: usize,
}

impl Settings {
    /// The full run.
    pub fn full() -> Settings {
        Settings {
            connections: vec![16, 64],
            requests: 40_000,
            time_limit: Duration::from_secs(15),
            rounds: 5,
        }
    }

    /// A tiny one, to check that it works.
    pub fn quick() -> Settings {
        Settings {
            connections: vec![16, 64],
            requests: 1_000,
            time_limit: Duration::from_secs(5),
            rounds: 1,
        }
    }
}

/// What the scenario measured: for each round, connection count and step,
/// the throughput in requests per second.
#[derive(Debug, Clone)]
pub struct Staircase {
    /// `(round, connections, step name, requests/s)`.
    pub runs: Vec<(usize, usize, &'static str, f64)>,
}

/// Runs the scenario with the binaries in `binaries`.
pub fn run(
    settings: &Settings,
    binaries: &Path,
    say: &mut dyn FnMut(String),
) -> Result<Staircase, String> {
    let mut runs = Vec::new();
    for round in 0..settings.rounds {
        for &connections in &settings.connections {
            for step in &STEPS {
                let binary =
                    binaries.join(format!("{}{}", step.binary, std::env::consts::EXE_SUFFIX));
                let server = ServerProcess::start(&binary, step.options)?;
                let plan = Plan {
                    server: server.addr(),
                    connections,
                    depth: 1,
                    classes: 4,
                    first_class: 1,
                    requests: settings.requests,
                    time_limit: settings.time_limit,
                    no_check: step.binary == "baseline-server",
                };
                let outcome =
                    loadgen::run(&plan).map_err(|error| format!("{}: {error}", step.name))?;
                let throughput = outcome.throughput();
                say(format!(
                    "staircase round {}: {} with {connections} connections: {throughput:.0} requests/s",
                    round + 1,
                    step.name
                ));
                runs.push((round, connections, step.name, throughput));
            }
        }
    }
    Ok(Staircase { runs })
}

impl Staircase {
    /// The throughput of `step` at `connections` in each round.
    fn throughputs(&self, step: &str, connections: usize) -> Vec<(usize, f64)> {
        self.runs
            .iter()
            .filter(|(_, n, name, _)| *n == connections && *name == step)
            .map(|&(round, _, _, throughput)| (round, throughput))
            .collect()
    }

    /// The median over the rounds of `step`'s throughput divided by the
    /// baseline's in the same round.
    pub fn ratio(&self, step: &str, connections: usize) -> Option<f64> {
        let baseline = self.throughputs("baseline", connections);
        let ratios: Vec<f64> = self
            .throughputs(step, connections)
            .into_iter()
            .filter_map(|(round, value)| {
                baseline
                    .iter()
                    .find(|(r, _)| *r == round)
                    .map(|(_, base)| value / base)
            })
            .collect();
        (!ratios.is_empty()).then(|| median(ratios))
    }

    /// The median throughput of `step` at `connections`.
    pub fn throughput(&self, step: &str, connections: usize) -> Option<f64> {
        let values: Vec<f64> = self
            .throughputs(step, connections)
            .into_iter()
            .map(|(_, value)| value)
            .collect();
        (!values.is_empty()).then(|| median(values))
    }

    /// The table: one row per step, a column per connection count.
    pub fn table(&self, settings: &Settings) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "Lesson 03 step by step, in memory: requests/s (median of {} round(s)) and, in \
             brackets, the median ratio to the baseline of the same round",
            settings.rounds
        );
        let mut header = vec!["server".to_owned()];
        header.extend(
            settings
                .connections
                .iter()
                .map(|n| format!("{n} connections")),
        );
        let rows: Vec<Vec<String>> = STEPS
            .iter()
            .map(|step| {
                let mut row = vec![step.name.to_owned()];
                for &n in &settings.connections {
                    let cell = self.throughput(step.name, n).map_or("-".into(), |value| {
                        let ratio = self.ratio(step.name, n).unwrap_or(f64::NAN);
                        format!("{} ({ratio:.2}x)", thousands(value))
                    });
                    row.push(cell);
                }
                row
            })
            .collect();
        text.push_str(&grid(&header, &rows));
        text
    }
}
