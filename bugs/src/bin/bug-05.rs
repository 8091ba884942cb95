//! # Bug hunt: bug-05
//!
//! This roll-call server has one bug, of a kind that real servers written
//! by students have. Everything in `bugs/src/lib.rs` is correct; the bug is
//! in this file.
//!
//! Exercise: start it with `cargo run -p chamada-bugs --bin bug-05`, run
//! `cargo run --release --bin check -- 127.0.0.1:5050` against it, and read
//! the report: which category fails, what was sent, what came back. Then
//! find the bug here, fix it, and run `check` again until every check
//! passes. The book's chapter "Bug hunt" has hints.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chamada::{Capacity, ClassId, Clock, Command, Response, StartupError, StudentId, Timestamp};

/// One open roll call: when it opened, and who answered, in order.
struct RollCall {
    started: Timestamp,
    present: Vec<StudentId>,
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
    let open = HashMap::new();
    let capacity = chamada_bugs::capacity();
    let roll_calls = Arc::new(Mutex::new(RollCalls {
        open,
        clock,
        capacity,
    }));
    chamada_bugs::thread_per_client(listener, move |stream| {
        chamada_bugs::serve_lines(stream, |command| {
            let mut roll_calls = roll_calls.lock().unwrap_or_else(PoisonError::into_inner);
            roll_calls.answer(command)
        });
    });
    Ok(())
}

impl RollCalls {
    /// Carries out one command.
    fn answer(&mut self, command: Command) -> Response {
        let now = self.clock.now();
        match command {
            Command::Start(class) if self.open.contains_key(&class) => {
                Response::already_open(class)
            }
            Command::Start(_) if self.open.len() >= self.capacity.open_classes => {
                Response::too_many_classes(self.capacity.open_classes)
            }
            Command::Start(class) => {
                let started = now;
                let present = Vec::new();
                self.open.insert(class, RollCall { started, present });
                Response::Started { class, at: now }
            }
            Command::End(class) => match self.open.remove(&class) {
                Some(roll_call) => Response::Ended {
                    class,
                    at: now,
                    students: roll_call.present,
                },
                None => Response::not_open(class),
            },
            Command::Status(class) => match self.open.get(&class) {
                Some(roll_call) => Response::Status {
                    class,
                    started: roll_call.started,
                    students: roll_call.present.clone(),
                },
                None => Response::not_open(class),
            },
            Command::Present { student, class } => match self.open.get_mut(&class) {
                Some(roll_call) if roll_call.present.len() >= self.capacity.students_per_class => {
                    Response::class_full(class, self.capacity.students_per_class)
                }
                Some(roll_call) => {
                    roll_call.present.push(student);
                    Response::Presence {
                        class: Some(class),
                        at: now,
                    }
                }
                None => Response::Presence {
                    class: None,
                    at: now,
                },
            },
        }
    }
}
