//! # chamada-bench: measuring the lessons
//!
//! The tools behind the book's chapter "Measuring":
//!
//! | module | what it holds |
//! |---|---|
//! | [`stats`] | latency percentiles and the other summary figures |
//! | [`loadgen`] | the load generator: student connections sending `PRESENT` in lockstep or pipelined, and the check that nothing was lost |
//! | [`process`] | starting a server binary as a real process, and reading its memory and CPU time |
//! | [`limits`] | raising the open-file limit, so 10,000 connections fit |
//! | [`scenarios`] | what the `bench` binary measures, server by server |
//! | [`staircase`] | lesson 02 and each step of lesson 03, in memory, as ratios to the baseline |
//! | [`durability`] | lesson 03 with its journal: group commit against a sync per request, and the disk's sync time |
//! | [`report`] | the printed table (ratios to the baseline) and the CSV of raw figures |
//! | [`plot`] | the SVG charts |
//!
//! Three binaries use them: `loadgen` (one load run against a server you
//! started), `baseline-server` (the do-nothing server every figure is
//! compared with) and `bench` (everything, side by side, in one run).

pub mod durability;
pub mod limits;
pub mod loadgen;
pub mod plot;
pub mod process;
pub mod report;
pub mod scenarios;
pub mod staircase;
pub mod stats;
