//! Exercise 3.2: statistics, answered by the registry.
//!
//! `cargo test -p exercises --test stats` tests the starter, the file you
//! edit; add `--features solutions` to test the solution instead.

mod common;

use std::thread;

use chamada::serve;
use common::{listener, roll_calls, Client};
use exercises::stats;

#[test]
fn stats_count_what_the_registry_did() {
    let (listener, addr) = listener();
    let (registry, registry_thread) = stats::Registry::start(roll_calls());
    let handle = registry.clone();
    let server = thread::spawn(move || {
        // Two connections, each on its own thread, as in lesson 03.
        let threads: Vec<_> = listener
            .incoming()
            .take(2)
            .map(|stream| {
                let mut registry = handle.clone();
                let stream = stream.unwrap();
                thread::spawn(move || serve(stream, &mut registry))
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
    });
    let mut teacher = Client::connect(addr);
    let mut student = Client::connect(addr);
    assert!(teacher.ask("START 5").starts_with("STARTED 5 "));
    assert!(student.ask("PRESENT a 5").starts_with("PRESENCE 5 "));
    assert!(student.ask("PRESENT a 6").starts_with("PRESENCE 0 "));
    assert!(teacher.ask("START 6").starts_with("STARTED 6 "));
    assert!(teacher.ask("END 6").starts_with("ENDED 6 "));
    assert!(student.ask("HELP").starts_with("HELP "));
    drop((teacher, student));
    server.join().unwrap();

    let expected = stats::Stats {
        commands: 5,
        presences: 1,
        refusals: 1,
        open: 1,
    };
    {
        // The last handle, used and then dropped at the end of this block:
        // the registry thread then ends and hands back the roll calls.
        let last_handle = registry;
        assert_eq!(last_handle.stats(), Some(expected));
    }
    assert_eq!(registry_thread.join().unwrap().still_open().len(), 1);
}
