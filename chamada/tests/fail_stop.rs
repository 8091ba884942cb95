//! A panic on any thread of a server stops the whole process (fail-stop),
//! with a clear message and a non-zero exit code, even when nobody can read
//! standard error. The process is `examples/fail_stop.rs`.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The example's binary, built first (`cargo test` builds examples, but
/// `cargo test --test fail_stop` does not): target/<profile>/examples/.
fn example() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let mut cargo = Command::new(env!("CARGO"));
    cargo.args(["build", "--quiet", "-p", "chamada", "--example", "fail_stop"]);
    if profile.ends_with("release") {
        cargo.arg("--release");
    }
    assert!(cargo.status().unwrap().success(), "building the example failed");
    profile
        .join("examples")
        .join(format!("fail_stop{}", std::env::consts::EXE_SUFFIX))
}

/// Waits for `child` to exit, at most `limit`; its exit code.
fn exit_code_within(child: &mut Child, limit: Duration) -> Option<i32> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    panic!("the process was still running after {limit:?}: a panicked thread left it half-alive");
}

#[test]
fn a_panic_on_any_thread_stops_the_process_with_a_clear_message() {
    let mut child = Command::new(example())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example was built with the tests");
    let code = exit_code_within(&mut child, Duration::from_secs(5));
    let mut errors = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut errors)
        .unwrap();
    assert_eq!(code, Some(chamada::log::PANIC_EXIT_CODE), "{errors}");
    assert!(errors.contains("thread 'registry' panicked"), "{errors}");
    assert!(
        errors.contains("an invariant of the roll calls is broken"),
        "{errors}"
    );
    assert!(errors.contains("the server stops"), "{errors}");
}

#[test]
fn a_panic_stops_the_process_even_when_standard_error_is_gone() {
    let mut child = Command::new(example())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Nobody will read either output: the readers hang up at once.
    drop(child.stdout.take());
    drop(child.stderr.take());
    let code = exit_code_within(&mut child, Duration::from_secs(5));
    assert_eq!(code, Some(chamada::log::PANIC_EXIT_CODE));
}
