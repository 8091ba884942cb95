//! Grading a class: `check --teams FILE --out DIR`.
//!
//! FILE has one team per line, `NAME COMMAND...` (blank lines and lines
//! starting with `#` are skipped). For each team, one after the other,
//! `check`:
//!
//! 1. picks a free port on 127.0.0.1 and puts it where the command says
//!    `{port}`;
//! 2. runs the command through `sh -c`, in a fresh temporary folder, in a
//!    process group of its own, its output going to `DIR/NAME.log`;
//! 3. waits (10 s unless told otherwise) for something to listen on the
//!    port: a server that never does scores 0, with the reason;
//! 4. grades it, as `check 127.0.0.1:PORT` would;
//! 5. stops the whole process group (SIGTERM, then SIGKILL a second
//!    later), whether the server answered, hung or died, and at the latest
//!    when the time limit is up.
//!
//! Then it writes `DIR/grades.csv` (one row per team: score, max, each
//! category, the failed checks, and the error for a server that never
//! started), `DIR/NAME.json` (the team's full report) and prints a summary.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::Duration;

use chamada::t;

use crate::report::Report;
use crate::Settings;

/// How long a team's server may take.
pub struct Limits {
    /// To start listening.
    pub start_within: Duration,
    /// In all, grading included.
    pub time_limit: Duration,
}

/// One line of the teams file.
#[derive(Debug, PartialEq, Eq)]
pub struct Team {
    /// The team's name: letters, digits, `-`, `_` and `.`; it names files.
    pub name: String,
    /// What starts its server, `{port}` where the port goes.
    pub command: String,
}

/// What became of one team.
struct Graded {
    team: Team,
    /// The report, or why there is none.
    outcome: Result<Report, String>,
    /// What was wrong with how the server started, if anything, though it
    /// listened: PROTOCOL.md's start-up contract (not scored).
    start_up: Option<String>,
}

/// Reads a teams file's text: one team per line.
pub fn parse_teams(text: &str) -> Result<Vec<Team>, String> {
    let mut teams: Vec<Team> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |why: String| t!("check-teams-at-line", line = number + 1, why = why);
        let (name, command) = line
            .split_once(char::is_whitespace)
            .ok_or_else(|| at(t!("check-teams-no-command")))?;
        let valid = !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !valid {
            let name = format!("{name:?}");
            return Err(at(t!("check-teams-bad-name", name = name)));
        }
        if teams.iter().any(|t| t.name == name) {
            return Err(at(t!("check-teams-twice", name = name)));
        }
        teams.push(Team {
            name: name.to_owned(),
            command: command.trim().to_owned(),
        });
    }
    if teams.is_empty() {
        return Err(t!("check-teams-none"));
    }
    Ok(teams)
}

/// Grades every team in `file`, writing the results into `out`.
pub fn grade_class(
    file: &Path,
    out: &Path,
    settings: &Settings,
    limits: &Limits,
) -> Result<(), String> {
    let text = fs::read_to_string(file)
        .map_err(|error| cannot("check-error-cannot-read", file, &error))?;
    let teams = parse_teams(&text).map_err(|why| format!("{}: {why}", file.display()))?;
    fs::create_dir_all(out).map_err(|error| cannot("check-error-cannot-create", out, &error))?;
    let mut graded = Vec::new();
    for team in teams {
        eprintln!(
            "check: {}",
            t!("check-teams-grading", team = team.name.as_str())
        );
        let (outcome, start_up) = run::grade_team(&team, out, settings, limits);
        let result = Graded {
            team,
            outcome,
            start_up,
        };
        write_json(out, &result, settings)?;
        graded.push(result);
    }
    let csv = grades_csv(&graded, settings);
    let path = out.join("grades.csv");
    fs::write(&path, csv).map_err(|error| cannot("check-error-cannot-write", &path, &error))?;
    print!("{}", summary(&graded, settings));
    let path = path.display().to_string();
    println!("\n{}", t!("check-teams-grades-in", path = path));
    Ok(())
}

/// "cannot read FILE: why", and the like: `id` says what could not be done.
pub fn cannot(id: &str, path: &Path, error: &std::io::Error) -> String {
    let path = path.display().to_string();
    t!(id, path = path, error = crate::probe::io_error(error))
}

fn write_json(out: &Path, graded: &Graded, settings: &Settings) -> Result<(), String> {
    let json = match &graded.outcome {
        Ok(report) => {
            let mut value = serde_json::to_value(report).unwrap_or_default();
            value["team"] = graded.team.name.clone().into();
            if let Some(note) = &graded.start_up {
                value["start_up"] = note.clone().into();
            }
            value
        }
        Err(error) => serde_json::json!({
            "team": graded.team.name,
            "score": 0,
            "max": most(settings),
            "passed": false,
            "error": error,
        }),
    };
    let path = out.join(format!("{}.json", graded.team.name));
    let text = serde_json::to_string_pretty(&json).unwrap_or_default();
    fs::write(&path, text + "\n").map_err(|error| cannot("check-error-cannot-write", &path, &error))
}

/// The most points a team can score.
fn most(settings: &Settings) -> u32 {
    crate::most_points(settings).iter().map(|(_, p)| p).sum()
}

/// A CSV field, quoted when it must be.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// `grades.csv`: team, score, max, one column per category, the failed
/// checks, the error.
fn grades_csv(graded: &[Graded], settings: &Settings) -> String {
    let categories = crate::most_points(settings);
    let mut header = vec!["team".to_owned(), "score".to_owned(), "max".to_owned()];
    header.extend(categories.iter().map(|(c, _)| field(c.key())));
    header.extend(["failed".to_owned(), "error".to_owned()]);
    let mut csv = header.join(",") + "\n";
    for one in graded {
        let mut row = vec![field(&one.team.name)];
        match &one.outcome {
            Ok(report) => {
                row.push(report.score.to_string());
                row.push(report.max.to_string());
                for (category, _) in &categories {
                    let scored = report.categories.iter().find(|c| c.category == *category);
                    row.push(scored.map_or(0, |c| c.score).to_string());
                }
                row.push(field(&report.failed().join("; ")));
                row.push(String::new());
            }
            Err(error) => {
                row.push("0".to_owned());
                row.push(most(settings).to_string());
                row.extend(categories.iter().map(|_| "0".to_owned()));
                row.push(String::new());
                row.push(field(error));
            }
        }
        csv += &(row.join(",") + "\n");
    }
    csv
}

/// The table printed at the end. Its columns are padded by characters,
/// not bytes, so that accented headings line up.
fn summary(graded: &[Graded], settings: &Settings) -> String {
    let (team, score) = (
        t!("check-teams-column-team"),
        t!("check-teams-column-score"),
    );
    let width = graded
        .iter()
        .map(|g| g.team.name.chars().count())
        .chain([team.chars().count()])
        .max()
        .unwrap_or(4);
    let score_width = score.chars().count().max(7);
    let result = t!("check-teams-column-result");
    let mut text = format!("\n{team:width$}  {score:>score_width$}  {result}\n");
    for one in graded {
        let (score, result) = match &one.outcome {
            Ok(report) if report.passed => (
                format!("{}/{}", report.score, report.max),
                t!("check-teams-all-passed"),
            ),
            Ok(report) => (
                format!("{}/{}", report.score, report.max),
                t!("check-teams-some-failed", count = report.failed().len()),
            ),
            Err(error) => (
                format!("0/{}", most(settings)),
                t!("check-teams-error", error = error.as_str()),
            ),
        };
        let _ = writeln!(
            text,
            "{:width$}  {score:>score_width$}  {result}",
            one.team.name
        );
        if let Some(note) = &one.start_up {
            let note = t!("check-teams-note", note = note.as_str());
            let under = width + 2 + score_width + 2;
            let _ = writeln!(text, "{:under$}{note}", "");
        }
    }
    text
}

#[cfg(unix)]
mod run {
    //! Starting, watching and stopping one team's server.

    use std::fs::File;
    use std::net::{SocketAddr, TcpListener, TcpStream};
    use std::os::unix::process::CommandExt;
    use std::path::Path;
    use std::process::{Child, Command, Stdio};
    use std::thread;
    use std::time::{Duration, Instant};

    use crossbeam_channel::{bounded, RecvTimeoutError};

    use chamada::t;

    use super::{cannot, Limits, Team};
    use crate::report::Report;
    use crate::Settings;

    /// How often to look whether the server listens yet.
    const LOOK_EVERY: Duration = Duration::from_millis(50);
    /// How long a server has to stop after SIGTERM before SIGKILL.
    const GRACE: Duration = Duration::from_secs(1);

    /// How long a server that listens has to print its first line.
    const FIRST_LINE_WITHIN: Duration = Duration::from_secs(1);

    /// Starts `team`'s server, grades it and stops it. Also says what was
    /// wrong with its start-up, if anything.
    pub fn grade_team(
        team: &Team,
        out: &Path,
        settings: &Settings,
        limits: &Limits,
    ) -> (Result<Report, String>, Option<String>) {
        let log_path = out.join(format!("{}.log", team.name));
        let mut start_up = None;
        let graded = free_port().and_then(|port| {
            let folder = tempfile::tempdir().map_err(|error| {
                t!(
                    "check-teams-no-temp-folder",
                    error = crate::probe::io_error(&error)
                )
            })?;
            let mut child = start(team, port, folder.path(), &log_path, settings)?;
            let graded = watch_and_grade(&mut child, port, settings, limits, || {
                start_up = announced(&log_path, port);
            });
            Ok(graded)
        });
        (graded.and_then(|graded| graded), start_up)
    }

    /// The first line of the server's output, if it is not the one
    /// PROTOCOL.md asks for: `listening on 127.0.0.1:PORT`.
    fn announced(log: &Path, port: u16) -> Option<String> {
        let wanted = format!("listening on 127.0.0.1:{port}");
        let deadline = Instant::now() + FIRST_LINE_WITHIN;
        loop {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            if let Some((first, _)) = text.split_once('\n') {
                return (first.trim_end() != wanted).then(|| {
                    let (first, wanted) = (format!("{first:?}"), format!("{wanted:?}"));
                    t!("check-teams-first-line", first = first, wanted = wanted)
                });
            }
            if Instant::now() >= deadline {
                let wanted = format!("{wanted:?}");
                return Some(t!(
                    "check-teams-no-first-line",
                    seconds = FIRST_LINE_WITHIN.as_secs(),
                    wanted = wanted
                ));
            }
            thread::sleep(LOOK_EVERY);
        }
    }

    /// Waits for `child` to listen on `port`, calls `listening`, grades
    /// the server and stops the whole group, within the time limit.
    fn watch_and_grade(
        child: &mut Child,
        port: u16,
        settings: &Settings,
        limits: &Limits,
        listening: impl FnOnce(),
    ) -> Result<Report, String> {
        let group = child.id() as libc::pid_t;
        // The time limit: a thread that kills the group unless told first
        // that grading is over.
        let (done, over) = bounded::<()>(0);
        let limit = limits.time_limit;
        let watchdog = thread::spawn(move || {
            if over.recv_timeout(limit) == Err(RecvTimeoutError::Timeout) {
                signal_group(group, libc::SIGKILL);
            }
        });
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let graded = wait_for_port(child, addr, limits.start_within).and_then(|()| {
            listening();
            crate::grade(&addr.to_string(), settings)
        });
        drop(done);
        let _ = watchdog.join();
        stop(child, group);
        graded
    }

    /// A port nobody listens on now (the system's pick, let go at once).
    fn free_port() -> Result<u16, String> {
        TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|addr| addr.port())
            .map_err(|error| {
                t!(
                    "check-teams-no-free-port",
                    error = crate::probe::io_error(&error)
                )
            })
    }

    fn start(
        team: &Team,
        port: u16,
        folder: &Path,
        log_path: &Path,
        settings: &Settings,
    ) -> Result<Child, String> {
        let log = File::create(log_path)
            .map_err(|error| cannot("check-error-cannot-write", log_path, &error))?;
        let log_too = log
            .try_clone()
            .map_err(|error| cannot("check-error-cannot-write", log_path, &error))?;
        let command = team.command.replace("{port}", &port.to_string());
        let mut sh = Command::new("sh");
        sh.arg("-c")
            .arg(&command)
            .current_dir(folder)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_too)
            // A group of its own: stopping it stops whatever the command
            // started, however many processes deep.
            .process_group(0);
        match &settings.key {
            Some(key) => sh.env("CHAMADA_TEACHER_KEY", key.expose()),
            None => sh.env_remove("CHAMADA_TEACHER_KEY"),
        };
        sh.spawn().map_err(|error| {
            let command = format!("{command:?}");
            t!(
                "check-teams-cannot-run",
                command = command,
                error = crate::probe::io_error(&error)
            )
        })
    }

    /// Waits until something listens on `addr`, the command fails, or
    /// `patience` runs out.
    fn wait_for_port(
        child: &mut Child,
        addr: SocketAddr,
        patience: Duration,
    ) -> Result<(), String> {
        let deadline = Instant::now() + patience;
        loop {
            if TcpStream::connect_timeout(&addr, LOOK_EVERY).is_ok() {
                return Ok(());
            }
            // A command that ends with success may have left its server
            // running in the background: keep waiting for the port.
            if let Ok(Some(status)) = child.try_wait() {
                if !status.success() {
                    return Err(t!(
                        "check-teams-ended-early",
                        status = exit_status(status),
                        addr = addr.to_string()
                    ));
                }
            }
            if Instant::now() >= deadline {
                return Err(t!(
                    "check-teams-never-listened",
                    addr = addr.to_string(),
                    seconds = patience.as_secs()
                ));
            }
            thread::sleep(LOOK_EVERY);
        }
    }

    /// How a command ended, in the reader's language: "exit status: 1",
    /// as Rust writes it in English; a signal as the system says it.
    fn exit_status(status: std::process::ExitStatus) -> String {
        match status.code() {
            Some(code) => t!("check-teams-exit-code", code = code),
            None => status.to_string(),
        }
    }

    /// Stops the whole process group: SIGTERM, and SIGKILL for whatever
    /// is still there a moment later.
    fn stop(child: &mut Child, group: libc::pid_t) {
        signal_group(group, libc::SIGTERM);
        let deadline = Instant::now() + GRACE;
        while Instant::now() < deadline && group_alive(child, group) {
            thread::sleep(LOOK_EVERY);
        }
        signal_group(group, libc::SIGKILL);
        let _ = child.wait();
    }

    /// True while `sh` runs or any process of its group is left.
    fn group_alive(child: &mut Child, group: libc::pid_t) -> bool {
        if matches!(child.try_wait(), Ok(None)) {
            return true;
        }
        // Signal 0 sends nothing: it asks whether the group still exists.
        // SAFETY: kill() only reads its arguments.
        unsafe { libc::kill(-group, 0) == 0 }
    }

    fn signal_group(group: libc::pid_t, signal: libc::c_int) {
        // SAFETY: kill() only reads its arguments; a negative pid names
        // the process group, which is only ever the team's own.
        unsafe {
            libc::kill(-group, signal);
        }
    }
}

#[cfg(not(unix))]
mod run {
    use std::path::Path;

    use super::{Limits, Team};
    use crate::report::Report;
    use crate::Settings;

    pub fn grade_team(
        _: &Team,
        _: &Path,
        _: &Settings,
        _: &Limits,
    ) -> (Result<Report, String>, Option<String>) {
        (Err(chamada::t!("check-teams-unix-only")), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_teams_file_is_one_team_per_line() {
        let text = "# the class\n\nteam-a python3 server.py --bind 127.0.0.1:{port}\n  b.2   ./run {port}  \n";
        let teams = parse_teams(text).unwrap();
        assert_eq!(
            teams,
            [
                Team {
                    name: "team-a".into(),
                    command: "python3 server.py --bind 127.0.0.1:{port}".into()
                },
                Team {
                    name: "b.2".into(),
                    command: "./run {port}".into()
                },
            ]
        );
    }

    #[test]
    fn a_bad_teams_file_says_which_line() {
        chamada::i18n::choose(chamada::i18n::Lang::En);
        let error = |text: &str| parse_teams(text).unwrap_err();
        assert!(error("a x\nlonely\n").starts_with("line 2:"));
        assert!(error("../up x\n").contains("cannot be a team's name"));
        assert!(error("a x\na y\n").contains("listed twice"));
        assert!(error("# nobody\n").contains("no team"));
    }

    #[test]
    fn csv_fields_are_quoted_when_they_must_be() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
