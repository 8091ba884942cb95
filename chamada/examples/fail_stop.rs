//! For `chamada`'s tests: a process that starts the servers' log (and so
//! its panic hook), then has one of its threads panic, the way a bug in a
//! server's registry or connection thread would. With the hook, the whole
//! process stops at once with exit code 101; without it, `main` would go
//! on for ten seconds and exit 0.

use std::thread;
use std::time::Duration;

fn main() {
    let _log = chamada::log::init();
    tracing::info!("serving");
    let _ = thread::Builder::new()
        .name("registry".into())
        .spawn(|| panic!("an invariant of the roll calls is broken"));
    thread::sleep(Duration::from_secs(10));
}
