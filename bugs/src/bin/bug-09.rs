//! # Bug hunt: bug-09
//!
//! This roll-call server has one bug, of a kind that real servers written
//! by students have. Everything in `bugs/src/lib.rs` is correct; the bug is
//! in this file.
//!
//! Exercise: start it with `cargo run -p chamada-bugs --bin bug-09`, run
//! `cargo run --release --bin check -- 127.0.0.1:5050` against it, and read
//! the report: which category fails, what was sent, what came back. Then
//! find the bug here, fix it, and run `check` again until every check
//! passes. The book's chapter "Bug hunt" has hints.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

use chamada::{Capacity, ClassId, Clock, Command, Response, StartupError, StudentId, Timestamp};

/// One open roll call: when it opened, and who answered when, in order.
struct RollCall {
    started: Timestamp,
    present: Vec<(StudentId, Timestamp)>,
}

/// Every open roll call, by class, the clock that stamps them, and how
/// much they may hold.
struct RollCalls {
    open: HashMap<ClassId, RollCall>,
    clock: Clock,
    capacity: Capacity,
}

fn main() -> Result<(), StartupError> {
    let listener = chamada_bugs::listen()?;
    let clock = Clock::from_env().map_err(StartupError)?;
    let roll_calls = Arc::new(Mutex::new(RollCalls {
        open: HashMap::new(),
        clock,
        capacity: chamada_bugs::capacity(),
    }));
    chamada_bugs::thread_per_client(listener, move |stream| {
        chamada_bugs::serve_lines(stream, |command| answer(&roll_calls, command));
    });
    Ok(())
}

fn lock(roll_calls: &Mutex<RollCalls>) -> MutexGuard<'_, RollCalls> {
    roll_calls.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Carries out one command.
fn answer(roll_calls: &Mutex<RollCalls>, command: Command) -> Response {
    match command {
        Command::Start(class) => start(roll_calls, class),
        other => lock(roll_calls).answer(other),
    }
}

/// Opens a roll call.
fn start(roll_calls: &Mutex<RollCalls>, class: ClassId) -> Response {
    if lock(roll_calls).open.contains_key(&class) {
        return Response::already_open(class);
    }
    // This pause is not the bug. It stands for work a bigger server would
    // do here (a log line, a look-up of the class's name), and makes the
    // bug show up on every run of `check` rather than once in a thousand.
    thread::sleep(Duration::from_millis(2));
    let mut roll_calls = lock(roll_calls);
    let most = roll_calls.capacity.open_classes;
    if roll_calls.open.len() >= most {
        return Response::too_many_classes(most);
    }
    let started = roll_calls.clock.now();
    let present = Vec::new();
    roll_calls.open.insert(class, RollCall { started, present });
    Response::Started { class, at: started }
}

impl RollCalls {
    /// Carries out END, STATUS and PRESENT.
    fn answer(&mut self, command: Command) -> Response {
        let now = self.clock.now();
        match command {
            Command::Start(_) => unreachable!("start() opens roll calls"),
            Command::End(class) => match self.open.remove(&class) {
                Some(roll_call) => Response::Ended {
                    class,
                    at: now,
                    students: roll_call.present.into_iter().map(|(s, _)| s).collect(),
                },
                None => Response::not_open(class),
            },
            Command::Status(class) => match self.open.get(&class) {
                Some(roll_call) => Response::Status {
                    class,
                    started: roll_call.started,
                    students: roll_call.present.iter().map(|(s, _)| s.clone()).collect(),
                },
                None => Response::not_open(class),
            },
            Command::Present { student, class } => {
                let most = self.capacity.students_per_class;
                let Some(roll_call) = self.open.get_mut(&class) else {
                    return Response::Presence {
                        class: None,
                        at: now,
                    };
                };
                // A student who answers again keeps their first time.
                if let Some((_, first)) = roll_call.present.iter().find(|(s, _)| *s == student) {
                    return Response::Presence {
                        class: Some(class),
                        at: *first,
                    };
                }
                if roll_call.present.len() >= most {
                    return Response::class_full(class, most);
                }
                roll_call.present.push((student, now));
                Response::Presence {
                    class: Some(class),
                    at: now,
                }
            }
        }
    }
}
