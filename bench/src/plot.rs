//! The charts: SVG line charts drawn with plotters, one line per server.
//!
//! Connection counts and class sizes grow by doubling, so the x axes are
//! logarithmic (in base 2: each step to the right is twice as many); latency spans microseconds to seconds (lesson 01's waiting
//! clients), so its y axis is logarithmic too.

use std::path::Path;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

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
    lines: Vec<(&'static str, Vec<(f64, f64)>)>,
    /// Where the legend goes: a corner the lines leave empty.
    legend: SeriesLabelPosition,
}

impl Chart<'_> {
    fn x_range(&self) -> (f64, f64) {
        bounds(
            self.lines
                .iter()
                .flat_map(|(_, points)| points.iter().map(|p| p.0)),
        )
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

/// Draws every chart into `dir`; returns the files written.
pub fn draw_all(results: &Results, dir: &Path) -> Result<Vec<String>, String> {
    let mut connections: Vec<usize> = results.throughput.iter().map(|r| r.connections).collect();
    connections.sort_unstable();
    connections.dedup();
    let by_connections = |figure: fn(&crate::loadgen::Outcome) -> f64| {
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
    let throughput = Chart {
        file: "throughput.svg",
        title: "Throughput by connections (higher is better)",
        x_label: "student connections, lockstep",
        y_label: "requests per second",
        lines: by_connections(|o| o.throughput()),
        legend: SeriesLabelPosition::LowerRight,
    };
    let latency = Chart {
        file: "latency-p99.svg",
        title: "Latency p99 by connections (lower is better)",
        x_label: "student connections, lockstep",
        y_label: "p99 latency, µs (log scale)",
        lines: by_connections(|o| micros(o.latencies.percentile(99.0))),
        legend: SeriesLabelPosition::UpperLeft,
    };
    let sweep = Chart {
        file: "class-size.svg",
        title: "Cost per request by class size, one connection (lower is better)",
        x_label: "students in the class",
        y_label: "µs per request",
        lines: CONTENDERS
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
            .collect(),
        legend: SeriesLabelPosition::LowerRight,
    };
    let y_top = |chart: &Chart| chart.y_max() * 1.15;
    draw(dir, &throughput, 0.0..y_top(&throughput))?;
    draw(
        dir,
        &latency,
        (latency.y_min() / 2.0..latency.y_max() * 2.0).log_scale(),
    )?;
    draw(dir, &sweep, 0.0..y_top(&sweep))?;
    Ok(vec![
        throughput.file.into(),
        latency.file.into(),
        sweep.file.into(),
    ])
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
    // smallest). Whole steps are 1, 2, 4, 8 ... times the smallest value,
    // and only those are labelled.
    let (base, top) = chart.x_range();
    let (lo, hi) = (0.0, (top / base).log2().ceil().max(1.0));
    let mut plot = ChartBuilder::on(&area)
        .caption(chart.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(lo - 0.2..hi + 0.2, y)
        .map_err(|e| fail(&e))?;
    plot.configure_mesh()
        .x_desc(chart.x_label)
        .y_desc(chart.y_label)
        .x_labels((hi - lo) as usize + 1)
        .x_label_formatter(&|x| doubling_label(*x, base))
        .y_label_formatter(&|y| axis_number(*y))
        .light_line_style(WHITE)
        .draw()
        .map_err(|e| fail(&e))?;
    for ((name, points), colour) in chart.lines.iter().zip(COLOURS) {
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

/// An axis label: whole numbers with thousands separated, small ones with
/// at most one decimal.
fn axis_number(value: f64) -> String {
    if value.abs() >= 100.0 || value.fract() == 0.0 {
        crate::report::thousands(value)
    } else {
        format!("{value:.1}")
    }
}

/// The label of an x position counted in doublings: the value itself at
/// whole steps, nothing between them.
fn doubling_label(x: f64, base: f64) -> String {
    if (x - x.round()).abs() < 1e-6 {
        axis_number(base * 2f64.powf(x.round()))
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doublings_are_labelled_with_their_value() {
        let labels: Vec<String> = [0.0, 0.5, 4.0, 6.0]
            .into_iter()
            .map(|x| doubling_label(x, 1.0))
            .collect();
        assert_eq!(labels, ["1", "", "16", "64"]);
        assert_eq!(doubling_label(6.0, 1000.0), "64,000");
    }
}
