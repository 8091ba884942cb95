//! # check: grade a roll-call server against PROTOCOL.md
//!
//! `check HOST:PORT` connects to a running server, written in any language,
//! and runs checks in six categories: requests and responses, bad input
//! and limits, framing, concurrency, order, times. Each check is worth some
//! points; each failure says what was sent, what was expected, what came
//! back, and which chapter of the book explains it. The exit status is 0
//! only when every check passes.
//!
//! `--repeat N` runs every check N times: a race may show in one run only,
//! and one is enough to lose the points. `--teams FILE --out DIR` grades a
//! whole class: it starts each team's server itself (see [`teams`]).
//!
//! It speaks the reader's language: Portuguese under a Portuguese locale
//! (`LANG=pt_BR.UTF-8`) or with `--lang pt-BR`, English otherwise; every
//! sentence is a message of `chamada/i18n/*/check.ftl`, and a failure
//! points to the chapter in the book of that language (in Portuguese, the
//! Portuguese edition's page, under its Portuguese title). What never
//! changes with the language, because scripts read it: the protocol lines
//! a report shows, the keys and category names of `--json`, and the header
//! of `--teams`' grades.csv. The text in their values (a check's name, what
//! was expected, an error) follows the language; `--lang en` gives English.
//!
//! It is safe to point at a server in use: it connects only to the address
//! given, keeps at most [`probe::MAX_OPEN`] connections open, gives every
//! read a deadline, uses class numbers picked at random above 3,000,000,000
//! and ends every roll call it opened. (To find a server's limits it opens
//! roll calls until the server says `full`, then ends them: for a moment a
//! real teacher's `START` may be refused.)

mod checks;
mod probe;
mod report;
mod teams;

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use chamada::i18n::cli::LangArg;
use chamada::{t, TeacherKey};
use clap::Parser;

use checks::Ctx;
use probe::Probe;
use report::{Outcome, Report};

/// Grades a roll-call server (any language) against PROTOCOL.md: checks in
/// six categories, with points, and for each failure what was sent, what
/// was expected, what came back, and which chapter of the book explains it.
/// Exit status: 0 when every check passes, 1 when some fail, 2 when the
/// server cannot be reached or the command line is wrong.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The server to check, e.g. 127.0.0.1:5050.
    #[arg(
        value_name = "HOST:PORT",
        required_unless_present = "teams",
        conflicts_with = "teams"
    )]
    server: Option<String>,
    /// The server serves one client at a time, like lesson 01: the
    /// concurrency checks then expect a second client to wait for the first.
    #[arg(long)]
    one_at_a_time: bool,
    /// Print the report as JSON, for scripts.
    #[arg(long)]
    json: bool,
    /// The server has a teacher key: read it from the environment variable
    /// CHAMADA_TEACHER_KEY (never from the command line, where anyone on
    /// the machine could see it). It is never printed. With --teams, every
    /// team's server is started with that key in its CHAMADA_TEACHER_KEY.
    #[arg(long)]
    teacher_key: bool,
    /// How long to wait for any response before calling the server hung.
    #[arg(long, value_name = "SECONDS", default_value_t = 2,
          value_parser = whole_number(1, 30))]
    timeout: u64,
    /// Run every check N times; a check passes only if it passes every
    /// time, and the report says in how many runs each failure showed.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = whole_number(1, 1000))]
    repeat: u64,
    /// Grade a class: FILE has one team per line, `NAME COMMAND...`. check
    /// runs each COMMAND (with `{port}` replaced by a free port on
    /// 127.0.0.1) through `sh -c` in a fresh temporary folder, grades the
    /// server it starts there, and stops it. Unix only.
    #[arg(long, value_name = "FILE", requires = "out")]
    teams: Option<PathBuf>,
    /// With --teams: the folder for grades.csv, TEAM.json and TEAM.log
    /// (each team's server output).
    #[arg(long, value_name = "DIR", requires = "teams")]
    out: Option<PathBuf>,
    /// With --teams: how long a team's server has to start listening.
    #[arg(long, value_name = "SECONDS", default_value_t = 10,
          value_parser = whole_number(1, 600))]
    start_within: u64,
    /// With --teams: the most a team's server may run, grading included;
    /// then its whole process group is killed.
    #[arg(long, value_name = "SECONDS", default_value_t = 300,
          value_parser = whole_number(1, 86400))]
    time_limit: u64,
    #[command(flatten)]
    lang: LangArg,
}

/// A parser for an option that takes a whole number from `low` to `high`,
/// which says what is wrong in the reader's language (clap's own range
/// check would say it in English).
fn whole_number(low: u64, high: u64) -> impl Fn(&str) -> Result<u64, String> + Clone {
    move |text| {
        let number: u64 = text.parse().map_err(|error: std::num::ParseIntError| {
            let kind = match error.kind() {
                std::num::IntErrorKind::Empty => "empty",
                std::num::IntErrorKind::PosOverflow => "too-large",
                _ => "invalid-digit",
            };
            t!("check-error-number", kind = kind, rust = error.to_string())
        })?;
        if (low..=high).contains(&number) {
            Ok(number)
        } else {
            Err(t!(
                "check-error-out-of-range",
                number = number.to_string(),
                low = low.to_string(),
                high = high.to_string()
            ))
        }
    }
}

/// How to grade: what every run needs besides the server's address.
pub struct Settings {
    /// The teacher key, if the servers have one.
    pub key: Option<TeacherKey>,
    /// How long a read waits.
    pub timeout: Duration,
    /// The servers serve one client at a time.
    pub one_at_a_time: bool,
    /// How many times to run every check.
    pub repeat: u32,
}

fn main() -> ExitCode {
    // --help, the command line's errors and every message in the reader's
    // language (see chamada/i18n/*/check.ftl).
    let args: Args = chamada::i18n::cli::parse("check");
    let settings = match settings(&args) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("check: {message}");
            return ExitCode::from(2);
        }
    };
    if let (Some(file), Some(out)) = (&args.teams, &args.out) {
        let limits = teams::Limits {
            start_within: Duration::from_secs(args.start_within),
            time_limit: Duration::from_secs(args.time_limit),
        };
        return match teams::grade_class(file, out, &settings, &limits) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("check: {message}");
                ExitCode::from(2)
            }
        };
    }
    let server = args.server.clone().unwrap_or_default();
    match grade(&server, &settings) {
        Ok(report) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            } else {
                print!("{}", report.text());
                if !report.passed {
                    print_book_hint();
                }
            }
            if report.passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(message) => {
            if args.json {
                let error = serde_json::json!({ "server": server, "error": message });
                println!("{error}");
            }
            eprintln!("check: {message}");
            ExitCode::from(2)
        }
    }
}

/// Where the chapters a failure points to are, when they are pages of a
/// built edition of the book (book/book/...) rather than its sources: in
/// Portuguese, whose edition is built from book/po/pt-BR.po, a student
/// has to build it (or serve it) first. The English pointers lead to
/// book/src, which needs no building, so English says nothing more.
fn print_book_hint() {
    if t!("check-file-protocol").starts_with("book/book/") {
        println!("\n{}", t!("check-report-book-hint"));
    }
}

/// The settings the command line asks for, or why they cannot be had.
fn settings(args: &Args) -> Result<Settings, String> {
    let key = if args.teacher_key {
        let text =
            std::env::var("CHAMADA_TEACHER_KEY").map_err(|_| t!("check-error-key-not-set"))?;
        // The message never repeats the key.
        Some(TeacherKey::parse(&text).ok_or_else(|| t!("check-error-key-invalid"))?)
    } else {
        None
    };
    Ok(Settings {
        key,
        timeout: Duration::from_secs(args.timeout),
        one_at_a_time: args.one_at_a_time,
        repeat: args.repeat as u32,
    })
}

/// Runs every check `settings.repeat` times against `server`, or says why
/// it could not start.
pub fn grade(server: &str, settings: &Settings) -> Result<Report, String> {
    let mut runs = Vec::new();
    for _ in 0..settings.repeat {
        runs.push(grade_once(server, settings)?);
    }
    Ok(Report::combine(runs))
}

/// Runs every check once.
fn grade_once(server: &str, settings: &Settings) -> Result<Report, String> {
    let addr = reachable(server, settings.timeout)?;
    let probe = Probe::new(addr, settings.timeout, settings.key.clone());
    let ctx = Ctx::new(probe, settings.one_at_a_time);
    let first_class = ctx.peek_class();

    let began = Instant::now();
    let checks = checks::all(settings.one_at_a_time, settings.key.is_some());
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
        server.to_owned(),
        settings.one_at_a_time,
        began.elapsed().as_secs_f64(),
        [first_class, last_class],
        &outcomes,
    ))
}

/// The points a run can score, per category, with these settings: what a
/// team whose server never started scores 0 out of.
pub fn most_points(settings: &Settings) -> Vec<(checks::Category, u32)> {
    let checks = checks::all(settings.one_at_a_time, settings.key.is_some());
    checks::Category::ALL
        .into_iter()
        .map(|category| {
            let points = checks.iter().filter(|c| c.category == category);
            (category, points.map(|c| c.points).sum())
        })
        .filter(|(_, points)| *points > 0)
        .collect()
}

/// The address `server` names, if a server answers there.
fn reachable(server: &str, timeout: Duration) -> Result<SocketAddr, String> {
    let addr = server
        .to_socket_addrs()
        .map_err(|error| {
            let server = format!("{server:?}");
            t!(
                "check-error-not-host-port",
                server = server,
                error = probe::io_error(&error)
            )
        })?
        .next()
        .ok_or_else(|| t!("check-error-no-address", server = server))?;
    TcpStream::connect_timeout(&addr, timeout).map_err(|error| {
        t!(
            "check-error-cannot-connect",
            addr = addr.to_string(),
            error = probe::io_error(&error)
        )
    })?;
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
        if conn.expect(&t!("check-expect-any"), |_| true).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chamada::i18n;
    use clap::CommandFactory;

    /// Every text of `--help` comes from the catalogue, in both languages.
    #[test]
    fn every_help_text_has_its_message() {
        i18n::cli::localize(Args::command(), "check").debug_assert();
        for id in i18n::cli::message_ids(&Args::command(), "check") {
            for lang in i18n::Lang::ALL {
                assert!(
                    i18n::try_text_in(lang, &id, None).is_ok(),
                    "no {id} in {lang:?}"
                );
            }
        }
    }

    /// Every check's name is a message, in both languages: a check added
    /// with its English sentence in the code, not in check.ftl, fails here.
    #[test]
    fn every_check_has_its_name_in_the_catalogue() {
        for check in checks::all(false, true)
            .iter()
            .chain(&checks::all(true, true))
        {
            for lang in i18n::Lang::ALL {
                assert!(
                    i18n::try_text_in(lang, check.name, None).is_ok(),
                    "no {} in {lang:?}",
                    check.name
                );
            }
        }
    }
}
