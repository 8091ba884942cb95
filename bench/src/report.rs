//! The results as people and programs read them: a text table in which
//! every figure stands next to its ratio to the baseline measured in the
//! same run, and a CSV file with the raw figures.
//!
//! Ratios, not absolute numbers, are what carry over from one machine to
//! another: a laptop may be twice as fast as the machine the book's numbers
//! came from, but lesson 03 at 0.5x the baseline is slow on both.

use std::fmt::Write as _;

use crate::scenarios::{Idle, IdleFigures, Results, ThroughputRun, CONTENDERS, CROWD};
use crate::stats::micros;

/// The baseline's name in the results.
const BASELINE: &str = "baseline-server";

/// The thread-per-connection lesson the crowd's memory is compared with.
const THREADS: &str = "lesson-02-threads";

/// The bonus lesson.
const EVENT_LOOP: &str = "lesson-bonus-event-loop";

/// A number rounded to a whole one, with thousands separated by commas.
pub fn thousands(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_owned();
    }
    let digits = format!("{:.0}", value.abs());
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if value < -0.5 {
        grouped.insert(0, '-');
    }
    grouped
}

/// `value` and its ratio to `baseline`, e.g. `41,200 (0.93x)`.
fn with_ratio(value: f64, baseline: Option<f64>, text: impl Fn(f64) -> String) -> String {
    match baseline.filter(|b| *b > 0.0 && value.is_finite()) {
        Some(base) => format!("{} ({:.2}x)", text(value), value / base),
        None => text(value),
    }
}

/// Lays out rows of cells in columns, the first left-aligned, the rest right.
pub(crate) fn grid(header: &[String], rows: &[Vec<String>]) -> String {
    let columns = header.len();
    let width: Vec<usize> = (0..columns)
        .map(|c| {
            std::iter::once(&header[c])
                .chain(rows.iter().map(|row| &row[c]))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = width[c] - cell.chars().count();
            if c == 0 {
                let _ = write!(line, "{cell}{}", " ".repeat(pad));
            } else {
                let _ = write!(line, "  {}{cell}", " ".repeat(pad));
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

fn header(first: &str) -> Vec<String> {
    std::iter::once(first.to_owned())
        .chain(CONTENDERS.iter().map(|c| c.name.to_owned()))
        .collect()
}

/// The whole table.
pub fn table(results: &Results, connections: &[usize], sizes: &[u64]) -> String {
    let mut text = String::new();
    throughput_tables(results, connections, &mut text);
    sweep_tables(results, sizes, &mut text);
    idle_table(results, &mut text);
    crowd_table(results, &mut text);
    checks(results, &mut text);
    targets(results, connections, sizes, &mut text);
    event_loop_targets(results, connections, &mut text);
    text
}

/// A figure of a throughput run.
type Figure = fn(&ThroughputRun) -> f64;

/// How a figure is written.
type Format = fn(f64) -> String;

fn one_decimal(value: f64) -> String {
    format!("{value:.1}")
}

/// Of the repeated runs of `server` at `connections`, the one with the
/// median throughput: its latencies are the ones shown.
pub fn median_run<'a>(
    results: &'a Results,
    server: &str,
    connections: usize,
) -> Option<&'a ThroughputRun> {
    let mut runs: Vec<&ThroughputRun> = results
        .throughput
        .iter()
        .filter(|run| run.server == server && run.connections == connections)
        .collect();
    runs.sort_by(|a, b| a.outcome.throughput().total_cmp(&b.outcome.throughput()));
    runs.get(runs.len().checked_sub(1)? / 2).copied()
}

fn throughput_tables(results: &Results, connections: &[usize], text: &mut String) {
    let figures: [(&str, Figure, Format); 5] = [
        (
            "Throughput, requests/s (ratio to baseline)",
            |r| r.outcome.throughput(),
            thousands,
        ),
        (
            "Server CPU time per request, µs (ratio to baseline)",
            |r| r.server_cpu_us.unwrap_or(f64::NAN),
            one_decimal,
        ),
        (
            "Latency p50, µs (ratio to baseline)",
            |r| micros(r.outcome.latencies.percentile(50.0)),
            thousands,
        ),
        (
            "Latency p99, µs (ratio to baseline)",
            |r| micros(r.outcome.latencies.percentile(99.0)),
            thousands,
        ),
        (
            "Latency max, µs (ratio to baseline)",
            |r| micros(r.outcome.latencies.max()),
            thousands,
        ),
    ];
    for (title, figure, format) in figures {
        let rows: Vec<Vec<String>> =
            connections
                .iter()
                .map(|&n| {
                    let value = |server: &str| median_run(results, server, n).map(figure);
                    let base = value(BASELINE);
                    std::iter::once(n.to_string())
                        .chain(CONTENDERS.iter().map(|c| {
                            value(c.name).map_or("-".into(), |v| with_ratio(v, base, format))
                        }))
                        .collect()
                })
                .collect();
        let _ = writeln!(text, "{title}");
        text.push_str(&grid(&header("connections"), &rows));
        text.push('\n');
    }
}

fn sweep_value(results: &Results, server: &str, size: u64) -> Option<f64> {
    sweep_figure(results, server, size, |p| Some(p.micros_per_request))
}

fn sweep_figure(results: &Results, server: &str, size: u64, figure: SweepFigure) -> Option<f64> {
    results
        .sweep
        .iter()
        .find(|p| p.server == server && p.class_size == size)
        .and_then(figure)
}

/// A figure of a class-size point.
type SweepFigure = fn(&crate::scenarios::SweepPoint) -> Option<f64>;

fn sweep_tables(results: &Results, sizes: &[u64], text: &mut String) {
    let figures: [(&str, SweepFigure); 2] = [
        (
            "Class size: µs per request filling one class on one connection (ratio to baseline)",
            |p| Some(p.micros_per_request),
        ),
        (
            "Class size: server CPU time per request, µs (ratio to baseline)",
            |p| p.server_cpu_us,
        ),
    ];
    for (title, figure) in figures {
        sweep_table(results, sizes, title, figure, text);
    }
}

fn sweep_table(
    results: &Results,
    sizes: &[u64],
    title: &str,
    figure: SweepFigure,
    text: &mut String,
) {
    let sweep_value =
        |results: &Results, server: &str, size: u64| sweep_figure(results, server, size, figure);
    let mut rows: Vec<Vec<String>> = sizes
        .iter()
        .map(|&size| {
            let base = sweep_value(results, BASELINE, size);
            std::iter::once(thousands(size as f64))
                .chain(CONTENDERS.iter().map(|c| {
                    sweep_value(results, c.name, size)
                        .map_or("-".into(), |v| with_ratio(v, base, |v| format!("{v:.1}")))
                }))
                .collect()
        })
        .collect();
    if let (Some(&first), Some(&last)) = (sizes.first(), sizes.last()) {
        let flatness = std::iter::once(format!(
            "{} / {}",
            thousands(last as f64),
            thousands(first as f64)
        ))
        .chain(CONTENDERS.iter().map(|c| {
            let ratio = sweep_value(results, c.name, last)
                .zip(sweep_value(results, c.name, first))
                .map(|(l, f)| l / f);
            ratio.map_or("-".into(), |r| format!("{r:.2}x"))
        }))
        .collect();
        rows.push(flatness);
    }
    let _ = writeln!(text, "{title}");
    text.push_str(&grid(&header("students"), &rows));
    text.push('\n');
}

fn idle_table(results: &Results, text: &mut String) {
    let Some(wanted) = results.idle.first().map(|idle| idle.wanted) else {
        return;
    };
    let columns: Vec<&str> = CONTENDERS.iter().map(|c| c.name).collect();
    let title = format!(
        "{} idle connections held open (RSS: ratio to baseline)",
        thousands(wanted as f64)
    );
    idle_grid(&results.idle, &columns, BASELINE, &title, text);
}

/// The crowd, with memory as a ratio to lesson 02's: the event loop's
/// target is at most a quarter of it.
fn crowd_table(results: &Results, text: &mut String) {
    let Some(wanted) = results.crowd.first().map(|idle| idle.wanted) else {
        return;
    };
    let title = format!(
        "A crowd: {} idle connections held open (RSS: ratio to {THREADS})",
        thousands(wanted as f64)
    );
    idle_grid(&results.crowd, &CROWD, THREADS, &title, text);
}

/// A table of idle figures, one column per server in `columns`, RSS as a
/// ratio to that of `base`.
fn idle_grid(idles: &[Idle], columns: &[&str], base: &str, title: &str, text: &mut String) {
    let get = |name: &str| idles.iter().find(|i| i.server == name);
    let base_rss = get(base)
        .and_then(|i| i.figures.as_ref().ok())
        .and_then(|f| f.rss_kib)
        .map(|kib| kib as f64 / 1024.0);
    type Cell = fn(&IdleFigures, Option<f64>) -> String;
    let cells: [(&str, Cell); 5] = [
        ("answered / errors", |f, _| {
            format!("{} / {}", f.answered, f.errors.len())
        }),
        ("RSS, MiB", |f, base| {
            f.rss_kib.map_or("n/a".into(), |kib| {
                with_ratio(kib as f64 / 1024.0, base, |v| format!("{v:.1}"))
            })
        }),
        ("RSS per connection, KiB", |f, _| {
            rss_per_connection(f).map_or("n/a".into(), |v| format!("{v:.1}"))
        }),
        ("threads", |f, _| {
            f.threads.map_or("n/a".into(), |t| t.to_string())
        }),
        ("CPU while idle, % of a core", |f, _| {
            f.idle_cpu_percent
                .map_or("n/a".into(), |p| format!("{p:.1}"))
        }),
    ];
    let rows: Vec<Vec<String>> = cells
        .iter()
        .map(|(label, cell)| {
            std::iter::once(label.to_string())
                .chain(
                    columns
                        .iter()
                        .map(|name| match get(name).map(|i| &i.figures) {
                            Some(Ok(figures)) => cell(figures, base_rss),
                            _ => "n/a".into(),
                        }),
                )
                .collect()
        })
        .collect();
    let _ = writeln!(text, "{title}");
    let header: Vec<String> = std::iter::once(String::new())
        .chain(columns.iter().map(|name| name.to_string()))
        .collect();
    text.push_str(&grid(&header, &rows));
    for idle in idles {
        if let Err(reason) = &idle.figures {
            let _ = writeln!(text, "{}: n/a, {reason}", idle.server);
        }
    }
    text.push('\n');
}

/// What each held connection added to the server's resident memory, KiB.
fn rss_per_connection(f: &IdleFigures) -> Option<f64> {
    f.rss_kib
        .zip(f.rss_before_kib)
        .map(|(now, before)| now.saturating_sub(before) as f64 / f.answered.max(1) as f64)
}

/// The loss check of every run, in one line unless something failed.
fn checks(results: &Results, text: &mut String) {
    let mut failures = Vec::new();
    for run in &results.throughput {
        let outcome = &run.outcome;
        if let Some(check) = outcome.check.as_ref().filter(|c| !c.passed()) {
            failures.push(format!(
                "{} at {} connections: {check:?}",
                run.server, run.connections
            ));
        }
        for error in outcome.errors.iter().take(3) {
            failures.push(format!(
                "{} at {} connections: {error}",
                run.server, run.connections
            ));
        }
        if outcome.in_doubt > 0 {
            failures.push(format!(
                "{} at {} connections: {} request(s) cut off by the time limit ({} of {} \
                 connections served)",
                run.server,
                run.connections,
                outcome.in_doubt,
                outcome.served_connections,
                run.connections
            ));
        }
    }
    for point in results.sweep.iter().filter(|p| !p.ok) {
        failures.push(format!(
            "{} filling {} students: a check failed",
            point.server, point.class_size
        ));
    }
    for (scenario, idles) in [("idle", &results.idle), ("crowd", &results.crowd)] {
        for idle in idles {
            if let Ok(figures) = &idle.figures {
                for error in figures.errors.iter().take(3) {
                    failures.push(format!("{} {scenario}: {error}", idle.server));
                }
            }
        }
    }
    if failures.is_empty() {
        let _ = writeln!(
            text,
            "Loss check: in every run of every lesson, END listed each accepted presence \
             exactly once, and nothing else."
        );
    } else {
        let _ = writeln!(text, "Problems:");
        for failure in failures {
            let _ = writeln!(text, "  {failure}");
        }
    }
    text.push('\n');
}

/// Lesson 03's targets, each met or not.
fn targets(results: &Results, connections: &[usize], sizes: &[u64], text: &mut String) {
    const LESSON: &str = "lesson-03-final";
    let throughput =
        |server: &str, n: usize| median_run(results, server, n).map(|r| r.outcome.throughput());
    let _ = writeln!(text, "Targets for {LESSON}");
    for &n in connections.iter().filter(|&&n| n > 1) {
        let ratio = throughput(LESSON, n)
            .zip(throughput(BASELINE, n))
            .map(|(l, b)| l / b);
        verdict(
            text,
            &format!("throughput at {n} connections >= 0.80x baseline"),
            ratio,
            |r| r >= 0.8,
        );
    }
    if let (Some(&first), Some(&last)) = (sizes.first(), sizes.last()) {
        let ratio = sweep_value(results, LESSON, last)
            .zip(sweep_value(results, LESSON, first))
            .map(|(l, f)| l / f);
        let what = format!(
            "cost per request at {} students <= 1.20x that at {}",
            thousands(last as f64),
            thousands(first as f64)
        );
        verdict(text, &what, ratio, |r| r <= 1.2);
    }
    if let Some(idle) = results.idle.iter().find(|i| i.server == LESSON) {
        let what = format!(
            "{} idle connections held with no errors",
            thousands(idle.wanted as f64)
        );
        let met = idle
            .figures
            .as_ref()
            .is_ok_and(|f| f.errors.is_empty() && f.answered == idle.wanted);
        let _ = writeln!(text, "  {what}: {}", if met { "met" } else { "NOT met" });
    }
}

/// The bonus event loop's targets, each met or not.
fn event_loop_targets(results: &Results, connections: &[usize], text: &mut String) {
    let throughput =
        |server: &str, n: usize| median_run(results, server, n).map(|r| r.outcome.throughput());
    let _ = writeln!(text, "Targets for {EVENT_LOOP}");
    if let Some(&most) = connections.iter().max() {
        let ratio = throughput(EVENT_LOOP, most)
            .zip(throughput(BASELINE, most))
            .map(|(l, b)| l / b);
        let what = format!("throughput at {most} connections >= 0.90x baseline");
        verdict(text, &what, ratio, |r| r >= 0.9);
    }
    let crowd = |name: &str| results.crowd.iter().find(|i| i.server == name);
    let Some(held) = crowd(EVENT_LOOP) else {
        return;
    };
    let n = thousands(held.wanted as f64);
    let figures = held.figures.as_ref().ok();
    let all_held = figures.is_some_and(|f| f.errors.is_empty() && f.answered == held.wanted);
    let _ = writeln!(
        text,
        "  {n} idle connections held with no errors: {}",
        if all_held { "met" } else { "NOT met" }
    );
    // Besides the loop, the process has three threads that serve no
    // client: the ctrlc crate's, which only waits for a signal and then
    // wakes the loop, and chamada::log's two writers (standard output and
    // standard error).
    let threads = figures.and_then(|f| f.threads);
    let _ = match threads {
        Some(t) => writeln!(
            text,
            "  one thread serves {n} connections: {t} threads in the process (the loop, \
             ctrlc's signal thread and the log's two writers), {}",
            if t <= 4 { "met" } else { "NOT met" }
        ),
        None => writeln!(text, "  one thread serves {n} connections: not measured"),
    };
    let rss = |name: &str| crowd(name).and_then(|i| i.figures.as_ref().ok()?.rss_kib);
    let ratio = rss(EVENT_LOOP)
        .zip(rss(THREADS))
        .map(|(l, t)| l as f64 / t as f64);
    let what = format!("RSS at {n} connections <= 0.25x that of {THREADS}");
    verdict(text, &what, ratio, |r| r <= 0.25);
}

fn verdict(text: &mut String, what: &str, ratio: Option<f64>, met: impl Fn(f64) -> bool) {
    let _ = match ratio {
        Some(r) => writeln!(
            text,
            "  {what}: {r:.2}x, {}",
            if met(r) { "met" } else { "NOT met" }
        ),
        None => writeln!(text, "  {what}: not measured"),
    };
}

/// The raw figures, one per line: `scenario,server,x,run,metric,value`,
/// where `x` is the connection count, the class size or the idle
/// connections, and `run` numbers the repeats of a throughput run (the class
/// sizes and idle figures are already summaries: run is 0).
pub fn csv(results: &Results) -> String {
    let mut text = String::from("scenario,server,x,run,metric,value\n");
    let mut add = |scenario: &str, server: &str, x: u64, run: usize, metric: &str, value: f64| {
        let _ = writeln!(text, "{scenario},{server},{x},{run},{metric},{value:.3}");
    };
    for run in &results.throughput {
        let o = &run.outcome;
        let n = run.connections as u64;
        let mut row = |scenario: &str, server: &str, x: u64, metric: &str, value: f64| {
            add(scenario, server, x, run.repeat, metric, value)
        };
        row(
            "throughput",
            run.server,
            n,
            "server_cpu_us_per_request",
            run.server_cpu_us.unwrap_or(f64::NAN),
        );
        row(
            "throughput",
            run.server,
            n,
            "requests_per_s",
            o.throughput(),
        );
        row(
            "throughput",
            run.server,
            n,
            "p50_us",
            micros(o.latencies.percentile(50.0)),
        );
        row(
            "throughput",
            run.server,
            n,
            "p99_us",
            micros(o.latencies.percentile(99.0)),
        );
        row(
            "throughput",
            run.server,
            n,
            "max_us",
            micros(o.latencies.max()),
        );
        row("throughput", run.server, n, "answered", o.answered as f64);
        row("throughput", run.server, n, "in_doubt", o.in_doubt as f64);
        row(
            "throughput",
            run.server,
            n,
            "seconds",
            o.elapsed.as_secs_f64(),
        );
        row(
            "throughput",
            run.server,
            n,
            "served_connections",
            o.served_connections as f64,
        );
        let passed = o
            .check
            .as_ref()
            .map_or(f64::NAN, |c| f64::from(u8::from(c.passed())));
        row("throughput", run.server, n, "check_passed", passed);
    }
    let mut row = |scenario: &str, server: &str, x: u64, metric: &str, value: f64| {
        add(scenario, server, x, 0, metric, value)
    };
    for point in &results.sweep {
        let size = point.class_size;
        row(
            "class_size",
            point.server,
            size,
            "server_cpu_us_per_request",
            point.server_cpu_us.unwrap_or(f64::NAN),
        );
        row(
            "class_size",
            point.server,
            size,
            "us_per_request",
            point.micros_per_request,
        );
        row(
            "class_size",
            point.server,
            size,
            "repeats",
            point.repeats as f64,
        );
        row(
            "class_size",
            point.server,
            size,
            "ok",
            f64::from(u8::from(point.ok)),
        );
    }
    for (scenario, idles) in [("idle", &results.idle), ("crowd", &results.crowd)] {
        for idle in idles {
            let Ok(f) = &idle.figures else { continue };
            let n = idle.wanted as u64;
            let opt = |v: Option<u64>| v.map_or(f64::NAN, |v| v as f64);
            let cpu = f.idle_cpu_percent.unwrap_or(f64::NAN);
            row(scenario, idle.server, n, "answered", f.answered as f64);
            row(scenario, idle.server, n, "errors", f.errors.len() as f64);
            row(
                scenario,
                idle.server,
                n,
                "rss_before_kib",
                opt(f.rss_before_kib),
            );
            row(scenario, idle.server, n, "rss_kib", opt(f.rss_kib));
            row(scenario, idle.server, n, "threads", opt(f.threads));
            row(scenario, idle.server, n, "idle_cpu_percent", cpu);
        }
    }
    text
}

/// The languages the book is written in. The tables and charts are written
/// in English and then in Portuguese, for the book's Portuguese edition,
/// from the same figures: only words and the way numbers are written
/// differ (17,188 and 0.87x in English; 17.188 and 0,87x in Portuguese).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    English,
    Portuguese,
}

impl Language {
    /// Every language, English first.
    pub const ALL: [Language; 2] = [Language::English, Language::Portuguese];

    /// The folder, inside the output folder, that holds this language's
    /// files: the Portuguese edition shows `measuring/pt-BR/table.txt` where
    /// the English one shows `measuring/table.txt` (book/preprocessor).
    pub fn folder(self) -> &'static str {
        match self {
            Language::English => "",
            Language::Portuguese => "pt-BR",
        }
    }

    /// `text`, written with English numbers, with its numbers written in
    /// this language: in Portuguese a comma before the decimals and a point
    /// between thousands.
    pub fn numbers(self, text: &str) -> String {
        match self {
            Language::English => text.to_owned(),
            Language::Portuguese => brazilian_numbers(text),
        }
    }
}

/// The words of the tables (this file's, durability.rs's and the heading
/// bench writes) in Portuguese, for text outside the tables' columns. Where
/// one phrase contains another, the longer comes first. Numbers stay in the
/// English way here; [`Language::numbers`] rewrites them afterwards.
const PORTUGUESE_PHRASES: &[(&str, &str)] = &[
    ("chamada benchmark, full run.", "Benchmark do chamada, execução completa."),
    ("chamada benchmark, quick run.", "Benchmark do chamada, execução rápida."),
    (
        " Each figure stands next to its ratio to the baseline server measured in the same run;",
        " Cada número vem ao lado da sua razão em relação ao servidor de referência medido na mesma execução;",
    ),
    ("throughput and latency are from the median of ", "vazão e latência são a mediana de "),
    (
        " run(s) per server, the servers taking turns; class sizes are medians of at least ",
        " execução(ões) por servidor, com os servidores se revezando; os tamanhos de turma são medianas de pelo menos ",
    ),
    (" fill(s).", " preenchimento(s)."),
    ("Machine: ", "Máquina: "),
    (" cores (", " núcleos ("),
    (
        "the load generator shares these cores with the server; open-file limit ",
        "o gerador de carga divide esses núcleos com o servidor; limite de arquivos abertos: ",
    ),
    ("Throughput, requests/s", "Vazão, requisições/s"),
    ("Server CPU time per request, µs", "Tempo de CPU do servidor por requisição, µs"),
    ("Latency ", "Latência "),
    (
        "Class size: µs per request filling one class on one connection",
        "Tamanho da turma: µs por requisição ao encher uma turma numa só conexão",
    ),
    (
        "Class size: server CPU time per request, µs",
        "Tamanho da turma: tempo de CPU do servidor por requisição, µs",
    ),
    (" (ratio to baseline)", " (razão em relação à referência)"),
    ("A crowd: ", "Uma multidão: "),
    (" idle connections held open (RSS: ratio to baseline)", " conexões ociosas mantidas abertas (RSS: razão em relação à referência)"),
    (" idle connections held open (RSS: ratio to ", " conexões ociosas mantidas abertas (RSS: razão em relação a "),
    (" idle connections held open", " conexões ociosas mantidas abertas"),
    (" idle connections held with no errors", " conexões ociosas mantidas sem erros"),
    (
        ": n/a, serves one connection at a time: the others would wait unanswered in the listen backlog",
        ": n/a, atende uma conexão por vez: as outras esperariam sem resposta no backlog do listen",
    ),
    (
        "Loss check: in every run of every lesson, END listed each accepted presence exactly once, and nothing else.",
        "Verificação de perdas: em todas as execuções de todas as lições, o END listou cada presença aceita exatamente uma vez, e nada mais.",
    ),
    ("Problems:", "Problemas:"),
    ("Targets for ", "Metas de "),
    ("Targets at ", "Metas com "),
    ("throughput at ", "vazão com "),
    ("cost per request at ", "custo por requisição com "),
    ("one thread serves ", "uma thread atende "),
    (
        " threads in the process (the loop, ctrlc's signal thread and the log's two writers)",
        " threads no processo (o laço, a thread de sinais do ctrlc e as duas de escrita do log)",
    ),
    (
        " threads in the process (the loop, and ctrlc's signal thread)",
        " threads no processo (o laço e a thread de sinais do ctrlc)",
    ),
    ("RSS at ", "RSS com "),
    (" students <= ", " alunos <= "),
    (" connections >= ", " conexões >= "),
    (" connections <= ", " conexões <= "),
    (" connections: group commit at ", " conexões: commit em grupo a "),
    (" connections: not measured", " conexões: não medido"),
    ("x baseline: ", "x a referência: "),
    ("x that at ", "x o custo com "),
    ("x that of ", "x o de "),
    ("x of its ceiling (target >= ", "x do seu teto (meta >= "),
    ("x the per-request variant (target >= ", "x a variante de um sync por requisição (meta >= "),
    ("x of the same server in memory", "x do mesmo servidor em memória"),
    (": not measured", ": não medido"),
    ("NOT met", "NÃO atingida"),
    (", met", ", atingida"),
    (": met", ": atingida"),
    (
        "Durability: lesson 03 with its journal, requests/s (ratio to the ceiling, connections / sync time)",
        "Durabilidade: lição 03 com o seu log de transações, requisições/s (razão em relação ao teto, conexões / tempo de sync)",
    ),
    ("disk sync (write + fdatasync of one line): ", "sync do disco (write + fdatasync de uma linha): "),
    (" ms, median of ", " ms, mediana de "),
    (" in this run", " nesta execução"),
    (
        "Registry batching, in memory: requests/s",
        "Lotes no registro, em memória: requisições/s",
    ),
    (
        "(A server can answer no faster than in memory: when a sync is quicker than the requests of a batch take to serve,",
        "(Um servidor não responde mais rápido do que em memória: quando um sync leva menos tempo do que servir as requisições de um lote,",
    ),
    ("that, not the disk, is its limit.)", "é isso, e não o disco, que o limita.)"),
    (
        "Checks: every durability run answered and listed every presence.",
        "Verificações: toda execução de durabilidade respondeu e listou cada presença.",
    ),
    // Last: what the longer phrases above leave.
    (" connections: ", " conexões: "),
];

/// The tables' column headings and row names in Portuguese. A cell is
/// translated whole, so a server's name (`baseline-server`) never is.
const PORTUGUESE_CELLS: &[(&str, &str)] = &[
    ("connections", "conexões"),
    ("students", "alunos"),
    ("baseline", "referência"),
    ("answered / errors", "respondidas / erros"),
    ("RSS per connection, KiB", "RSS por conexão, KiB"),
    ("CPU while idle, % of a core", "CPU ociosa, % de um núcleo"),
    ("ceiling", "teto"),
    ("sync each request", "sync a cada requisição"),
    ("group commit", "commit em grupo"),
    ("group / each", "grupo / cada"),
    ("memory, batched", "memória, em lotes"),
    ("group / memory", "grupo / memória"),
    ("memory, one by one", "memória, uma a uma"),
];

/// A text `bench` wrote in English (table.txt, durability.txt) in
/// Portuguese: its words from the two lists above, its numbers written the
/// Brazilian way, and its tables laid out again, since words change width.
pub fn in_portuguese(text: &str) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        // A table is a run of lines of three or more columns (two spaces
        // or more apart); everything else is prose.
        let table: Vec<Vec<String>> = lines[i..]
            .iter()
            .map_while(|line| columns(line).filter(|cells| cells.len() >= 3))
            .collect();
        let same_width = table.iter().all(|row| row.len() == table[0].len());
        if table.len() >= 2 && same_width {
            let translated: Vec<Vec<String>> = table
                .iter()
                .map(|row| row.iter().map(|cell| portuguese_cell(cell)).collect())
                .collect();
            out.push_str(&grid(&translated[0], &translated[1..]));
            i += table.len();
        } else {
            let mut line = lines[i].to_owned();
            for (english, portuguese) in PORTUGUESE_PHRASES {
                line = line.replace(english, portuguese);
            }
            out.push_str(&Language::Portuguese.numbers(&line));
            out.push('\n');
            i += 1;
        }
    }
    out
}

fn portuguese_cell(cell: &str) -> String {
    let word = PORTUGUESE_CELLS
        .iter()
        .find(|(english, _)| *english == cell)
        .map_or(cell, |(_, portuguese)| *portuguese);
    Language::Portuguese.numbers(word)
}

/// The cells of a line laid out by [`grid`]: separated by two spaces or
/// more, the first one possibly empty (a line that starts with spaces).
fn columns(line: &str) -> Option<Vec<String>> {
    if line.trim().is_empty() {
        return None;
    }
    let mut cells: Vec<String> = Vec::new();
    if line.starts_with("  ") {
        cells.push(String::new());
    }
    cells.extend(
        line.trim()
            .split("  ")
            .map(str::trim)
            .filter(|cell| !cell.is_empty())
            .map(str::to_owned),
    );
    Some(cells)
}

/// Every number in `text` written the Brazilian way: `17,188` becomes
/// `17.188` and `0.87x` becomes `0,87x`. A number is a run of digits with
/// commas and at most one point, standing alone: `p99`, `lesson-03`,
/// `127.0.0.1` and `6.18.44` are left as they are.
fn brazilian_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts_number = chars[i].is_ascii_digit()
            && (i == 0 || !(chars[i - 1].is_alphanumeric() || "-_.,".contains(chars[i - 1])));
        if !starts_number {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut end = i;
        while end < chars.len()
            && (chars[end].is_ascii_digit() || chars[end] == ',' || chars[end] == '.')
        {
            end += 1;
        }
        // A point or comma at the end is punctuation, not part of the number.
        while end > i && !chars[end - 1].is_ascii_digit() {
            end -= 1;
        }
        let number: String = chars[i..end].iter().collect();
        let points = number.matches('.').count();
        let glued = end < chars.len()
            && (chars[end].is_alphabetic() && chars[end] != 'x' || chars[end] == '-');
        if points <= 1 && !glued {
            out.extend(number.chars().map(|c| match c {
                ',' => '.',
                '.' => ',',
                other => other,
            }));
        } else {
            out.push_str(&number);
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The book's Portuguese edition shows `pt-BR/` copies of the tables
    /// bench wrote for the book: they must be the English ones translated,
    /// not an older run's. `CHAMADA_WRITE_PT_TABLES=1 cargo test -p
    /// chamada-bench portuguese_tables` rewrites them.
    #[test]
    fn the_books_portuguese_tables_are_its_english_ones_translated() {
        let book = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/src");
        let rewrite = std::env::var_os("CHAMADA_WRITE_PT_TABLES").is_some();
        let tables = [
            "measuring/table.txt",
            "measuring/durability.txt",
            "event-loop/table.txt",
        ];
        for table in tables {
            let english_path = book.join(table);
            let Ok(english) = std::fs::read_to_string(&english_path) else {
                continue; // the book no longer has this table
            };
            let name = english_path.file_name().unwrap();
            let portuguese_path = english_path.parent().unwrap().join("pt-BR").join(name);
            let expected = in_portuguese(&english);
            if rewrite {
                std::fs::create_dir_all(portuguese_path.parent().unwrap()).unwrap();
                std::fs::write(&portuguese_path, &expected).unwrap();
            }
            let portuguese = std::fs::read_to_string(&portuguese_path).unwrap_or_default();
            assert!(
                portuguese == expected,
                "book/src/{table} has no up-to-date Portuguese copy in pt-BR/: run \
                 CHAMADA_WRITE_PT_TABLES=1 cargo test -p chamada-bench portuguese_tables"
            );
        }
    }

    #[test]
    fn numbers_are_written_the_brazilian_way_and_nothing_else_is() {
        assert_eq!(
            brazilian_numbers("17,188 (0.87x) at 64,000 / 1,000; 0.139 ms; limit 20000."),
            "17.188 (0,87x) at 64.000 / 1.000; 0,139 ms; limit 20000."
        );
        assert_eq!(
            brazilian_numbers("p99 of lesson-03 on Linux 6.18.44-fc-v782 at 127.0.0.1:5050"),
            "p99 of lesson-03 on Linux 6.18.44-fc-v782 at 127.0.0.1:5050"
        );
    }

    #[test]
    fn a_table_in_portuguese_keeps_its_columns_aligned_and_its_server_names() {
        let english = format!(
            "Throughput, requests/s (ratio to baseline)\n{}",
            grid(
                &header("connections"),
                &[vec![
                    "64".into(),
                    "69,277 (1.00x)".into(),
                    "35,064 (0.51x)".into(),
                    "56,570 (0.82x)".into(),
                    "44,821 (0.65x)".into(),
                    "1,000 (0.01x)".into(),
                ]]
            )
        );
        let portuguese = in_portuguese(&english);
        let lines: Vec<&str> = portuguese.lines().collect();
        assert_eq!(
            lines[0],
            "Vazão, requisições/s (razão em relação à referência)"
        );
        assert!(
            lines[1].starts_with("conexões  baseline-server"),
            "{portuguese}"
        );
        assert!(
            lines[2].starts_with("64         69.277 (1,00x)"),
            "{portuguese}"
        );
        // Right-aligned columns end where their heading ends.
        assert_eq!(
            lines[1].chars().count(),
            lines[2].chars().count(),
            "{portuguese}"
        );
    }

    #[test]
    fn an_english_table_laid_out_again_is_unchanged() {
        let english = grid(
            &["students".into(), "a".into(), "b".into()],
            &[vec![
                "64,000 / 1,000".into(),
                "0.96x".into(),
                "1.29x".into(),
            ]],
        );
        let rows: Vec<Vec<String>> = english.lines().filter_map(columns).collect();
        assert_eq!(grid(&rows[0], &rows[1..]), english);
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(1234567.8), "1,234,568");
        assert_eq!(thousands(-4200.0), "-4,200");
        assert_eq!(thousands(f64::NAN), "n/a");
    }

    #[test]
    fn ratios_are_to_the_baseline() {
        assert_eq!(with_ratio(500.0, Some(1000.0), thousands), "500 (0.50x)");
        assert_eq!(with_ratio(500.0, None, thousands), "500");
    }

    #[test]
    fn the_grid_aligns_columns() {
        let text = grid(
            &["n".into(), "value".into()],
            &[
                vec!["1".into(), "10".into()],
                vec!["64".into(), "1,000".into()],
            ],
        );
        assert_eq!(text, "n   value\n1      10\n64  1,000\n");
    }
}
