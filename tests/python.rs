//! # The Python reference server and starter, graded by `check`
//!
//! `python/chamada_server.py` shows that PROTOCOL.md can be met outside
//! Rust, with the standard library only, and that `check` is fair to a
//! server it did not grow up with: it must get full marks, with a teacher
//! key and without. `python/starter.py` is where a Python team begins: it
//! starts, announces its address and answers some checks, and fails the rest.
//!
//! Each server is a real `python3` process on 127.0.0.1, port 0, its
//! address read from its first line; every wait is bounded by
//! `harness::WAIT`. Without `python3` on the PATH the tests say so and pass
//! (CI has it).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;

use harness::{run_client_with, Run, WAIT};
use serde_json::Value;

/// A Python server process, killed when dropped.
struct Python {
    child: Child,
    addr: String,
}

impl Drop for Python {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn has_python() -> bool {
    let found = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        println!("SKIPPED: python3 is not on the PATH; the Python servers were not graded");
    }
    found
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join(name)
}

/// Starts `python/<name>` on a port the system picks, with `env`, and
/// reads the address from its first line.
fn start(name: &str, env: &[(&str, &str)]) -> Python {
    let mut child = Command::new("python3")
        .arg(script(name))
        .args(["--bind", "127.0.0.1:0"])
        .env_remove("CHAMADA_TEACHER_KEY")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start python3 {name}: {error}"));
    // Read the output on a thread: the first line through a channel (so the
    // wait has a deadline), the rest drained so no pipe ever fills.
    let stdout = child.stdout.take().expect("stdout is piped");
    let (first_line, first) = mpsc::channel();
    thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let _ = first_line.send(lines.next());
        lines.for_each(drop);
    });
    let mut python = Python {
        child,
        addr: String::new(),
    };
    let line = match first.recv_timeout(WAIT) {
        Ok(Some(Ok(line))) => line,
        other => panic!("{name} printed no first line within {WAIT:?}: {other:?}"),
    };
    python.addr = line
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{name}'s first line is not `listening on ADDR`: {line:?}"))
        .to_owned();
    python
}

/// Runs `check --json` against `server` with `args` and `env`.
fn check(server: &Python, args: &[&str], env: &[(&str, &str)]) -> (Run, Value) {
    let mut all = vec![server.addr.as_str(), "--json"];
    all.extend(args);
    let run = run_client_with("check", &[], &all, "", env);
    let report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|error| panic!("check printed no JSON ({error}): {run:#?}"));
    (run, report)
}

/// The names of the checks that failed.
fn failed(report: &Value) -> Vec<String> {
    let checks = report["checks"].as_array().expect("a list of checks");
    checks
        .iter()
        .filter(|c| c["passed"] == false)
        .map(|c| c["name"].to_string())
        .collect()
}

fn assert_full_marks(args: &[&str], env: &[(&str, &str)]) {
    let server = start("chamada_server.py", env);
    let (run, report) = check(&server, args, env);
    assert_eq!(failed(&report), Vec::<String>::new(), "{report:#}");
    assert_eq!(report["score"], report["max"], "{report:#}");
    assert_eq!(run.code, Some(0), "{run:#?}");
}

#[test]
fn the_python_reference_gets_full_marks() {
    if has_python() {
        assert_full_marks(&[], &[]);
    }
}

#[test]
fn the_python_reference_gets_full_marks_with_a_teacher_key() {
    if has_python() {
        let env = [("CHAMADA_TEACHER_KEY", "py-key-2026")];
        assert_full_marks(&["--teacher-key"], &env);
    }
}

#[test]
fn the_python_starter_runs_and_scores_some_but_not_all() {
    if !has_python() {
        return;
    }
    let server = start("starter.py", &[]);
    // One client at a time, and it waits for a silent client: a short
    // timeout keeps the run short.
    let (run, report) = check(&server, &["--timeout", "1"], &[]);
    let score = report["score"].as_u64().expect("a score");
    let max = report["max"].as_u64().expect("a maximum");
    assert!(0 < score && score < max, "{report:#}");
    assert_eq!(run.code, Some(1), "{run:#?}");
}

#[test]
fn the_python_reference_refuses_a_bad_key_without_showing_it() {
    if !has_python() {
        return;
    }
    let secret = "my secret key";
    let output = Command::new("python3")
        .arg(script("chamada_server.py"))
        .env("CHAMADA_TEACHER_KEY", secret)
        .stdin(Stdio::null())
        .output()
        .expect("python3 runs");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!output.status.success(), "{printed}");
    assert!(printed.contains("teacher key"), "{printed}");
    assert!(!printed.contains(secret), "{printed}");
}
