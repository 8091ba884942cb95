//! # check: grade a roll-call server against PROTOCOL.md
//!
//! `check HOST:PORT` connects to a running server, written in any language,
//! and runs checks in five categories: requests and responses, bad input
//! and limits, framing, concurrency, order. Each check is worth some points;
//! each failure says what was sent, what was expected, what came back, and
//! which chapter of the book explains it. The exit status is 0 only when
//! every check passes.
//!
//! It is safe to point at a server in use: it connects only to the address
//! given, keeps at most [`probe::MAX_OPEN`] connections open, gives every
//! read a deadline, uses class numbers picked at random above 3,000,000,000
//! and ends every roll call it opened.

mod checks;
mod probe;
mod report;

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use chamada::TeacherKey;
use clap::Parser;

use checks::Ctx;
use probe::Probe;
use report::{Outcome, Report};

/// Grades a roll-call server (any language) against PROTOCOL.md: checks in
/// five categories, with points, and for each failure what was sent, what
/// was expected, what came back, and which chapter of the book explains it.
/// Exit status: 0 when every check passes, 1 when some fail, 2 when the
/// server cannot be reached or the command line is wrong.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The server to check, e.g. 127.0.0.1:5050.
    #[arg(value_name = "HOST:PORT")]
    server: String,
    /// The server serves one client at a time, like lesson 01: the
    /// concurrency checks then expect a second client to wait for the first.
    #[arg(long)]
    one_at_a_time: bool,
    /// Print the report as JSON, for scripts.
    #[arg(long)]
    json: bool,
    /// The server has a teacher key: read it from the environment variable
    /// CHAMADA_TEACHER_KEY (never from the command line, where anyone on
    /// the machine could see it). It is never printed.
    #[arg(long)]
    teacher_key: bool,
    /// How long to wait for any response before calling the server hung.
    #[arg(long, value_name = "SECONDS", default_value_t = 2,
          value_parser = clap::value_parser!(u64).range(1..=30))]
    timeout: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match grade(&args) {
        Ok(report) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            } else {
                print!("{}", report.text());
            }
            if report.passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(message) => {
            if args.json {
                let error = serde_json::json!({ "server": args.server, "error": message });
                println!("{error}");
            }
            eprintln!("check: {message}");
            ExitCode::from(2)
        }
    }
}

/// Runs every check, or says why it could not start.
fn grade(args: &Args) -> Result<Report, String> {
    let key = if args.teacher_key {
        let text = std::env::var("CHAMADA_TEACHER_KEY").map_err(|_| {
            "--teacher-key reads the key from the environment variable CHAMADA_TEACHER_KEY, \
             which is not set"
                .to_owned()
        })?;
        // The message never repeats the key.
        Some(TeacherKey::parse(&text).ok_or(
            "CHAMADA_TEACHER_KEY: a teacher key is 1 to 64 printable ASCII characters \
             without spaces",
        )?)
    } else {
        None
    };
    let timeout = Duration::from_secs(args.timeout);
    let addr = reachable(&args.server, timeout)?;
    let ctx = Ctx::new(Probe::new(addr, timeout, key.clone()), args.one_at_a_time);
    let first_class = ctx.peek_class();

    let began = Instant::now();
    let checks = checks::all(args.one_at_a_time, key.is_some());
    let outcomes: Vec<Outcome<'_>> = checks
        .iter()
        .map(|check| {
            ctx.probe.clear_log();
            let began = Instant::now();
            let result = (check.run)(&ctx);
            Outcome {
                check,
                result,
                seconds: began.elapsed().as_secs_f64(),
            }
        })
        .collect();
    end_left_open(&ctx.probe);
    let last_class = ctx.peek_class() - 1;
    Ok(Report::new(
        args.server.clone(),
        args.one_at_a_time,
        began.elapsed().as_secs_f64(),
        [first_class, last_class],
        &outcomes,
    ))
}

/// The address `server` names, if a server answers there.
fn reachable(server: &str, timeout: Duration) -> Result<SocketAddr, String> {
    let addr = server
        .to_socket_addrs()
        .map_err(|error| format!("{server:?} is not HOST:PORT ({error})"))?
        .next()
        .ok_or_else(|| format!("{server} has no address"))?;
    TcpStream::connect_timeout(&addr, timeout)
        .map_err(|error| format!("cannot connect to {addr}: {error}; is the server running?"))?;
    Ok(addr)
}

/// Ends every roll call a failed check left open, so that nothing of
/// `check`'s stays behind on the server. Stops at the first sign of trouble:
/// a hanging server is not waited on once per class.
fn end_left_open(probe: &Probe) {
    let classes = probe.left_open();
    if classes.is_empty() {
        return;
    }
    probe.clear_log();
    let Ok(mut conn) = probe.teacher("") else {
        return;
    };
    for class in classes {
        if conn.send(&format!("END {class}")).is_err() {
            return;
        }
        // Any response will do; reading it notes an ENDED.
        if conn.expect("a response", |_| true).is_err() {
            return;
        }
    }
}
