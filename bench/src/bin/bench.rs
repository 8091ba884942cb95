//! # bench: every lesson against the baseline, side by side, in one run
//!
//! ```text
//! cargo run --release -p chamada-bench --bin bench                 # full: a few minutes
//! cargo run --release -p chamada-bench --bin bench -- --quick      # seconds: does it work?
//! cargo run --release -p chamada-bench --bin bench -- --plot-from book/src/measuring/results.csv --out book/src/measuring
//! ```
//!
//! It builds the servers (in release mode, next to this program), starts
//! each one as a real process on 127.0.0.1 with a port the system picks,
//! loads it, and writes into `--out` (default `target/bench`): `table.txt`
//! (also printed), `results.csv` with the raw figures, and SVG charts; and
//! for the durability scenario (lesson 03 with its journal, see
//! `chamada_bench::durability`), `durability.txt` and `durability.csv`.
//! `--durability-only` measures only that scenario. The staircase scenario
//! (lesson 02 and every step of lesson 03, see `chamada_bench::staircase`)
//! writes `staircase.txt`; `--staircase-only` measures only it.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use chamada_bench::durability::{self, Durability};
use chamada_bench::limits::{raise_open_files, FileLimit};
use chamada_bench::scenarios::{self, Results, Settings};
use chamada_bench::staircase;
use chamada_bench::{plot, report};
use clap::Parser;

/// Measures every lesson's server against the baseline server.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// A tiny version of every scenario, to check that everything works.
    /// Its numbers mean nothing.
    #[arg(long)]
    quick: bool,
    /// Where to write table.txt, results.csv and the SVG charts.
    #[arg(long, value_name = "DIR", default_value = "target/bench")]
    out: PathBuf,
    /// Do not build the servers first: use the binaries already next to
    /// this program.
    #[arg(long)]
    no_build: bool,
    /// Measure nothing: redraw the SVG charts into --out from the
    /// results.csv of an earlier run.
    #[arg(long, value_name = "CSV", conflicts_with_all = ["quick", "no_build"])]
    plot_from: Option<PathBuf>,
    /// Measure only the durability scenario (lesson 03 with its journal).
    #[arg(long, conflicts_with = "plot_from")]
    durability_only: bool,
    /// Measure only the staircase scenario (lesson 02 and each step of
    /// lesson 03, in memory).
    #[arg(long, conflicts_with_all = ["plot_from", "durability_only"])]
    staircase_only: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bench: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    if let Some(csv) = &args.plot_from {
        return redraw(csv, &args.out);
    }
    let (settings, durability_settings) = if args.quick {
        (Settings::quick(), durability::Settings::quick())
    } else {
        (Settings::full(), durability::Settings::full())
    };
    let binaries = binaries_dir()?;
    if !args.no_build {
        build_servers(&binaries)?;
    }
    // The idle and crowd scenarios need a descriptor per connection, in the
    // benchmark and again in the server (which inherits this limit).
    let most = settings.idle_connections.max(settings.crowd_connections);
    let limit = raise_open_files(most as u64 + 1024);
    eprintln!("{limit}");
    let idle_connections = fitting(&limit, settings.idle_connections);
    let crowd_connections = fitting(&limit, settings.crowd_connections);
    let short = crowd_connections < most || idle_connections < settings.idle_connections;
    if short && !args.durability_only {
        eprintln!(
            "warning: only {crowd_connections} idle connections fit in the open-file limit; \
             raise it (ulimit -n {}) to measure {most}",
            most + 1024,
        );
    }

    let say = &mut |line: String| eprintln!("{line}");
    let staircase_settings = if args.quick {
        staircase::Settings::quick()
    } else {
        staircase::Settings::full()
    };
    let staircase_table = if args.durability_only {
        None
    } else {
        let measured = staircase::run(&staircase_settings, &binaries, say)?;
        let table = measured.table(&staircase_settings);
        write_file(&args.out, "staircase.txt", &table)?;
        Some(table)
    };
    if args.staircase_only {
        print!("\n{}", staircase_table.unwrap_or_default());
        return Ok(());
    }
    let results = if args.durability_only {
        None
    } else {
        let counts = (idle_connections, crowd_connections);
        Some(scenarios::run_all(&settings, &binaries, counts, say)?)
    };
    let durability = measure_durability(&durability_settings, &binaries, say)?;
    let description = describe_run(&settings, &limit);
    let table = results
        .as_ref()
        .map(|results| report::table(results, &settings.connections, &settings.class_sizes));
    let durability_table = durability.table(&durability_settings.connections);
    let text = match &table {
        Some(table) => format!("{description}\n{table}\n{durability_table}"),
        None => format!("{description}\n{durability_table}"),
    };
    let text = match &staircase_table {
        Some(staircase) => format!("{text}\n{staircase}"),
        None => text,
    };
    print!("\n{text}");
    let table = table.map(|table| format!("{description}\n{table}"));
    write_outputs(
        &args.out,
        table.as_deref(),
        results.as_ref(),
        &durability,
        &durability_table,
    )
}

/// Runs the durability scenario with its journals in a temporary folder,
/// which is removed afterwards.
fn measure_durability(
    settings: &durability::Settings,
    binaries: &Path,
    say: &mut dyn FnMut(String),
) -> Result<Durability, String> {
    let folder = tempfile::Builder::new()
        .prefix("chamada-bench-")
        .tempdir()
        .map_err(|error| format!("cannot create a temporary folder: {error}"))?;
    durability::run(settings, binaries, folder.path(), say)
}

/// The most idle connections that fit in the open-file limit.
fn fitting(limit: &FileLimit, wanted: usize) -> usize {
    (1..=wanted)
        .rev()
        .find(|&n| limit.allows(n as u64))
        .unwrap_or(0)
}

/// This program's folder, where cargo also puts the servers' binaries.
fn binaries_dir() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find myself: {e}"))?;
    exe.parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| "this program has no folder".to_owned())
}

/// Builds the lessons' servers and the baseline with the same profile as
/// this program, so they land next to it. Quick when they are up to date.
fn build_servers(binaries: &Path) -> Result<(), String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .arg("build")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(&manifest);
    let packages = [
        "lesson-01-blocking",
        "lesson-bonus-event-loop",
        "chamada-bench",
    ];
    for package in packages.into_iter().chain(staircase::binaries()) {
        if package != "baseline-server" {
            command.args(["-p", package]);
        }
    }
    command.arg("--bins");
    if binaries.ends_with("release") {
        command.arg("--release");
    }
    eprintln!("building the servers: {command:?}");
    let status = command
        .status()
        .map_err(|error| format!("cannot run cargo to build the servers: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("building the servers failed; or build them yourself with \
             `cargo build --release --workspace --bins` and pass --no-build"
            .to_owned())
    }
}

/// The first lines of the table: what ran, where.
fn describe_run(settings: &Settings, limit: &FileLimit) -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|name| name.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").map_or_else(
        |_| std::env::consts::OS.to_owned(),
        |k| format!("Linux {}", k.trim()),
    );
    format!(
        "chamada benchmark, {} run. Each figure stands next to its ratio to the baseline \
         server measured in the same run;\nthroughput and latency are from the median of {} \
         run(s) per server, the servers taking turns; class sizes are medians of at least {} \
         fill(s).\nMachine: {cores} cores ({cpu}), {kernel}; the load generator shares these \
         cores with the server; {limit}.\n",
        settings.name, settings.repeats, settings.repeats
    )
}

/// Draws the charts of an earlier run from its results.csv.
fn redraw(csv: &Path, dir: &Path) -> Result<(), String> {
    let text =
        std::fs::read_to_string(csv).map_err(|e| format!("cannot read {}: {e}", csv.display()))?;
    let figures = plot::Figures::from_csv(&text).map_err(|e| format!("{}: {e}", csv.display()))?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let charts = plot::draw_figures(figures, dir)?;
    eprintln!("wrote {} into {}", charts.join(", "), dir.display());
    Ok(())
}

/// Writes `text` into the file `name` of `dir`, creating `dir` if needed.
fn write_file(dir: &Path, name: &str, text: &str) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join(name);
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes durability.txt and durability.csv and, after a full or quick run
/// of every scenario, table.txt, results.csv and the charts.
fn write_outputs(
    dir: &Path,
    table: Option<&str>,
    results: Option<&Results>,
    durability: &Durability,
    durability_table: &str,
) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write("durability.txt", durability_table)?;
    write("durability.csv", &durability.csv())?;
    let (Some(table), Some(results)) = (table, results) else {
        eprintln!(
            "wrote durability.txt, durability.csv into {}",
            dir.display()
        );
        return Ok(());
    };
    write("table.txt", table)?;
    write("results.csv", &report::csv(results))?;
    let charts = plot::draw_all(results, dir)?;
    eprintln!(
        "wrote table.txt, results.csv, durability.txt, durability.csv, {} into {}",
        charts.join(", "),
        dir.display()
    );
    Ok(())
}
