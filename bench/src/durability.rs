//! The durability scenario: lesson 03 with its journal (step 5).
//!
//! A journal makes every change durable before it is acknowledged, and
//! making data durable means waiting for the disk: one `fdatasync` takes
//! what it takes on this disk, measured here in the same run. A server
//! that syncs after every request can answer at most one request per sync,
//! whatever its connections; with group commit, the registry syncs once per
//! batch of waiting requests, so with N connections its ceiling is N
//! requests per sync time. Each journaled figure is reported as a ratio to
//! that ceiling.
//!
//! Servers, each started fresh for every run, their runs taking turns:
//!
//! | name | what |
//! |---|---|
//! | `baseline` | the baseline server (answers, keeps nothing) |
//! | `memory, one by one` | lesson 03 without a journal, one request at a time (`--max-batch 1`), as before step 5 |
//! | `memory, batched` | lesson 03 without a journal, its registry taking its inbox in batches |
//! | `sync each request` | lesson 03 with a journal, one sync per request (`--max-batch 1`): the naive design |
//! | `group commit` | lesson 03 with a journal, one sync per batch |
//!
//! The journals go in a temporary folder, removed at the end.

use std::fmt::Write as _;
use std::fs::File;
use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::loadgen::{self, Outcome, Plan};
use crate::process::ServerProcess;
use crate::report::{grid, thousands};
use crate::stats::{median, micros};

/// One server setup of this scenario.
#[derive(Debug, Clone, Copy)]
pub struct Variant {
    /// Its name in the table.
    pub name: &'static str,
    /// The binary.
    pub binary: &'static str,
    /// Its options, after `--bind`; a journal, if it has one, comes after.
    pub options: &'static [&'static str],
    /// Whether it keeps a journal.
    pub journaled: bool,
}

/// Every variant, in the table's order.
pub const VARIANTS: [Variant; 5] = [
    Variant {
        name: "baseline",
        binary: "baseline-server",
        options: &[],
        journaled: false,
    },
    Variant {
        name: "memory, one by one",
        binary: "lesson-03-final",
        options: &["--no-journal", "--max-batch", "1"],
        journaled: false,
    },
    Variant {
        name: "memory, batched",
        binary: "lesson-03-final",
        options: &["--no-journal"],
        journaled: false,
    },
    Variant {
        name: "sync each request",
        binary: "lesson-03-final",
        options: &["--max-batch", "1"],
        journaled: true,
    },
    Variant {
        name: "group commit",
        binary: "lesson-03-final",
        options: &[],
        journaled: true,
    },
];

/// The sizes of this scenario.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Connection counts.
    pub connections: Vec<usize>,
    /// Requests per run.
    pub requests: u64,
    /// The time limit of a run.
    pub time_limit: Duration,
    /// Runs per variant and connection count; the median is reported.
    pub repeats: usize,
    /// Syncs timed to measure the disk, before and again after the runs.
    pub sync_samples: usize,
}

impl Settings {
    /// The full run.
    pub fn full() -> Settings {
        Settings {
            connections: vec![1, 16, 64],
            requests: 20_000,
            time_limit: Duration::from_secs(15),
            repeats: 3,
            sync_samples: 500,
        }
    }

    /// A tiny one, to check that it works.
    pub fn quick() -> Settings {
        Settings {
            connections: vec![1, 16, 64],
            requests: 600,
            time_limit: Duration::from_secs(5),
            repeats: 1,
            sync_samples: 50,
        }
    }
}

/// One run.
#[derive(Debug, Clone)]
pub struct Run {
    /// Which variant.
    pub variant: &'static str,
    /// How many connections.
    pub connections: usize,
    /// What the load generator measured.
    pub outcome: Outcome,
}

/// What the scenario measured.
#[derive(Debug, Clone)]
pub struct Durability {
    /// The disk's sync time: the median of every timed `fdatasync`.
    pub sync: Duration,
    /// How many syncs were timed.
    pub sync_samples: usize,
    /// Every run.
    pub runs: Vec<Run>,
}

/// Runs the scenario with the binaries in `binaries`, journals in `folder`.
pub fn run(
    settings: &Settings,
    binaries: &Path,
    folder: &Path,
    say: &mut dyn FnMut(String),
) -> Result<Durability, String> {
    let mut syncs = time_syncs(folder, settings.sync_samples)?;
    say(format!(
        "durability: a sync takes {:.3} ms",
        millis(median_of(&syncs))
    ));
    let mut runs = Vec::new();
    let mut journals = 0;
    for _ in 0..settings.repeats {
        for &connections in &settings.connections {
            for variant in &VARIANTS {
                let mut options: Vec<String> =
                    variant.options.iter().map(|o| o.to_string()).collect();
                if variant.journaled {
                    journals += 1;
                    let journal = folder.join(format!("run-{journals}.journal"));
                    options.extend(["--journal".to_owned(), journal.display().to_string()]);
                }
                let options: Vec<&str> = options.iter().map(String::as_str).collect();
                let binary = binaries.join(format!(
                    "{}{}",
                    variant.binary,
                    std::env::consts::EXE_SUFFIX
                ));
                let server = ServerProcess::start(&binary, &options)?;
                let plan = Plan {
                    server: server.addr(),
                    connections,
                    depth: 1,
                    classes: 1,
                    first_class: 1,
                    requests: settings.requests,
                    time_limit: settings.time_limit,
                    no_check: variant.binary == "baseline-server",
                };
                let outcome =
                    loadgen::run(&plan).map_err(|error| format!("{}: {error}", variant.name))?;
                say(format!(
                    "durability: {} with {connections} connection(s): {:.0} requests/s",
                    variant.name,
                    outcome.throughput()
                ));
                runs.push(Run {
                    variant: variant.name,
                    connections,
                    outcome,
                });
            }
        }
    }
    // The disk may have been busier during the runs: time it again.
    syncs.extend(time_syncs(folder, settings.sync_samples)?);
    Ok(Durability {
        sync: median_of(&syncs),
        sync_samples: syncs.len(),
        runs,
    })
}

/// Times `samples` syncs of a small append to a file in `folder`: what a
/// journal's commit waits for.
fn time_syncs(folder: &Path, samples: usize) -> Result<Vec<Duration>, String> {
    let path = folder.join("sync-test");
    let mut file =
        File::create(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    let line = [b'x'; 63].iter().chain(b"\n").copied().collect::<Vec<u8>>();
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples {
        file.write_all(&line)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let start = Instant::now();
        file.sync_data()
            .map_err(|e| format!("cannot sync {}: {e}", path.display()))?;
        times.push(start.elapsed());
    }
    Ok(times)
}

fn median_of(times: &[Duration]) -> Duration {
    Duration::from_secs_f64(median(times.iter().map(Duration::as_secs_f64).collect()))
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

impl Durability {
    /// The median throughput of `variant` at `connections`.
    pub fn throughput(&self, variant: &str, connections: usize) -> Option<f64> {
        let values: Vec<f64> = self
            .runs
            .iter()
            .filter(|run| run.variant == variant && run.connections == connections)
            .map(|run| run.outcome.throughput())
            .collect();
        (!values.is_empty()).then(|| median(values))
    }

    /// Group commit's ceiling at `connections`: one batch of every
    /// connection's request per sync.
    pub fn ceiling(&self, connections: usize) -> f64 {
        connections as f64 / self.sync.as_secs_f64()
    }

    /// The tables, and how the targets fared.
    pub fn table(&self, connections: &[usize]) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "Durability: lesson 03 with its journal, requests/s (ratio to the ceiling, connections / sync time)\n\
             disk sync (write + fdatasync of one line): {:.3} ms, median of {} in this run",
            millis(self.sync),
            self.sync_samples
        );
        let header = [
            "connections",
            "ceiling",
            "sync each request",
            "group commit",
            "group / each",
            "memory, batched",
            "group / memory",
        ];
        let mut rows = Vec::new();
        for &n in connections {
            let ceiling = self.ceiling(n);
            let of_ceiling = |variant: &str| {
                self.throughput(variant, n).map_or("-".into(), |v| {
                    format!("{} ({:.2}x)", thousands(v), v / ceiling)
                })
            };
            let each = self.throughput("sync each request", n);
            let group = self.throughput("group commit", n);
            let memory = self.throughput("memory, batched", n);
            let ratio = |a: Option<f64>, b: Option<f64>, digits: usize| {
                a.zip(b)
                    .map_or("-".into(), |(a, b)| format!("{:.digits$}x", a / b))
            };
            rows.push(vec![
                n.to_string(),
                thousands(ceiling),
                of_ceiling("sync each request"),
                of_ceiling("group commit"),
                ratio(group, each, 1),
                memory.map_or("-".into(), thousands),
                ratio(group, memory, 2),
            ]);
        }
        text.push_str(&grid(&header.map(String::from), &rows));
        text.push('\n');

        let _ = writeln!(
            text,
            "Registry batching, in memory: requests/s (ratio to baseline)"
        );
        let header_memory = [
            "connections",
            "baseline",
            "memory, one by one",
            "memory, batched",
        ];
        let mut rows = Vec::new();
        for &n in connections {
            let base = self.throughput("baseline", n);
            let cell = |variant: &str| {
                self.throughput(variant, n)
                    .map_or("-".into(), |v| match base {
                        Some(b) if b > 0.0 => format!("{} ({:.2}x)", thousands(v), v / b),
                        _ => thousands(v),
                    })
            };
            rows.push(vec![
                n.to_string(),
                base.map_or("-".into(), thousands),
                cell("memory, one by one"),
                cell("memory, batched"),
            ]);
        }
        text.push_str(&grid(&header_memory.map(String::from), &rows));
        text.push('\n');

        if let Some(&most) = connections.iter().max() {
            let group = self.throughput("group commit", most).unwrap_or(f64::NAN);
            let each = self
                .throughput("sync each request", most)
                .unwrap_or(f64::NAN);
            let _ = writeln!(
                text,
                "Targets at {most} connections: group commit at {:.2}x of its ceiling (target >= 0.5x); \
                 {:.1}x the per-request variant (target >= 20x); {:.2}x of the same server in memory\n\
                 (A server can answer no faster than in memory: when a sync is quicker than the \
                 requests of a batch take to serve,\nthat, not the disk, is its limit.)",
                group / self.ceiling(most),
                group / each,
                group / self.throughput("memory, batched", most).unwrap_or(f64::NAN)
            );
        }
        let failed: Vec<String> = self
            .runs
            .iter()
            .filter(|run| !run.outcome.ok())
            .map(|run| format!("{} with {} connection(s)", run.variant, run.connections))
            .collect();
        if failed.is_empty() {
            text.push_str("Checks: every durability run answered and listed every presence.\n");
        } else {
            let _ = writeln!(text, "Checks FAILED: {}", failed.join(", "));
        }
        text
    }

    /// The raw figures, one line per run.
    pub fn csv(&self) -> String {
        let mut text = String::from("variant,connections,requests_per_s,p50_us,p99_us,sync_ms\n");
        for run in &self.runs {
            let o = &run.outcome;
            let _ = writeln!(
                text,
                "{},{},{:.1},{:.1},{:.1},{:.4}",
                run.variant,
                run.connections,
                o.throughput(),
                micros(o.latencies.percentile(50.0)),
                micros(o.latencies.percentile(99.0)),
                millis(self.sync)
            );
        }
        text
    }
}
