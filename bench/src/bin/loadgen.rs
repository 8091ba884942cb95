//! # loadgen: one load test against a running server
//!
//! Start a server yourself, then aim this at it, e.g.
//!
//! ```text
//! cargo run --release -p lesson-03-final -- --bind 127.0.0.1:5050
//! cargo run --release -p chamada-bench --bin loadgen -- -c 16 --requests 100000
//! ```
//!
//! It prints the throughput, the latency percentiles and the result of the
//! check that every accepted presence was listed by `END` exactly once, and
//! exits with 1 if anything was lost, refused or failed.

use std::process::ExitCode;

use chamada_bench::loadgen::{self, Outcome, Plan};
use chamada_bench::report::thousands;
use chamada_bench::stats::micros;
use clap::Parser;

/// Many students answering the roll call at once, measured.
#[derive(Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    plan: Plan,
}

fn main() -> ExitCode {
    let plan = Args::parse().plan;
    match loadgen::run(&plan) {
        Ok(outcome) => {
            print_outcome(&plan, &outcome);
            if outcome.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(error) => {
            eprintln!("loadgen: {error}");
            ExitCode::FAILURE
        }
    }
}

fn print_outcome(plan: &Plan, outcome: &Outcome) {
    println!(
        "{} connection(s), depth {}, {} class(es): {} requests answered in {:.2} s \
         by {} connection(s)",
        plan.connections,
        plan.depth,
        plan.classes,
        thousands(outcome.answered as f64),
        outcome.elapsed.as_secs_f64(),
        outcome.served_connections,
    );
    let latency = &outcome.latencies;
    println!(
        "throughput {} requests/s; latency p50 {} µs, p99 {} µs, max {} µs",
        thousands(outcome.throughput()),
        thousands(micros(latency.percentile(50.0))),
        thousands(micros(latency.percentile(99.0))),
        thousands(micros(latency.max())),
    );
    if outcome.refused > 0 || outcome.in_doubt > 0 {
        println!(
            "{} refused (PRESENCE 0), {} sent but not answered before the time limit",
            outcome.refused, outcome.in_doubt
        );
    }
    for error in &outcome.errors {
        println!("error: {error}");
    }
    match &outcome.check {
        None => println!("check: skipped (--no-check)"),
        Some(check) => println!(
            "check: {}: END listed {} of {} accepted presences; {} missing, {} listed twice, \
             {} unexpected",
            if check.passed() { "passed" } else { "FAILED" },
            thousands(check.listed as f64),
            thousands(check.accepted as f64),
            check.missing,
            check.duplicated,
            check.unexpected
        ),
    }
}
