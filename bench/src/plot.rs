//! The charts: SVG line charts drawn with plotters, one line per server.
//!
//! Connection counts and class sizes grow by doubling, so the x axes are
//! logarithmic (in base 2: each step to the right is twice as many);
//! latency spans microseconds to seconds (lesson 01's waiting clients), so
//! its y axis is logarithmic too. Only what was measured is marked: each
//! measurement is a dot, and the x axis has a tick only where something was
//! measured (the throughput runs use 1, 16 and 64 connections, so there are
//! no ticks at 2, 4, 8 or 32 to suggest otherwise).
//!
//! The charts are drawn from [`Figures`], which a run's [`Results`] give,
//! and so does the `results.csv` it wrote: `bench --plot-from` redraws the
//! charts of an earlier run without measuring again.

use std::collections::BTreeMap;
use std::path::Path;

use plotters::coord::ranged1d::{
    AsRangedCoord, DefaultFormatting, KeyPointHint, Ranged, ValueFormatter,
};
use plotters::prelude::*;

use crate::report::{in_portuguese, Language};
use crate::scenarios::{Results, CONTENDERS};
use crate::stats::micros;

/// One colour per server, in the order of [`CONTENDERS`]: the baseline in
/// grey, so the lessons stand out against it.
const COLOURS: [RGBColor; 5] = [
    RGBColor(128, 128, 128),
    RGBColor(214, 39, 40),
    RGBColor(31, 119, 180),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
];

/// One chart's lines: each server's name and its measured points, (x, y).
pub type Lines = Vec<(&'static str, Vec<(f64, f64)>)>;

/// Everything the charts show, one line per server in [`CONTENDERS`] order.
#[derive(Debug, PartialEq)]
pub struct Figures {
    /// Requests per second of the median run, by connections.
    pub throughput: Lines,
    /// p99 latency in µs of that same run, by connections.
    pub latency_p99: Lines,
    /// µs per request filling one class, by class size.
    pub class_size: Lines,
}

impl Figures {
    /// The figures of a run just measured.
    pub fn of(results: &Results) -> Figures {
        let mut connections: Vec<usize> =
            results.throughput.iter().map(|r| r.connections).collect();
        connections.sort_unstable();
        connections.dedup();
        let by_connections = |figure: fn(&crate::loadgen::Outcome) -> f64| -> Lines {
            CONTENDERS
                .iter()
                .map(|c| {
                    let points = connections
                        .iter()
                        .filter_map(|&n| crate::report::median_run(results, c.name, n))
                        .map(|run| (run.connections as f64, figure(&run.outcome)))
                        .collect();
                    (c.name, points)
                })
                .collect()
        };
        let class_size = CONTENDERS
            .iter()
            .map(|c| {
                let points = results
                    .sweep
                    .iter()
                    .filter(|p| p.server == c.name)
                    .map(|p| (p.class_size as f64, p.micros_per_request))
                    .collect();
                (c.name, points)
            })
            .collect();
        Figures {
            throughput: by_connections(|o| o.throughput()),
            latency_p99: by_connections(|o| micros(o.latencies.percentile(99.0))),
            class_size,
        }
    }

    /// The same figures, read back from the `results.csv` a run wrote
    /// (`scenario,server,x,run,metric,value`). The median run is chosen as
    /// [`crate::report::median_run`] chooses it: by throughput, the lower
    /// middle one when the count is even.
    pub fn from_csv(text: &str) -> Result<Figures, String> {
        // (server, connections) -> each run's (requests/s, p99), in file order.
        let mut runs: BTreeMap<(String, u64), BTreeMap<u64, (f64, f64)>> = BTreeMap::new();
        let mut sweep: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
        for (number, line) in text.lines().enumerate().skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            let [scenario, server, x, run, metric, value] = fields[..] else {
                return Err(format!("line {}: expected 6 fields: {line}", number + 1));
            };
            let bad = |what: &str| format!("line {}: {what} is not a number: {line}", number + 1);
            let x: u64 = x.parse().map_err(|_| bad("x"))?;
            let run: u64 = run.parse().map_err(|_| bad("run"))?;
            let value: f64 = value.parse().map_err(|_| bad("value"))?;
            match (scenario, metric) {
                ("throughput", "requests_per_s") => {
                    let entry = runs.entry((server.to_owned(), x)).or_default();
                    entry.entry(run).or_insert((f64::NAN, f64::NAN)).0 = value;
                }
                ("throughput", "p99_us") => {
                    let entry = runs.entry((server.to_owned(), x)).or_default();
                    entry.entry(run).or_insert((f64::NAN, f64::NAN)).1 = value;
                }
                ("class_size", "us_per_request") => {
                    sweep
                        .entry(server.to_owned())
                        .or_default()
                        .push((x as f64, value));
                }
                _ => {}
            }
        }
        let mut throughput = Lines::new();
        let mut latency_p99 = Lines::new();
        let mut class_size = Lines::new();
        for contender in CONTENDERS {
            let mut rate = Vec::new();
            let mut p99 = Vec::new();
            for ((server, x), by_run) in &runs {
                if server != contender.name {
                    continue;
                }
                let mut figures: Vec<(f64, f64)> = by_run.values().copied().collect();
                figures.sort_by(|a, b| a.0.total_cmp(&b.0));
                if let Some(&(r, p)) = figures.get(figures.len().saturating_sub(1) / 2) {
                    rate.push((*x as f64, r));
                    p99.push((*x as f64, p));
                }
            }
            let mut sizes = sweep.remove(contender.name).unwrap_or_default();
            sizes.sort_by(|a, b| a.0.total_cmp(&b.0));
            throughput.push((contender.name, rate));
            latency_p99.push((contender.name, p99));
            class_size.push((contender.name, sizes));
        }
        Ok(Figures {
            throughput,
            latency_p99,
            class_size,
        })
    }
}

/// What one chart shows.
struct Chart<'a> {
    /// Its file name in the output folder.
    file: &'a str,
    /// The caption above it.
    title: &'a str,
    /// The x axis's label.
    x_label: &'a str,
    /// The y axis's label.
    y_label: &'a str,
    /// One line per server: its name and its points.
    lines: Lines,
    /// Where the legend goes: a corner the lines leave empty.
    legend: SeriesLabelPosition,
    /// The language of its words and numbers.
    language: Language,
}

impl Chart<'_> {
    fn x_range(&self) -> (f64, f64) {
        bounds(self.measured_x().into_iter())
    }

    /// Every x at which some server was measured, smallest first, once each.
    fn measured_x(&self) -> Vec<f64> {
        let mut xs: Vec<f64> = self
            .lines
            .iter()
            .flat_map(|(_, points)| points.iter().map(|p| p.0))
            .filter(|x| x.is_finite() && *x > 0.0)
            .collect();
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        xs
    }

    fn y_max(&self) -> f64 {
        bounds(
            self.lines
                .iter()
                .flat_map(|(_, points)| points.iter().map(|p| p.1)),
        )
        .1
    }

    fn y_min(&self) -> f64 {
        bounds(
            self.lines
                .iter()
                .flat_map(|(_, points)| points.iter().map(|p| p.1)),
        )
        .0
    }
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

/// The words of the charts in one language: every label a chart shows,
/// in one place for both languages (server names are names, never
/// translated).
struct Words {
    throughput: &'static str,
    latency: &'static str,
    class_size: &'static str,
    connections: &'static str,
    requests_per_second: &'static str,
    p99_micros: &'static str,
    students: &'static str,
    micros_per_request: &'static str,
}

impl Words {
    fn of(language: Language) -> Words {
        match language {
            Language::English => Words {
                throughput: "Throughput by connections (higher is better)",
                latency: "Latency p99 by connections (lower is better)",
                class_size: "Cost per request by class size, one connection (lower is better)",
                connections: "student connections, lockstep",
                requests_per_second: "requests per second",
                p99_micros: "p99 latency, µs (log scale)",
                students: "students in the class",
                micros_per_request: "µs per request",
            },
            Language::Portuguese => Words {
                throughput: "Vazão por número de conexões (mais é melhor)",
                latency: "Latência p99 por número de conexões (menos é melhor)",
                class_size: "Custo por requisição e tamanho da turma, 1 conexão (menos é melhor)",
                connections: "conexões de alunos, em sincronia",
                requests_per_second: "requisições por segundo",
                p99_micros: "latência p99, µs (escala logarítmica)",
                students: "alunos na turma",
                micros_per_request: "µs por requisição",
            },
        }
    }
}

/// The tables bench writes in English, which [`draw_figures`] also writes
/// in Portuguese beside the Portuguese charts.
const TABLES: [&str; 2] = ["table.txt", "durability.txt"];

/// Draws every chart of a run into `dir`; returns the files written.
pub fn draw_all(results: &Results, dir: &Path) -> Result<Vec<String>, String> {
    draw_figures(Figures::of(results), dir)
}

/// Draws every chart of `figures` into `dir` in English, and into
/// `dir/pt-BR` in Portuguese, where it also writes the Portuguese copy of
/// the tables already in `dir` (the book's Portuguese edition shows those).
/// Returns the files written.
pub fn draw_figures(figures: Figures, dir: &Path) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    for language in Language::ALL {
        let folder = dir.join(language.folder());
        std::fs::create_dir_all(&folder)
            .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
        for file in draw_charts(&figures, &folder, language)? {
            written.push(Path::new(language.folder()).join(file));
        }
        if language == Language::English {
            continue;
        }
        for table in TABLES {
            let Ok(english) = std::fs::read_to_string(dir.join(table)) else {
                continue; // this run wrote no such table
            };
            let path = folder.join(table);
            std::fs::write(&path, in_portuguese(&english))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            written.push(Path::new(language.folder()).join(table));
        }
    }
    Ok(written
        .iter()
        .map(|path| path.to_string_lossy().replace('\\', "/"))
        .collect())
}

/// Draws the three charts in one language into `folder`.
fn draw_charts(
    figures: &Figures,
    folder: &Path,
    language: Language,
) -> Result<Vec<&'static str>, String> {
    let words = Words::of(language);
    let throughput = Chart {
        file: "throughput.svg",
        title: words.throughput,
        x_label: words.connections,
        y_label: words.requests_per_second,
        lines: figures.throughput.clone(),
        legend: SeriesLabelPosition::LowerRight,
        language,
    };
    let latency = Chart {
        file: "latency-p99.svg",
        title: words.latency,
        x_label: words.connections,
        y_label: words.p99_micros,
        lines: figures.latency_p99.clone(),
        legend: SeriesLabelPosition::UpperLeft,
        language,
    };
    let sweep = Chart {
        file: "class-size.svg",
        title: words.class_size,
        x_label: words.students,
        y_label: words.micros_per_request,
        lines: figures.class_size.clone(),
        legend: SeriesLabelPosition::LowerRight,
        language,
    };
    let y_top = |chart: &Chart| chart.y_max() * 1.15;
    draw(folder, &throughput, 0.0..y_top(&throughput))?;
    draw(
        folder,
        &latency,
        (latency.y_min() / 2.0..latency.y_max() * 2.0).log_scale(),
    )?;
    draw(folder, &sweep, 0.0..y_top(&sweep))?;
    Ok(vec![throughput.file, latency.file, sweep.file])
}

/// Draws one chart with a logarithmic x axis and the given y axis.
fn draw<Y>(dir: &Path, chart: &Chart, y: Y) -> Result<(), String>
where
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let path = dir.join(chart.file);
    let fail = |error: &dyn std::fmt::Display| format!("drawing {}: {error}", path.display());
    let area = SVGBackend::new(&path, (720, 420)).into_drawing_area();
    area.fill(&WHITE).map_err(|e| fail(&e))?;
    // The x axis counts doublings from the smallest value: x = log2(value /
    // smallest). It has a tick, labelled with the value, at each x where
    // something was measured, and nowhere else.
    let (base, top) = chart.x_range();
    let (lo, hi) = (0.0, (top / base).log2().max(1.0));
    let ticks: Vec<f64> = chart
        .measured_x()
        .iter()
        .map(|x| (x / base).log2())
        .collect();
    let mut plot = ChartBuilder::on(&area)
        .caption(chart.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(
            MeasuredAt {
                range: lo - 0.2..hi + 0.2,
                ticks,
            },
            y,
        )
        .map_err(|e| fail(&e))?;
    plot.configure_mesh()
        .x_desc(chart.x_label)
        .y_desc(chart.y_label)
        .x_label_formatter(&|x| doubling_label(*x, base, chart.language))
        .y_label_formatter(&|y| axis_number(*y, chart.language))
        .light_line_style(WHITE)
        .draw()
        .map_err(|e| fail(&e))?;
    for ((name, points), colour) in chart.lines.iter().zip(COLOURS) {
        if points.is_empty() {
            continue; // not measured in this run: no line, and no legend entry
        }
        let style = colour.stroke_width(2);
        let points = points.iter().map(|&(x, y)| ((x / base).log2(), y));
        plot.draw_series(LineSeries::new(points, style).point_size(3))
            .map_err(|e| fail(&e))?
            .label(*name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
    }
    plot.configure_series_labels()
        .position(chart.legend.clone())
        .border_style(BLACK)
        .background_style(WHITE.mix(0.85))
        .draw()
        .map_err(|e| fail(&e))?;
    area.present().map_err(|e| fail(&e))
}

/// A linear x axis whose ticks are exactly the given positions: where
/// something was measured. (plotters' own `with_key_points` does the same,
/// but its result cannot take a label formatter for `f64`.)
struct MeasuredAt {
    range: std::ops::Range<f64>,
    ticks: Vec<f64>,
}

impl Ranged for MeasuredAt {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let share = (value - self.range.start) / (self.range.end - self.range.start);
        limit.0 + (f64::from(limit.1 - limit.0) * share).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.ticks.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.clone()
    }
}

/// An axis label: whole numbers with thousands separated, small ones with
/// at most one decimal, written the way `language` writes numbers.
fn axis_number(value: f64, language: Language) -> String {
    let english = if value.abs() >= 100.0 || value.fract() == 0.0 {
        crate::report::thousands(value)
    } else {
        format!("{value:.1}")
    };
    language.numbers(&english)
}

/// The label of an x position counted in doublings from `base`: the value
/// measured there.
fn doubling_label(x: f64, base: f64, language: Language) -> String {
    axis_number((base * 2f64.powf(x)).round(), language)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doublings_are_labelled_with_their_value() {
        let labels: Vec<String> = [0.0, 4.0, 6.0, 16f64.log2() + 0.5]
            .into_iter()
            .map(|x| doubling_label(x, 1.0, Language::English))
            .collect();
        assert_eq!(labels, ["1", "16", "64", "23"]);
        assert_eq!(doubling_label(6.0, 1000.0, Language::English), "64,000");
        assert_eq!(doubling_label(6.0, 1000.0, Language::Portuguese), "64.000");
        assert_eq!(axis_number(12.5, Language::Portuguese), "12,5");
    }

    /// A chart of the throughput runs (1, 16 and 64 connections).
    fn measured_at(xs: &[f64]) -> Chart<'static> {
        Chart {
            file: "t.svg",
            title: "t",
            x_label: "x",
            y_label: "y",
            lines: vec![
                ("a", xs.iter().map(|&x| (x, 1.0)).collect()),
                ("b", xs.iter().rev().map(|&x| (x, 2.0)).collect()),
            ],
            legend: SeriesLabelPosition::LowerRight,
            language: Language::English,
        }
    }

    #[test]
    fn each_language_gets_its_charts_and_a_server_not_measured_gets_no_legend() {
        let dir = std::env::temp_dir().join(format!("chamada-plot-{}", std::process::id()));
        let line = |name, y| (name, vec![(1.0, y), (16.0, y * 2.0), (64.0, y * 3.0)]);
        let lines: Lines = vec![
            line("baseline-server", 1000.0),
            ("lesson-01-blocking", vec![]),
        ];
        let figures = Figures {
            throughput: lines.clone(),
            latency_p99: lines.clone(),
            class_size: lines,
        };
        let written = draw_figures(figures, &dir).unwrap();
        assert!(
            written.contains(&"pt-BR/throughput.svg".to_owned()),
            "{written:?}"
        );
        let english = std::fs::read_to_string(dir.join("throughput.svg")).unwrap();
        let portuguese = std::fs::read_to_string(dir.join("pt-BR/throughput.svg")).unwrap();
        assert!(english.contains("requests per second") && english.contains("3,000"));
        assert!(portuguese.contains("requisições por segundo") && portuguese.contains("3.000"));
        assert!(english.contains("baseline-server"));
        assert!(
            !english.contains("lesson-01-blocking"),
            "no line, so no legend entry"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_x_axis_has_ticks_only_where_something_was_measured() {
        assert_eq!(
            measured_at(&[1.0, 16.0, 64.0]).measured_x(),
            [1.0, 16.0, 64.0]
        );
    }

    #[test]
    fn the_csv_gives_back_the_median_run_and_the_sweep() {
        let csv = "scenario,server,x,run,metric,value
throughput,baseline-server,16,0,requests_per_s,300.000
throughput,baseline-server,16,0,p99_us,30.000
throughput,baseline-server,16,1,requests_per_s,100.000
throughput,baseline-server,16,1,p99_us,10.000
throughput,baseline-server,16,2,requests_per_s,200.000
throughput,baseline-server,16,2,p99_us,20.000
throughput,baseline-server,1,0,requests_per_s,50.000
throughput,baseline-server,1,0,p99_us,NaN
class_size,baseline-server,2000,0,us_per_request,27.500
class_size,baseline-server,1000,0,us_per_request,26.000
class_size,baseline-server,1000,0,repeats,16.000
idle,baseline-server,1000,0,threads,1001.000
";
        let figures = Figures::from_csv(csv).unwrap();
        let baseline = |lines: &Lines| lines[0].1.clone();
        assert_eq!(figures.throughput[0].0, "baseline-server");
        assert_eq!(baseline(&figures.throughput), [(1.0, 50.0), (16.0, 200.0)]);
        assert_eq!(baseline(&figures.latency_p99)[1], (16.0, 20.0));
        assert!(baseline(&figures.latency_p99)[0].1.is_nan());
        assert_eq!(
            baseline(&figures.class_size),
            [(1000.0, 26.0), (2000.0, 27.5)]
        );
        assert!(figures.throughput[1].1.is_empty(), "no runs of lesson 01");
        assert!(Figures::from_csv("header\nthroughput,x").is_err());
    }
}
